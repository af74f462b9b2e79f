// UTF-8 by hand: QuickJS has no TextEncoder/TextDecoder.

/** Encodes a string as UTF-8; a lone surrogate becomes U+FFFD. */
export function utf8Encode(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return new Uint8Array(out);
}

/**
 * Decodes UTF-8. Strict (`fatal`): returns undefined on any malformed, overlong or surrogate sequence.
 * Lenient: each bad sequence becomes U+FFFD.
 */
export function utf8Decode(bytes: Uint8Array, fatal: true): string | undefined;
export function utf8Decode(bytes: Uint8Array, fatal?: false): string;
export function utf8Decode(bytes: Uint8Array, fatal = false): string | undefined {
  let out = "";
  const chunk: number[] = [];
  const flush = () => {
    out += String.fromCharCode.apply(null, chunk);
    chunk.length = 0;
  };
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    let cp = -1;
    let n = 0;
    if (b < 0x80) { cp = b; n = 1; }
    else if (b >= 0xc2 && b <= 0xdf) n = 2;
    else if (b >= 0xe0 && b <= 0xef) n = 3;
    else if (b >= 0xf0 && b <= 0xf4) n = 4;
    if (n > 1 && i + n <= bytes.length) {
      cp = b & (0xff >> (n + 1));
      for (let k = 1; k < n; k++) {
        const t = bytes[i + k];
        if ((t & 0xc0) !== 0x80) { cp = -1; break; }
        cp = (cp << 6) | (t & 63);
      }
      const min = n === 2 ? 0x80 : n === 3 ? 0x800 : 0x10000;
      if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) cp = -1;
    }
    if (cp < 0) {
      if (fatal) return undefined;
      chunk.push(0xfffd);
      i += 1;
    } else {
      if (cp >= 0x10000) {
        cp -= 0x10000;
        chunk.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
      } else chunk.push(cp);
      i += n;
    }
    if (chunk.length >= 4096) flush();
  }
  flush();
  return out;
}
