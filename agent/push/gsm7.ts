// The GSM 7-bit default alphabet (3GPP TS 23.038 §6.2.1) and septet unpacking (§6.1.2.1.1), for text SMS and
// alphanumeric originators. Only decoding: the agent never sends SMS.

// Code points 0x00..0x7F; 0x1B (escape to the extension table) is handled apart and never looked up here.
const BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ ÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
  "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

// The default alphabet extension table (§6.2.1.1): escape 0x1B then one of these.
const EXTENSION: { [code: number]: string } = {
  0x0a: "\f", 0x14: "^", 0x28: "{", 0x29: "}", 0x2f: "\\", 0x3c: "[", 0x3d: "~", 0x3e: "]", 0x40: "|", 0x65: "€",
};

/** `count` septets packed LSB first, starting `bitOffset` bits into `bytes`; bits past the end read as 0. */
export function unpackSeptets(bytes: Uint8Array, bitOffset: number, count: number): number[] {
  const out: number[] = [];
  for (let k = 0, bit = bitOffset; k < count; k++, bit += 7) {
    const i = bit >> 3;
    const shift = bit & 7;
    const lo = i < bytes.length ? bytes[i] : 0;
    const hi = i + 1 < bytes.length ? bytes[i + 1] : 0;
    out.push(((lo >> shift) | (hi << (8 - shift))) & 0x7f);
  }
  return out;
}

/**
 * Septets to text. An escape followed by a code the extension table lacks shows the default-alphabet
 * character (§6.2.1.1 note); a doubled escape shows a space; a trailing escape is dropped.
 */
export function gsm7Decode(septets: readonly number[]): string {
  let out = "";
  for (let i = 0; i < septets.length; i++) {
    const c = septets[i];
    if (c !== 0x1b) {
      out += BASIC.charAt(c);
    } else if (i + 1 < septets.length) {
      const e = septets[++i];
      out += EXTENSION[e] !== undefined ? EXTENSION[e] : e === 0x1b ? " " : BASIC.charAt(e);
    }
  }
  return out;
}
