// Bounds-checked reading of a byte array: the decoders never index past the end, they get a PushError.
import { PushError, type PushErrorCode } from "./errors.js";

export class ByteReader {
  pos = 0;
  /** `what` names the structure in error messages ("SMS-DELIVER", "WSP push", ...). */
  constructor(readonly bytes: Uint8Array, readonly what: string, public end = bytes.length) {}

  get left(): number {
    return this.end - this.pos;
  }

  fail(code: PushErrorCode, detail: string): never {
    throw new PushError(code, `${this.what}: ${detail} (at octet ${this.pos})`);
  }

  need(n: number, field: string): void {
    if (n > this.end - this.pos) this.fail("truncated", `${field} needs ${n} octet(s), ${this.end - this.pos} left`);
  }

  u8(field: string): number {
    this.need(1, field);
    return this.bytes[this.pos++];
  }

  peek(field: string): number {
    this.need(1, field);
    return this.bytes[this.pos];
  }

  /** A view (not a copy) of the next n octets. */
  take(n: number, field: string): Uint8Array {
    this.need(n, field);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

/** Throws unless `bytes` is a Uint8Array: the decoders are reached from host data. */
export function checkBytes(bytes: unknown, what: string): Uint8Array {
  if (!(bytes instanceof Uint8Array)) throw new PushError("bad-input", `${what}: expected a Uint8Array`);
  return bytes;
}
