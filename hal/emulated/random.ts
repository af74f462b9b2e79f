// Random bytes: node:crypto, or a deterministic stream from a seed so a test can replay a run exactly.
import { createHash, randomFillSync } from "node:crypto";
import type { Random } from "../random.js";

function view(buffer: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (buffer instanceof ArrayBuffer) return new Uint8Array(buffer);
  if (ArrayBuffer.isView(buffer)) return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  throw new TypeError("random.fill: ArrayBuffer or view required");
}

export function systemRandom(): Random {
  return { fill: (buffer) => void randomFillSync(view(buffer)) };
}

/** SHA-256 in counter mode over the seed: deterministic, and not for anything but tests. */
export function seededRandom(seed: string | Uint8Array): Random {
  let counter = 0;
  let pool = Buffer.alloc(0);
  return {
    fill(buffer) {
      const out = view(buffer);
      while (pool.length < out.length) {
        const block = createHash("sha256").update(seed).update(String(counter++)).digest();
        pool = Buffer.concat([pool, block]);
      }
      out.set(pool.subarray(0, out.length));
      pool = pool.subarray(out.length);
    },
  };
}
