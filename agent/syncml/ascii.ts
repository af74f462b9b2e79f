// UTF-8 with an ASCII fast path: nearly every string in a DM message is ASCII, and the general codecs build
// code-unit arrays that cost QuickJS several times more.
import { utf8Decode, utf8Encode } from "../bytes/utf8.js";

/** Strict UTF-8 decode (undefined when malformed). */
export function decodeText(bytes: Uint8Array): string | undefined {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] > 0x7f) return utf8Decode(bytes, true);
  let s = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192) as unknown as number[]);
  }
  return s;
}

export function encodeText(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) return utf8Encode(s);
    out[i] = c;
  }
  return out;
}
