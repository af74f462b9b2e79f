// Element tree -> XML text. Small on purpose: names are checked, character data is always escaped or put in
// CDATA, never written raw, and a character XML 1.0 cannot carry is an error rather than a broken document.
import { decodeText } from "./ascii.js";
import { SyncMLError } from "./errors.js";
import type { XmlChild, XmlElement } from "./model.js";

export interface XmlWriteOptions {
  /** Indent string for readable output; "" or undefined writes one line, as sent on the wire. */
  indent?: string;
  /** Writes `<?xml version="1.0" encoding="UTF-8"?>` first (default true). */
  declaration?: boolean;
  /**
   * Opaque bytes that are not UTF-8 text: an error (the default: XML carries binary only as b64 text), or the
   * markup this function returns for them (a readable view for people, such as a comment and Base64).
   */
  binary?: (bytes: Uint8Array) => string;
}

/** Namespaces by position: the SyncML root, MetInf under Meta, and documents embedded in Data. */
const EMBEDDED_NS: Record<string, string> = { MgmtTree: "syncml:dmddf1.2", DevInf: "syncml:devinf" };
function xmlnsFor(e: XmlElement, parent: XmlElement | undefined): string | undefined {
  if (!parent) {
    if (e.name !== "SyncML") return EMBEDDED_NS[e.name];
    const ver = child(child(e, "SyncHdr"), "VerDTD")?.children[0];
    return `SYNCML:SYNCML${ver === "1.1" || ver === "1.0" ? ver : "1.2"}`;
  }
  if (parent.name === "Meta") return "syncml:metinf";
  if (parent.name === "Data") return Object.prototype.hasOwnProperty.call(EMBEDDED_NS, e.name) ? EMBEDDED_NS[e.name] : undefined;
  return undefined;
}

const child = (e: XmlElement | undefined, name: string): XmlElement | undefined =>
  e?.children.filter((c): c is XmlElement => typeof c === "object" && !(c instanceof Uint8Array) && c.name === name)[0];

/** Element names the codecs read and write: ASCII XML names without a prefix (all SyncML, DevInf and DDF names). */
export const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
// Tab, LF, CR and everything from U+0020 except surrogates out of pairs, U+FFFE and U+FFFF.
const BAD_CHAR = /[\0-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?:^|[^\ud800-\udbff])[\udc00-\udfff]/;

/** Escapes character data; in Data, text with markup in it (escaped XML payloads) goes as CDATA when it can. */
export function escapeText(s: string, cdata = false): string {
  if (BAD_CHAR.test(s)) throw new SyncMLError("invalid-char", "text has a character XML 1.0 cannot carry");
  if (!/[<>&\r]/.test(s)) return s;
  if (cdata && s.indexOf("<") >= 0 && s.indexOf("]]>") < 0 && s.indexOf("\r") < 0) return `<![CDATA[${s}]]>`;
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\r/g, "&#13;");
}

function childText(c: Uint8Array, binary: ((bytes: Uint8Array) => string) | undefined, cdata: boolean): string {
  const s = decodeText(c);
  if (s !== undefined && !BAD_CHAR.test(s)) return escapeText(s, cdata);
  if (binary) return binary(c);
  throw new SyncMLError("unencodable", "binary data cannot be written as XML: send it as b64");
}

export function writeXml(root: XmlElement, opts: XmlWriteOptions = {}): string {
  const indent = opts.indent ?? "";
  const binary = opts.binary;
  const out: string[] = [];
  if (opts.declaration !== false) out.push(`<?xml version="1.0" encoding="UTF-8"?>${indent ? "\n" : ""}`);
  const write = (e: XmlElement, parent: XmlElement | undefined, pad: string): void => {
    if (!NAME.test(e.name)) throw new SyncMLError("unencodable", `not an XML name: ${JSON.stringify(e.name.slice(0, 40))}`);
    const ns = xmlnsFor(e, parent);
    const open = ns ? `<${e.name} xmlns="${ns}"` : `<${e.name}`;
    if (e.children.length === 0) {
      out.push(`${open}/>`);
      return;
    }
    out.push(`${open}>`);
    // Only element-only content is indented: added whitespace would change text.
    const pretty = indent !== "" && e.children.every((c: XmlChild) => typeof c === "object" && !(c instanceof Uint8Array));
    for (const c of e.children) {
      if (pretty) out.push(`\n${pad}${indent}`);
      if (typeof c === "string") out.push(escapeText(c, e.name === "Data"));
      else if (c instanceof Uint8Array) out.push(childText(c, binary, e.name === "Data"));
      else write(c, e, pad + indent);
    }
    if (pretty) out.push(`\n${pad}`);
    out.push(`</${e.name}>`);
  };
  write(root, undefined, "");
  if (indent) out.push("\n");
  return out.join("");
}
