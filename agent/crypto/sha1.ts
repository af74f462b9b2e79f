// SHA-1 (FIPS 180-4, RFC 3174): for HMAC-SHA1 and servers that ask for it.
import { BlockHash, type HashAlgorithm } from "./block-hash.js";

export class Sha1 extends BlockHash {
  protected readonly bigEndian = true;
  private readonly state = new Int32Array([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0]);
  private readonly words = new Int32Array(80);

  protected compress(bytes: Uint8Array, offset: number): void {
    const w = this.words;
    for (let i = 0, o = offset; i < 16; i++, o += 4) {
      w[i] = (bytes[o] << 24) | (bytes[o + 1] << 16) | (bytes[o + 2] << 8) | bytes[o + 3];
    }
    for (let i = 16; i < 80; i++) {
      const x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16];
      w[i] = (x << 1) | (x >>> 31);
    }
    const s = this.state;
    let a = s[0], b = s[1], c = s[2], d = s[3], e = s[4];
    for (let i = 0; i < 80; i++) {
      let f: number, k: number;
      if (i < 20) { f = (b & c) | (~b & d); k = 0x5a827999; }
      else if (i < 40) { f = b ^ c ^ d; k = 0x6ed9eba1; }
      else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdc; }
      else { f = b ^ c ^ d; k = 0xca62c1d6; }
      const t = (((a << 5) | (a >>> 27)) + f + e + k + w[i]) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    s[0] = (s[0] + a) | 0;
    s[1] = (s[1] + b) | 0;
    s[2] = (s[2] + c) | 0;
    s[3] = (s[3] + d) | 0;
    s[4] = (s[4] + e) | 0;
  }

  protected output(): Uint8Array {
    const out = new Uint8Array(20);
    for (let i = 0; i < 5; i++) {
      const v = this.state[i];
      out[4 * i] = v >>> 24;
      out[4 * i + 1] = v >>> 16;
      out[4 * i + 2] = v >>> 8;
      out[4 * i + 3] = v;
    }
    return out;
  }
}

export const SHA1: HashAlgorithm = { name: "SHA-1", blockSize: 64, digestSize: 20, create: () => new Sha1() };

/** The 20-byte SHA-1 digest of `bytes`. */
export function sha1(bytes: Uint8Array): Uint8Array {
  return new Sha1().update(bytes).digest();
}
