// Base64 (RFC 4648 section 4, standard alphabet, padded). QuickJS has no btoa/atob or Buffer.
// Table-driven, no per-character strings: SyncML bodies and large objects can be tens of KB.

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const PAD = 61; // "="
const SKIP = 64; // XML whitespace: servers wrap long base64 text
const BAD = 255;

/** ASCII code -> 6-bit value, SKIP or BAD. */
const DECODE = new Uint8Array(128).fill(BAD);
for (let i = 0; i < 64; i++) DECODE[ALPHABET.charCodeAt(i)] = i;
DECODE[0x20] = DECODE[0x09] = DECODE[0x0a] = DECODE[0x0d] = SKIP;

const ENCODE = new Uint8Array(64);
for (let i = 0; i < 64; i++) ENCODE[i] = ALPHABET.charCodeAt(i);

/** A string of ASCII codes, in chunks small enough for apply()'s argument limit. */
function asciiString(codes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < codes.length; i += 4096) {
    out += String.fromCharCode.apply(null, codes.subarray(i, i + 4096) as unknown as number[]);
  }
  return out;
}

export function base64Encode(bytes: Uint8Array): string {
  const n = bytes.length;
  const out = new Uint8Array(Math.ceil(n / 3) * 4);
  let o = 0;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out[o++] = ENCODE[v >> 18];
    out[o++] = ENCODE[(v >> 12) & 63];
    out[o++] = ENCODE[(v >> 6) & 63];
    out[o++] = ENCODE[v & 63];
  }
  if (i < n) {
    const v = (bytes[i] << 16) | (i + 1 < n ? bytes[i + 1] << 8 : 0);
    out[o++] = ENCODE[v >> 18];
    out[o++] = ENCODE[(v >> 12) & 63];
    out[o++] = i + 1 < n ? ENCODE[(v >> 6) & 63] : PAD;
    out[o++] = PAD;
  }
  return asciiString(out);
}

/**
 * Decodes canonical padded base64; spaces, tabs, CR and LF anywhere are ignored. Returns undefined for any
 * other character, missing or misplaced padding, or non-zero bits after the last byte (so that one byte
 * string has exactly one encoding, which matters when nonces and digests are compared as text).
 */
export function base64Decode(text: string): Uint8Array | undefined {
  const out = new Uint8Array((text.length >> 2) * 3);
  let o = 0;
  let acc = 0; // bits of the current 4-character group
  let n = 0; // characters in the current group
  let pad = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? DECODE[c] : BAD;
    if (v === SKIP) continue;
    if (c === PAD) {
      if (++pad > 2) return undefined;
      continue;
    }
    if (v === BAD || pad > 0) return undefined; // bad character, or data after padding
    acc = (acc << 6) | v;
    if (++n === 4) {
      out[o++] = acc >> 16;
      out[o++] = acc >> 8;
      out[o++] = acc;
      acc = 0;
      n = 0;
    }
  }
  if (pad > 0) {
    if (n + pad !== 4) return undefined;
    if (n === 2) {
      if (acc & 0xf) return undefined;
      out[o++] = acc >> 4;
    } else {
      if (acc & 0x3) return undefined;
      out[o++] = acc >> 10;
      out[o++] = acc >> 2;
    }
  } else if (n !== 0) {
    return undefined;
  }
  return o === out.length ? out : out.slice(0, o);
}
