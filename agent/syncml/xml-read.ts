// XML text -> element tree, through fast-xml-parser v4 configured to be safe: no DOCTYPE, no entity but the five
// predefined ones and character references (decoded here, not by the parser), no attributes kept, well-formedness
// checked first, and limits on size, depth and element count enforced while parsing.
import { XMLParser } from "fast-xml-parser";
import { utf8Decode } from "../bytes/utf8.js";
import { SyncMLError, asSyncMLError } from "./errors.js";
import type { Limits } from "./limits.js";
import type { XmlChild, XmlElement } from "./model.js";

const CDATA = "#cdata";
const PREDEFINED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  if (s.indexOf("&") < 0) return s;
  return s.replace(/&([^&;]{0,12});?/g, (m, body: string) => {
    let cp = -1;
    if (m[m.length - 1] === ";") {
      if (Object.prototype.hasOwnProperty.call(PREDEFINED, body)) return PREDEFINED[body];
      if (/^#[0-9]{1,7}$/.test(body)) cp = parseInt(body.slice(1), 10);
      else if (/^#x[0-9a-fA-F]{1,6}$/.test(body)) cp = parseInt(body.slice(2), 16);
      else throw new SyncMLError("unknown-entity", `unknown entity &${body.slice(0, 12)};`);
    }
    const ok = cp === 9 || cp === 10 || cp === 13 || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) ||
      (cp >= 0x10000 && cp <= 0x10ffff);
    if (!ok) throw new SyncMLError(cp < 0 ? "xml-syntax" : "invalid-char", `bad character reference ${m.slice(0, 16)}`);
    return String.fromCodePoint(cp);
  });
}

// A DOCTYPE naming only an external DTD (as libwbxml and many servers write) is skipped, never resolved; one with
// an internal subset (where entities are declared) is refused.
const DOCTYPE = /^<!DOCTYPE\s+[A-Za-z_][\w.:-]*(?:\s+(?:PUBLIC\s+(?:"[^"]*"|'[^']*')\s+|SYSTEM\s+)(?:"[^"<>]*"|'[^'<>]*'))?\s*>/;

/** Rejects every `<!` that is not a comment, CDATA or that DOCTYPE; returns the text without the DOCTYPE. */
function stripDeclarations(s: string): string {
  let i = 0;
  let doctype = false;
  while ((i = s.indexOf("<!", i)) >= 0) {
    if (!doctype && s.startsWith("<!DOCTYPE", i) && !/<[A-Za-z_]/.test(s.slice(0, i))) {
      const m = DOCTYPE.exec(s.slice(i, i + 512));
      doctype = true;
      if (m) {
        s = s.slice(0, i) + s.slice(i + m[0].length);
        continue;
      }
    }
    const close = s.startsWith("<!--", i) ? "-->" : s.startsWith("<![CDATA[", i) ? "]]>" : "";
    if (!close) throw new SyncMLError("xml-forbidden", `markup declaration ${JSON.stringify(s.slice(i, i + 10))} is not allowed`);
    const end = s.indexOf(close, i + 4);
    if (end < 0) break; // unterminated: the well-formedness check reports it
    i = end + close.length;
  }
  return s;
}

type Ordered = Record<string, unknown>;

/** Converts the parser's ordered output; whitespace-only text beside elements is dropped, adjacent text merged. */
function convert(nodes: Ordered[]): XmlChild[] {
  const out: XmlChild[] = [];
  let hasElement = false;
  for (const node of nodes) {
    let s: string | undefined;
    if ("#text" in node) s = decodeEntities(String(node["#text"]));
    else if (CDATA in node) s = String((node[CDATA] as Ordered[])[0]?.["#text"] ?? "");
    else {
      const name = Object.keys(node).filter((k) => k !== ":@")[0];
      if (name[0] === "?") continue;
      out.push({ name, children: convert(node[name] as Ordered[]) });
      hasElement = true;
      continue;
    }
    const last = out.length - 1;
    if (last >= 0 && typeof out[last] === "string") out[last] += s;
    else out.push(s);
  }
  return hasElement ? out.filter((c) => typeof c !== "string" || !/^[ \t\r\n]*$/.test(c)) : out;
}

export function readXml(input: string | Uint8Array, limits: Limits): XmlElement {
  if (input.length > limits.maxBytes) throw new SyncMLError("too-large", `input is ${input.length} bytes, over ${limits.maxBytes}`);
  let s = typeof input === "string" ? input : utf8Decode(input, true);
  if (s === undefined) throw new SyncMLError("invalid-utf8", "XML is not valid UTF-8");
  if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
  s = stripDeclarations(s);
  let elements = 0;
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: true,
    removeNSPrefix: true,
    parseTagValue: false,
    trimValues: false,
    processEntities: false,
    htmlEntities: false,
    cdataPropName: CDATA,
    ignoreDeclaration: true,
    ignorePiTags: true,
    updateTag(name: string, jPath: string) {
      if (++elements > limits.maxElements) throw new SyncMLError("too-many-elements", `more than ${limits.maxElements} elements`);
      if (jPath.split(".").length > limits.maxDepth) throw new SyncMLError("too-deep", `nesting deeper than ${limits.maxDepth}`);
      return name;
    },
  });
  let nodes: Ordered[];
  try {
    nodes = parser.parse(s, true) as Ordered[];
  } catch (e) {
    throw asSyncMLError(e, "xml-syntax");
  }
  const roots = convert(nodes).filter((c) => typeof c !== "string" || !/^[ \t\r\n]*$/.test(c));
  if (roots.length !== 1 || typeof roots[0] !== "object") throw new SyncMLError("xml-syntax", "not exactly one root element");
  return roots[0] as XmlElement;
}
