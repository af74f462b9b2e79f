// WBXML 1.1–1.3 bytes -> element tree. Our own decoder: every malformed input ends in a SyncMLError, and
// depth, element count and decoded text are bounded (string-table references could otherwise amplify).
import { decodeText } from "./ascii.js";
import { SyncMLError } from "./errors.js";
import type { Limits } from "./limits.js";
import type { XmlChild, XmlElement } from "./model.js";
import { DEVINF, DMDDF, LANGS, SYNCML, type Lang } from "./wbxml-tables.js";
import { NAME } from "./xml-write.js";

export interface WbxmlHeader {
  /** WBXML version byte: 1, 2 or 3 for WBXML 1.1, 1.2, 1.3. */
  version: number;
  /** Numeric public id, 0 when the formal public identifier is a string-table literal. */
  publicId: number;
  publicIdLiteral?: string;
  /** IANA MIBenum: 106 UTF-8, 3 US-ASCII, 4 ISO-8859-1. */
  charset: number;
  stringTableLength: number;
  language: Lang["name"];
}

/** Budget shared with nested documents. */
interface Budget {
  elements: number;
  text: number;
}

const UTF8 = 106;
const CHARSETS = [UTF8, 3, 4, 0];

class Reader {
  pos = 0;
  page = 0;
  lang: Lang = SYNCML;
  table: Uint8Array = new Uint8Array(0);
  charset = UTF8;
  private strings = new Map<number, string>();

  constructor(private readonly b: Uint8Array, private readonly limits: Limits, private readonly budget: Budget) {}

  fail(code: ConstructorParameters<typeof SyncMLError>[0], msg: string): never {
    throw new SyncMLError(code, `${msg} at byte ${this.pos}`);
  }

  byte(): number {
    if (this.pos >= this.b.length) this.fail("truncated", "WBXML ends early");
    return this.b[this.pos++];
  }

  /** mb_u_int32: 7 bits a byte, high bit = more; at most 5 bytes and 32 bits. */
  mb(): number {
    let v = 0;
    for (let i = 0; i < 5; i++) {
      const c = this.byte();
      v = v * 128 + (c & 0x7f);
      if (!(c & 0x80)) {
        if (v > 0xffffffff) this.fail("mb-overflow", "mb_u_int32 above 2^32-1");
        return v;
      }
    }
    return this.fail("mb-overflow", "mb_u_int32 longer than 5 bytes");
  }

  decode(bytes: Uint8Array): string {
    let s: string | undefined;
    if (this.charset === 4) {
      s = "";
      for (let i = 0; i < bytes.length; i += 4096) s += String.fromCharCode.apply(null, Array.from(bytes.subarray(i, i + 4096)));
    } else s = decodeText(bytes);
    if (s === undefined) this.fail("invalid-utf8", "string is not valid UTF-8");
    this.spend(s.length);
    return s;
  }

  spend(n: number): void {
    if ((this.budget.text += n) > this.limits.maxText) this.fail("too-large", `decoded text over ${this.limits.maxText} characters`);
  }

  /** A NUL-terminated string from the string table. */
  tableString(index: number): string {
    let s = this.strings.get(index);
    if (s === undefined) {
      const end = index < this.table.length ? this.table.indexOf(0, index) : -1;
      if (end < 0) this.fail("wbxml-string-table", `string-table reference ${index} outside the table`);
      s = this.decode(this.table.subarray(index, end));
      this.strings.set(index, s);
    } else this.spend(s.length);
    return s;
  }

  header(expected: Lang): WbxmlHeader {
    const version = this.byte();
    if (version < 1 || version > 3) this.fail("wbxml-version", `WBXML version byte 0x${version.toString(16)} (1.1–1.3 are supported)`);
    const publicId = this.mb();
    const literalIndex = publicId === 0 ? this.mb() : -1;
    const charset = this.mb();
    if (CHARSETS.indexOf(charset) < 0) this.fail("wbxml-charset", `charset MIBenum ${charset} (UTF-8 is supported)`);
    this.charset = charset === 4 ? 4 : UTF8;
    const len = this.mb();
    if (len > this.b.length - this.pos) this.fail("truncated", "string table longer than the document");
    this.table = this.b.subarray(this.pos, this.pos + len);
    this.pos += len;
    const h: WbxmlHeader = { version, publicId, charset, stringTableLength: len, language: expected.name };
    let lang: Lang | undefined = publicId === 1 ? expected : undefined; // 1: "unknown", trust the context
    if (publicId === 0) {
      const lit = (h.publicIdLiteral = this.tableString(literalIndex));
      lang = LANGS.filter((l) => l.literals.indexOf(lit) >= 0)[0];
    } else if (publicId !== 1) lang = LANGS.filter((l) => l.ids.indexOf(publicId) >= 0)[0];
    if (!lang) this.fail("wbxml-public-id", `public id ${h.publicIdLiteral ?? "0x" + publicId.toString(16)} is not SyncML, DevInf or DM DDF`);
    h.language = lang.name;
    this.lang = lang;
    // DevInf before 1.2 names token 0x1C Size.
    if (lang === DEVINF && (publicId === 0x0fd4 || publicId === 0x0fd2 || /1\.[01]\/\/EN$/.test(h.publicIdLiteral ?? ""))) {
      this.lang = { ...DEVINF, pages: { 0: DEVINF.pages[0].map((n) => (n === "MaxSize" ? "Size" : n)) } };
    }
    return h;
  }

  element(depth: number): XmlElement {
    let t = this.byte();
    while (t === 0) {
      this.page = this.byte();
      t = this.byte();
    }
    if (t & 0x80) this.fail("wbxml-token", "attributes are not used by SyncML");
    const id = t & 0x3f;
    let name: string;
    if (id === 4) {
      name = this.tableString(this.mb());
      if (!NAME.test(name)) this.fail("wbxml-token", `literal tag ${JSON.stringify(name.slice(0, 40))} is not an XML name`);
    } else {
      name = (id >= 5 && this.lang.pages[this.page]?.[id - 5]) || "";
      if (!name) this.fail("wbxml-token", `token 0x${t.toString(16)} is not a ${this.lang.name} tag on code page ${this.page}`);
    }
    if (depth > this.limits.maxDepth) this.fail("too-deep", `nesting deeper than ${this.limits.maxDepth}`);
    if (++this.budget.elements > this.limits.maxElements) this.fail("too-many-elements", `more than ${this.limits.maxElements} elements`);
    const children: XmlChild[] = [];
    let hasElement = false;
    const text = (s: string) => {
      const last = children.length - 1;
      if (last >= 0 && typeof children[last] === "string") children[last] += s;
      else children.push(s);
    };
    if (t & 0x40) {
      for (;;) {
        const c = this.byte();
        if (c === 0x01) break; // END
        if (c === 0x00) this.page = this.byte(); // SWITCH_PAGE
        else if (c === 0x02) {
          const cp = this.mb();
          if (cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) this.fail("invalid-char", `ENTITY ${cp} is not a character`);
          this.spend(1);
          text(String.fromCodePoint(cp));
        } else if (c === 0x03) {
          const end = this.b.indexOf(0, this.pos);
          if (end < 0) this.fail("truncated", "STR_I without its terminator");
          const s = this.decode(this.b.subarray(this.pos, end));
          this.pos = end + 1;
          text(s);
        } else if (c === 0x83) text(this.tableString(this.mb()));
        else if (c === 0xc3) {
          const len = this.mb();
          if (len > this.b.length - this.pos) this.fail("truncated", "OPAQUE longer than the document");
          const bytes = this.b.slice(this.pos, this.pos + len);
          this.pos += len;
          const nested = name === "Data" && this.lang === SYNCML ? this.nested(bytes, depth + 1) : undefined;
          children.push(nested ?? bytes);
        } else if ((c & 0x3f) < 4) this.fail("wbxml-token", `global token 0x${c.toString(16)} is not used by SyncML`);
        else {
          this.pos--;
          children.push(this.element(depth + 1));
          hasElement = true;
        }
      }
    }
    // Whitespace beside elements is not content (as libwbxml and XML readers treat it).
    if (hasElement) {
      return { name, children: children.filter((c) => typeof c !== "string" || !/^[ \t\r\n]*$/.test(c)) };
    }
    return { name, children };
  }

  /** Data may hold a whole DevInf or TNDS document as nested WBXML (what libwbxml and DM clients send). */
  private nested(bytes: Uint8Array, depth: number): XmlElement | undefined {
    const probe = new Reader(bytes, this.limits, { elements: 0, text: 0 });
    let lang: string;
    try {
      lang = probe.header(SYNCML).language;
    } catch {
      return undefined;
    }
    if (lang !== DEVINF.name && lang !== DMDDF.name) return undefined;
    return readWbxmlDocument(bytes, this.limits, SYNCML, depth, this.budget).root;
  }
}

/** Decodes one WBXML document; `expected` is the language assumed for public id 1 ("unknown"). */
export function readWbxmlDocument(
  bytes: Uint8Array,
  limits: Limits,
  expected: Lang = SYNCML,
  depth = 1,
  budget: Budget = { elements: 0, text: 0 },
): { header: WbxmlHeader; root: XmlElement } {
  if (bytes.length > limits.maxBytes) throw new SyncMLError("too-large", `input is ${bytes.length} bytes, over ${limits.maxBytes}`);
  const r = new Reader(bytes, limits, budget);
  const header = r.header(expected);
  const root = r.element(depth);
  if (r.pos !== bytes.length) r.fail("trailing-data", `${bytes.length - r.pos} bytes after the root element`);
  return { header, root };
}
