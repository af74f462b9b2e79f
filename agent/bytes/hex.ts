// Hexadecimal (RFC 4648 base16): lower case out (what digest authentication compares), either case in.

const DIGITS = "0123456789abcdef";

export function hexEncode(bytes: Uint8Array): string {
  let out = "";
  const codes: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    codes.push(DIGITS.charCodeAt(b >> 4), DIGITS.charCodeAt(b & 15));
    if (codes.length >= 4096) {
      out += String.fromCharCode.apply(null, codes);
      codes.length = 0;
    }
  }
  return out + String.fromCharCode.apply(null, codes);
}

function nibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48; // 0-9
  c |= 0x20; // lower case
  return c >= 97 && c <= 102 ? c - 87 : -1; // a-f
}

/** Decodes an even-length string of hex digits; undefined for anything else (no whitespace or prefix). */
export function hexDecode(text: string): Uint8Array | undefined {
  if (text.length & 1) return undefined;
  const out = new Uint8Array(text.length >> 1);
  for (let i = 0; i < out.length; i++) {
    const hi = nibble(text.charCodeAt(2 * i));
    const lo = nibble(text.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) return undefined;
    out[i] = (hi << 4) | lo;
  }
  return out;
}
