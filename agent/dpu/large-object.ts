// Large objects arriving in chunks (OMA-TS-DM_Protocol-V1_2 §7): each chunk but the last carries MoreData and
// gets 213; Size comes with the first; the last chunk completes the command, which is then executed once,
// as one command. A new command before the last chunk abandons the object (Alert 1225).
import type { Meta } from "../syncml/index.js";
import { utf8Encode } from "../bytes/utf8.js";
import { base64Decode } from "../bytes/base64.js";

export interface Assembly {
  readonly kind: string;
  /** The Target LocURI as the server wrote it: continuations must name the same node. */
  readonly target: string;
  readonly size: number | undefined;
  readonly format: string | undefined;
  /** Set when the object was refused (over MaxObjSize): later chunks get the same status, unbuffered. */
  refused: number | undefined;
  /** Meta of the first chunk (Format, Type): later chunks may leave it out. */
  first?: Meta;
  parts: Array<string | Uint8Array>;
  bytes: number;
}

export function startAssembly(kind: string, target: string, size: number | undefined, format: string | undefined, refused?: number): Assembly {
  return { kind, target, size, format, refused, parts: [], bytes: 0 };
}

export function addChunk(a: Assembly, data: string | Uint8Array): void {
  if (a.refused) return;
  a.parts.push(data);
  a.bytes += typeof data === "string" ? utf8Encode(data).length : data.length;
}

/** The whole object: text when every chunk was text, else bytes. */
export function assembled(a: Assembly): string | Uint8Array {
  if (a.parts.every((p) => typeof p === "string")) return a.parts.join("");
  const out = new Uint8Array(a.bytes);
  let at = 0;
  for (const p of a.parts) {
    const b = typeof p === "string" ? utf8Encode(p) : p;
    out.set(b, at);
    at += b.length;
  }
  return out;
}

/**
 * Whether the object matches its announced Size. Size counts the bytes as transmitted; servers that send
 * b64 data announce either that or the size of the decoded binary, and both are accepted.
 */
export function sizeMatches(a: Assembly, data: string | Uint8Array): boolean {
  if (a.size === undefined || a.bytes === a.size) return true;
  if (typeof data === "string" && (a.format ?? "").toLowerCase() === "b64") return base64Decode(data)?.length === a.size;
  return false;
}
