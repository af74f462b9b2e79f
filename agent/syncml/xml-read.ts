// XML text -> element tree, through fast-xml-parser v4 configured to be safe: no DTD is read or fetched (a DOCTYPE
// with an internal subset is refused), no entity but the five predefined ones and character references (decoded
// here, not by the parser), no attributes kept, well-formedness checked first, and limits on size, depth, element
// count, tag length enforced before the parser runs.
import XMLParser from "fast-xml-parser/src/xmlparser/XMLParser.js";
import { decodeText } from "./ascii.js";
import { SyncMLError, asSyncMLError } from "./errors.js";
import type { Limits } from "./limits.js";
import type { XmlChild, XmlElement } from "./model.js";
import { NAME } from "./xml-write.js";

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
/** fast-xml-parser builds tags and text one character at a time, which QuickJS makes quadratic: tags stay short,
 * and text runs longer than HOLE are lifted out before parsing and put back after. */
const MAX_TAG = 4096;
const HOLE = 64;

/**
 * One pass before the parser: refuses declarations, NUL, over-long tags, and too many or too deeply nested
 * elements (before the parser spends time on them); lifts long text runs into `holes`.
 */
function prepare(s: string, holes: string[], limits: Limits): string {
  if (s.indexOf("\0") >= 0) throw new SyncMLError("invalid-char", "NUL in XML");
  const out: string[] = [];
  let i = 0;
  let prolog = true;
  let depth = 0;
  let elements = 0;
  for (;;) {
    const lt = s.indexOf("<", i);
    const stop = lt < 0 ? s.length : lt;
    if (stop - i > HOLE) {
      out.push(`\0${holes.length}\0`);
      holes.push(s.slice(i, stop));
    } else out.push(s.slice(i, stop));
    if (lt < 0) return out.join("");
    let end: number;
    const close = s.startsWith("<!--", lt) ? "-->" : s.startsWith("<![CDATA[", lt) ? "]]>" : s.startsWith("<?", lt) ? "?>" : "";
    if (close) {
      end = s.indexOf(close, lt + 2);
      end = end < 0 ? s.length : end + close.length;
      if (close === "?>" && end - lt > MAX_TAG) throw new SyncMLError("too-large", `processing instruction over ${MAX_TAG} characters`);
    } else if (s[lt + 1] === "!") {
      const m = prolog && s.startsWith("<!DOCTYPE", lt) ? DOCTYPE.exec(s.slice(lt, lt + 512)) : null;
      if (!m) throw new SyncMLError("xml-forbidden", `markup declaration ${JSON.stringify(s.slice(lt, lt + 10))} is not allowed`);
      prolog = false;
      i = lt + m[0].length;
      continue;
    } else {
      let quote = "";
      for (end = lt + 1; end < s.length; end++) {
        const c = s[end];
        if (quote) quote = c === quote ? "" : quote;
        else if (c === '"' || c === "'") quote = c;
        else if (c === ">") break;
        if (end - lt > MAX_TAG) throw new SyncMLError("too-large", `tag over ${MAX_TAG} characters`);
      }
      if (s[lt + 1] === "/") depth--;
      else {
        if (++elements > limits.maxElements) throw new SyncMLError("too-many-elements", `more than ${limits.maxElements} elements`);
        if (s[end - 1] !== "/" && ++depth > limits.maxDepth) throw new SyncMLError("too-deep", `nesting deeper than ${limits.maxDepth}`);
      }
      end++;
      prolog = false;
    }
    out.push(s.slice(lt, end));
    i = end;
  }
}

type Ordered = Record<string, unknown>;

/** Converts the parser's ordered output; whitespace-only text beside elements is dropped, adjacent text merged. */
function convert(nodes: Ordered[], holes: string[]): XmlChild[] {
  const out: XmlChild[] = [];
  let hasElement = false;
  for (const node of nodes) {
    let s: string | undefined;
    if ("#text" in node) {
      const t = String(node["#text"]);
      s = decodeEntities(holes.length && t.indexOf("\0") >= 0 ? t.replace(/\0(\d+)\0/g, (_, n: string) => holes[+n]) : t);
    }
    else if (CDATA in node) s = String((node[CDATA] as Ordered[])[0]?.["#text"] ?? "");
    else {
      const name = Object.keys(node).filter((k) => k !== ":@")[0];
      if (name[0] === "?") continue;
      if (!NAME.test(name)) throw new SyncMLError("xml-syntax", `element name ${JSON.stringify(name.slice(0, 40))} is not supported`);
      out.push({ name, children: convert(node[name] as Ordered[], holes) });
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
  let s = typeof input === "string" ? input : decodeText(input);
  if (s === undefined) throw new SyncMLError("invalid-utf8", "XML is not valid UTF-8");
  if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
  const holes: string[] = [];
  s = prepare(s.replace(/\r\n?/g, "\n"), holes, limits);
  let elements = 0; // counted again as the parser sees them, in case it reads the markup differently
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
  const roots = convert(nodes, holes).filter((c) => typeof c !== "string" || !/^[ \t\r\n]*$/.test(c));
  if (roots.length !== 1 || typeof roots[0] !== "object") throw new SyncMLError("xml-syntax", "not exactly one root element");
  return roots[0] as XmlElement;
}
