// Element tree -> WBXML (1.1–1.3, UTF-8). Tags come from the language tables (unknown names become LITERAL
// tags), text is STR_I (or STR_T with a string table), bytes are OPAQUE, and a document embedded in a SyncML
// Data element (DevInf, TNDS MgmtTree) is written as a nested WBXML document inside OPAQUE.
import { encodeText } from "./ascii.js";
import { SyncMLError } from "./errors.js";
import type { XmlChild, XmlElement } from "./model.js";
import { SYNCML, langOfRoot, type Lang } from "./wbxml-tables.js";

export interface WbxmlWriteOptions {
  /** WBXML version: 1, 2 or 3 (1.1, 1.2, 1.3); default 2, what DM 1.2 peers expect. */
  version?: 1 | 2 | 3;
  /** Writes the formal public identifier as a string-table literal instead of the numeric id. */
  literalPublicId?: boolean;
  /** Puts strings used more than once in the string table and refers to them with STR_T. */
  stringTable?: boolean;
}

class Bytes {
  buf = new Uint8Array(256);
  len = 0;
  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
  }
  byte(v: number): void {
    this.room(1);
    this.buf[this.len++] = v;
  }
  bytes(v: Uint8Array): void {
    this.room(v.length);
    this.buf.set(v, this.len);
    this.len += v.length;
  }
  mb(v: number): void {
    const tmp: number[] = [v & 0x7f];
    for (v = Math.floor(v / 128); v > 0; v = Math.floor(v / 128)) tmp.unshift((v & 0x7f) | 0x80);
    for (const b of tmp) this.byte(b);
  }
  done(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

const isEl = (c: XmlChild): c is XmlElement => typeof c === "object" && !(c instanceof Uint8Array);

/** Which of the language's public ids fits the document's VerDTD (1.2, 1.1, 1.0). */
function versionIndex(root: XmlElement): number {
  const hdr = root.name === "SyncML" ? root.children.filter(isEl).filter((c) => c.name === "SyncHdr")[0] : root;
  const ver = hdr?.children.filter(isEl).filter((c) => c.name === "VerDTD")[0]?.children[0];
  return ver === "1.1" ? 1 : ver === "1.0" ? 2 : 0;
}

export function writeWbxml(root: XmlElement, opts: WbxmlWriteOptions = {}, lang?: Lang): Uint8Array {
  lang ??= langOfRoot(root.name);
  if (!lang) throw new SyncMLError("unencodable", `no WBXML language for a ${root.name} document`);
  const vi = versionIndex(root);
  const literalId = opts.literalPublicId || lang.ids.length === 0;
  // String table: the public identifier literal, literal tag names, then repeated strings.
  const table = new Bytes();
  const offsets = new Map<string, number>();
  const intern = (s: string): number => {
    let at = offsets.get(s);
    if (at === undefined) {
      offsets.set(s, (at = table.len));
      table.bytes(encodeText(s));
      table.byte(0);
    }
    return at;
  };
  if (literalId) intern(lang.literals[vi] ?? lang.literals[0]);
  const counts = new Map<string, number>();
  const scan = (e: XmlElement): void => {
    if (!lang!.tokens.has(e.name)) intern(e.name);
    for (const c of e.children) {
      if (typeof c === "string") {
        if (opts.stringTable) counts.set(c, (counts.get(c) ?? 0) + 1);
      }
      else if (isEl(c) && !(e.name === "Data" && lang === SYNCML && (c.name === "DevInf" || c.name === "MgmtTree"))) scan(c);
    }
  };
  scan(root);
  counts.forEach((n, s) => n > 1 && s.length > 2 && s.indexOf("\0") < 0 && intern(s));

  const out = new Bytes();
  out.byte(opts.version ?? 2);
  if (literalId) {
    out.byte(0);
    out.mb(0);
  } else out.mb(lang.ids[vi] ?? lang.ids[0]);
  out.mb(106); // UTF-8
  out.mb(table.len);
  out.bytes(table.buf.subarray(0, table.len));
  let page = 0;
  const opaque = (b: Uint8Array) => {
    out.byte(0xc3);
    out.mb(b.length);
    out.bytes(b);
  };
  const write = (e: XmlElement): void => {
    const tok = lang!.tokens.get(e.name);
    const content = e.children.length > 0 ? 0x40 : 0;
    if (tok === undefined) {
      out.byte(0x04 | content);
      out.mb(offsets.get(e.name)!);
    } else {
      if (tok >> 8 !== page) {
        out.byte(0);
        out.byte((page = tok >> 8));
      }
      out.byte((tok & 0x3f) | content);
    }
    for (const c of e.children) {
      if (typeof c === "string") {
        const at = opts.stringTable ? offsets.get(c) : undefined;
        if (at !== undefined) {
          out.byte(0x83);
          out.mb(at);
        } else if (c.indexOf("\0") >= 0) opaque(encodeText(c)); // STR_I cannot hold NUL
        else {
          out.byte(0x03);
          out.bytes(encodeText(c));
          out.byte(0);
        }
      } else if (c instanceof Uint8Array) opaque(c);
      else if (e.name === "Data" && lang === SYNCML && (c.name === "DevInf" || c.name === "MgmtTree")) {
        opaque(writeWbxml(c, opts, langOfRoot(c.name)));
      } else write(c); // other markup in Data stays inline, with LITERAL tags where SyncML has none
    }
    if (content) out.byte(0x01);
  };
  write(root);
  return out.done();
}
