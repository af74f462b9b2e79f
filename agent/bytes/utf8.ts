// UTF-8 by hand: QuickJS has no TextEncoder/TextDecoder.

/** Encodes a string as UTF-8; a lone surrogate becomes U+FFFD. */
export function utf8Encode(text: string): Uint8Array {
  // At most 3 bytes per UTF-16 unit (a surrogate pair, 2 units, makes 4): one allocation, then trimmed.
  const out = new Uint8Array(text.length * 3);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      out[n++] = c;
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (c < 0x800) {
      out[n++] = 0xc0 | (c >> 6);
      out[n++] = 0x80 | (c & 63);
    } else if (c < 0x10000) {
      out[n++] = 0xe0 | (c >> 12);
      out[n++] = 0x80 | ((c >> 6) & 63);
      out[n++] = 0x80 | (c & 63);
    } else {
      out[n++] = 0xf0 | (c >> 18);
      out[n++] = 0x80 | ((c >> 12) & 63);
      out[n++] = 0x80 | ((c >> 6) & 63);
      out[n++] = 0x80 | (c & 63);
    }
  }
  return out.slice(0, n);
}

/**
 * Decodes UTF-8. Strict (`fatal`): returns undefined on any malformed, overlong or surrogate sequence.
 * Lenient: each maximal bad subpart becomes one U+FFFD, as the WHATWG decoder (and Node) does.
 */
export function utf8Decode(bytes: Uint8Array, fatal: true): string | undefined;
export function utf8Decode(bytes: Uint8Array, fatal?: false): string;
export function utf8Decode(bytes: Uint8Array, fatal = false): string | undefined {
  let out = "";
  const chunk: number[] = [];
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i++];
    if (b < 0x80) {
      chunk.push(b);
    } else {
      // Lead byte: how many continuation bytes follow, and the range the first of them must fall in
      // (which rules out overlong forms, surrogates and code points above U+10FFFF).
      let need = 0, lo = 0x80, hi = 0xbf, cp = 0;
      if (b >= 0xc2 && b <= 0xdf) { need = 1; cp = b & 0x1f; }
      else if (b >= 0xe0 && b <= 0xef) { need = 2; cp = b & 0x0f; if (b === 0xe0) lo = 0xa0; if (b === 0xed) hi = 0x9f; }
      else if (b >= 0xf0 && b <= 0xf4) { need = 3; cp = b & 0x07; if (b === 0xf0) lo = 0x90; if (b === 0xf4) hi = 0x8f; }
      let ok = need > 0;
      for (let k = 0; ok && k < need; k++) {
        const t = i < bytes.length ? bytes[i] : -1;
        if (t < lo || t > hi) ok = false;
        else {
          cp = (cp << 6) | (t & 0x3f);
          i++;
          lo = 0x80;
          hi = 0xbf;
        }
      }
      if (!ok) {
        if (fatal) return undefined;
        chunk.push(0xfffd);
      } else if (cp >= 0x10000) {
        cp -= 0x10000;
        chunk.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
      } else chunk.push(cp);
    }
    if (chunk.length >= 4096) {
      out += String.fromCharCode.apply(null, chunk);
      chunk.length = 0;
    }
  }
  return out + String.fromCharCode.apply(null, chunk);
}
