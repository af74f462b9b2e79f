// WBXML 1.1–1.3 (WAP-192-WBXML) reader for the wap-provisioningdoc: header, string table, tag and attribute
// code pages (tag and attribute tokens each keep their own page, §5.8), attribute values assembled from inline strings,
// string-table references, entities, opaque data and value tokens (§5.8.3). Every malformed input ends in a
// PushError; the builder bounds depth, elements and decoded text.
import { utf8Decode } from "../../bytes/utf8.js";
import { ATTR_START, ATTR_VALUE, TAGS } from "./prov-tables.js";
import { provFail, type ProvBuilder } from "./prov-model.js";

const SWITCH_PAGE = 0x00, END = 0x01, ENTITY = 0x02, STR_I = 0x03, LITERAL = 0x04, STR_T = 0x83, OPAQUE = 0xc3;
const PROV_PUBLIC_ID = 0x0b;
const UNKNOWN_PUBLIC_ID = 0x01;
/** The formal public identifiers a string-table literal may name (PROV 1.0; "1.1" as some servers write). */
const PROV_LITERAL = /^-\/\/(WAPFORUM|OMA)\/\/DTD PROV 1\.[01]\/\/EN$/;
/** IANA MIBenum: UTF-8, and US-ASCII (a subset); ProvCont requires UTF-8. */
const CHARSETS = [106, 3];

const hex = (n: number) => "0x" + n.toString(16);

class Reader {
  pos = 0;
  private tagPage = 0;
  private attrPage = 0;
  private table: Uint8Array = new Uint8Array(0);

  constructor(private readonly b: Uint8Array, private readonly out: ProvBuilder) {}

  byte(): number {
    if (this.pos >= this.b.length) provFail("truncated", "the end inside a token");
    return this.b[this.pos++];
  }

  /** mb_u_int32 (§5.1): 7 bits an octet, high bit = more; at most 5 octets and 32 bits. */
  mb(): number {
    let v = 0;
    for (let i = 0; i < 5; i++) {
      const c = this.byte();
      v = v * 128 + (c & 0x7f);
      if (!(c & 0x80)) {
        if (v > 0xffffffff) break;
        return v;
      }
    }
    return provFail("bad-provisioning", `mb_u_int32 over 32 bits at ${this.pos}`);
  }

  text(bytes: Uint8Array): string {
    const s = utf8Decode(bytes, true);
    if (s === undefined) provFail("bad-provisioning", `not UTF-8 near byte ${this.pos}`);
    this.out.spend(s.length);
    return s;
  }

  /** termstr: bytes up to a NUL, which must be there. */
  inline(): string {
    const end = this.b.indexOf(0, this.pos);
    if (end < 0) provFail("truncated", "a string without its NUL");
    const s = this.text(this.b.subarray(this.pos, end));
    this.pos = end + 1;
    return s;
  }

  /** A NUL-terminated string at an offset into the string table. */
  tableString(offset: number): string {
    const end = offset < this.table.length ? this.table.indexOf(0, offset) : -1;
    if (end < 0) provFail("bad-provisioning", `string-table offset ${offset}`);
    return this.text(this.table.subarray(offset, end));
  }

  header(): void {
    const version = this.byte();
    if (version < 1 || version > 3) provFail("bad-provisioning", `WBXML version ${hex(version)}`);
    const publicId = this.mb();
    const literal = publicId === 0 ? this.mb() : -1;
    const charset = this.mb();
    if (CHARSETS.indexOf(charset) < 0) provFail("bad-provisioning", `charset ${charset}`);
    const length = this.mb();
    if (length > this.b.length - this.pos) provFail("truncated", "string table past the end");
    this.table = this.b.subarray(this.pos, this.pos + length);
    this.pos += length;
    const ok = publicId === PROV_PUBLIC_ID || publicId === UNKNOWN_PUBLIC_ID || (publicId === 0 && PROV_LITERAL.test(this.tableString(literal)));
    if (!ok) provFail("bad-provisioning", `public id ${publicId ? hex(publicId) : "literal"}`);
  }

  /** A string token (STR_I, STR_T, ENTITY, OPAQUE: §5.8.4) and its text; undefined for any other token. */
  str(t: number): string | undefined {
    if (t === STR_I) return this.inline();
    if (t === STR_T) return this.tableString(this.mb());
    if (t === ENTITY) {
      const cp = this.mb();
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) provFail("bad-provisioning", `entity ${cp}`);
      this.out.spend(1);
      return String.fromCodePoint(cp);
    }
    if (t !== OPAQUE) return undefined;
    const n = this.mb();
    if (n > this.b.length - this.pos) provFail("truncated", "opaque data past the end");
    return this.text(this.b.subarray(this.pos, (this.pos += n)));
  }

  /** Attribute list after a tag with attributes, up to its END (§5.8.3), as alternating names and values. */
  attributes(): string[] {
    const out: string[] = [];
    for (;;) {
      const t = this.byte();
      if (t === END) return out;
      if (t === SWITCH_PAGE) {
        this.attrPage = this.byte();
        continue;
      }
      let part = this.str(t);
      if (part === undefined) {
        if (t === LITERAL) {
          out.push(this.tableString(this.mb()), "");
          continue;
        }
        // Attribute-start tokens (below 0x80, "attr" or "attr=value prefix") and value tokens; both expand.
        const token = (t & 0x3f) >= 5 ? ((t < 0x80 ? ATTR_START : ATTR_VALUE)[this.attrPage] || {})[t] : undefined;
        if (token === undefined) provFail("bad-provisioning", `attribute token ${hex(t)} on page ${this.attrPage}`);
        this.out.spend(token.length);
        if (t < 0x80) {
          const eq = token.indexOf("=");
          out.push(eq < 0 ? token : token.slice(0, eq), eq < 0 ? "" : token.slice(eq + 1));
          continue;
        }
        part = token;
      }
      if (!out.length) provFail("bad-provisioning", "a value before any attribute");
      out[out.length - 1] += part;
    }
  }

  /** One element and its content (§5.8.2); text content is read (and counted) but the DTD gives it no place. */
  element(): void {
    let t = this.byte();
    while (t === SWITCH_PAGE) {
      this.tagPage = this.byte();
      t = this.byte();
    }
    const name = (t & 0x3f) === LITERAL ? this.tableString(this.mb()) : (TAGS[this.tagPage] || {})[t & 0x3f];
    if (name === undefined) provFail("bad-provisioning", `tag token ${hex(t)} on page ${this.tagPage}`);
    this.out.start(name, t & 0x80 ? this.attributes() : []);
    if (t & 0x40) {
      for (;;) {
        const c = this.b[this.pos];
        if (c === undefined) provFail("truncated", "the end inside an element");
        if (c === END) break;
        if (c === SWITCH_PAGE) {
          this.pos++;
          this.tagPage = this.byte();
        } else if ((c & 0x3f) >= LITERAL) this.element();
        else if (this.str(this.b[this.pos++]) === undefined) provFail("bad-provisioning", `token ${hex(c)} in content`);
      }
      this.pos++;
    }
    this.out.end();
  }
}

/** Reads a WBXML wap-provisioningdoc into `out`; the caller checks the size first. */
export function readProvWbxml(bytes: Uint8Array, out: ProvBuilder): void {
  const r = new Reader(bytes, out);
  r.header();
  r.element();
  if (r.pos !== bytes.length) provFail("bad-provisioning", "bytes after the document");
}
