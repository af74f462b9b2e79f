// The Merkle-Damgard frame MD5 and SHA-1 share: 64-byte blocks, 0x80 padding, a 64-bit bit count at the
// end of the last block. Incremental, so HMAC and large bodies never need a concatenated copy.

/** An incremental hash. `digest()` finishes it; afterwards `update()` and `digest()` throw. */
export interface Hasher {
  update(bytes: Uint8Array): this;
  digest(): Uint8Array;
}

/** What HMAC needs to know about a hash function. */
export interface HashAlgorithm {
  readonly name: string;
  readonly blockSize: number;
  readonly digestSize: number;
  create(): Hasher;
}

export abstract class BlockHash implements Hasher {
  private readonly block = new Uint8Array(64);
  /** Bytes waiting in `block`. */
  private used = 0;
  /** Bytes hashed so far; a double is exact far beyond any message the agent handles. */
  private total = 0;
  private finished = false;

  /** Length field byte order: MD5 little-endian, SHA-1 big-endian. */
  protected abstract readonly bigEndian: boolean;
  /** Mixes the 64 bytes at `bytes[offset..offset+64)` into the state. */
  protected abstract compress(bytes: Uint8Array, offset: number): void;
  /** The digest of the current state. */
  protected abstract output(): Uint8Array;

  update(bytes: Uint8Array): this {
    if (this.finished) throw new Error("hash already finished");
    const n = bytes.length;
    let i = 0;
    this.total += n;
    if (this.used > 0) {
      const take = Math.min(64 - this.used, n);
      this.block.set(bytes.subarray(0, take), this.used);
      this.used += take;
      i = take;
      if (this.used < 64) return this;
      this.compress(this.block, 0);
      this.used = 0;
    }
    // Whole blocks straight from the input: no copy.
    for (; n - i >= 64; i += 64) this.compress(bytes, i);
    if (i < n) {
      this.block.set(bytes.subarray(i), 0);
      this.used = n - i;
    }
    return this;
  }

  digest(): Uint8Array {
    if (this.finished) throw new Error("hash already finished");
    this.finished = true;
    const block = this.block;
    let used = this.used;
    block[used++] = 0x80;
    if (used > 56) {
      block.fill(0, used);
      this.compress(block, 0);
      used = 0;
    }
    block.fill(0, used, 56);
    const low = (this.total * 8) >>> 0;
    const high = Math.floor(this.total / 0x20000000) >>> 0;
    for (let k = 0; k < 4; k++) {
      const lowByte = (low >>> (8 * k)) & 0xff;
      const highByte = (high >>> (8 * k)) & 0xff;
      if (this.bigEndian) {
        block[63 - k] = lowByte;
        block[59 - k] = highByte;
      } else {
        block[56 + k] = lowByte;
        block[60 + k] = highByte;
      }
    }
    this.compress(block, 0);
    return this.output();
  }
}
