// XML reader for the textual wap-provisioningdoc (text/vnd.wap.connectivity-xml). The document is
// elements and attributes only, so a purpose-built scanner is smaller and easier to bound than a general parser:
// linear in the input, no DTD is read (a DOCTYPE with an internal subset, where entities are declared, is
// refused), only the five predefined entities and character references are expanded, and comments, processing
// instructions, CDATA and text are skipped. Attribute values are normalised as XML 1.0 §3.3.3 says for CDATA.
import { provFail, type ProvBuilder } from "./prov-model.js";

const NAME = /[A-Za-z_:][\w.:-]*/y;
const SPACE = /[ \t\n]*/y;
const CONTROL = /[\0-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/;
const ENTITY = /&(?:#x([0-9a-fA-F]{1,6})|#([0-9]{1,7})|(amp|lt|gt|quot|apos));|&/g;
const PREDEFINED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function match(re: RegExp, s: string, at: number): string {
  re.lastIndex = at;
  const m = re.exec(s);
  return m ? m[0] : "";
}

function attributeValue(raw: string): string {
  if (raw.indexOf("<") >= 0) provFail("bad-provisioning", "< in a value");
  return raw.replace(/[\t\n]/g, " ").replace(ENTITY, (_m, hex?: string, dec?: string, named?: string) => {
    if (named) return PREDEFINED[named];
    const cp = hex ? parseInt(hex, 16) : dec ? parseInt(dec, 10) : -1;
    const ok = cp === 9 || cp === 10 || cp === 13 || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
    if (!ok) provFail("bad-provisioning", `entity ${cp < 0 ? "&" : cp}`);
    return String.fromCodePoint(cp);
  });
}

/** End of a construct that runs to `close`; a document cut inside it is truncated. */
function skipTo(s: string, close: string, from: number): number {
  const end = s.indexOf(close, from);
  if (end < 0) provFail("truncated", `no ${close}`);
  return end + close.length;
}

/** Reads an XML wap-provisioningdoc into `out`; the caller checks the size first. */
export function readProvXml(text: string, out: ProvBuilder): void {
  const s = text.replace(/\r\n?/g, "\n");
  if (CONTROL.test(s)) provFail("bad-provisioning", "control character");
  const open: string[] = [];
  let rooted = false;
  let i = s.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (;;) {
    const lt = s.indexOf("<", i);
    const stop = lt < 0 ? s.length : lt;
    if (!open.length && match(SPACE, s, i).length !== stop - i) provFail("bad-provisioning", "text outside the root");
    if (lt < 0) break;
    if (s.startsWith("<!--", lt)) i = skipTo(s, "-->", lt + 4);
    else if (s.startsWith("<?", lt)) i = skipTo(s, "?>", lt + 2);
    else if (s.startsWith("<![CDATA[", lt) && open.length) i = skipTo(s, "]]>", lt + 9);
    else if (s.startsWith("<!DOCTYPE", lt) && !rooted) {
      // Only an external identifier: a '[' outside quotes opens an internal subset.
      let q = "";
      let j = lt + 9;
      for (; j < s.length && (q || s[j] !== ">"); j++) {
        if (q) q = s[j] === q ? "" : q;
        else if (s[j] === '"' || s[j] === "'") q = s[j];
        else if (s[j] === "[") provFail("bad-provisioning", "DTD internal subset");
      }
      if (j >= s.length) provFail("truncated", "the end inside DOCTYPE");
      i = j + 1;
    } else if (s[lt + 1] === "!") {
      provFail("bad-provisioning", `declaration ${JSON.stringify(s.slice(lt, lt + 12))}`);
    } else if (s[lt + 1] === "/") {
      const name = match(NAME, s, lt + 2);
      const j = lt + 2 + name.length + match(SPACE, s, lt + 2 + name.length).length;
      if (j >= s.length) provFail("truncated", "the end inside a tag");
      if (!name || s[j] !== ">" || open.pop() !== name) provFail("bad-provisioning", `end tag ${name.slice(0, 40)}`);
      out.end();
      i = j + 1;
    } else {
      const name = match(NAME, s, lt + 1);
      if (!name) provFail(lt + 1 >= s.length ? "truncated" : "bad-provisioning", `< at ${lt}`);
      if (rooted && !open.length) provFail("bad-provisioning", "a second root");
      const attrs: string[] = [];
      let j = lt + 1 + name.length;
      let empty = false;
      for (;;) {
        const ws = match(SPACE, s, j).length;
        j += ws;
        if (j >= s.length) provFail("truncated", "the end inside a tag");
        if (s[j] === ">" || (s[j] === "/" && s[j + 1] === ">")) {
          empty = s[j] === "/";
          j += empty ? 2 : 1;
          break;
        }
        const attr = match(NAME, s, j);
        if (!attr || !ws) provFail("bad-provisioning", `attribute in ${name.slice(0, 40)}`);
        j += attr.length;
        j += match(SPACE, s, j).length;
        if (s[j] !== "=") provFail(j >= s.length ? "truncated" : "bad-provisioning", `${attr.slice(0, 40)} without =`);
        j += 1 + match(SPACE, s, j + 1).length;
        const quote = s[j];
        if (quote !== '"' && quote !== "'") provFail(j >= s.length ? "truncated" : "bad-provisioning", `${attr.slice(0, 40)} unquoted`);
        const end = s.indexOf(quote, j + 1);
        if (end < 0) provFail("truncated", "the end inside a value");
        const value = attributeValue(s.slice(j + 1, end));
        out.spend(value.length);
        attrs.push(attr, value);
        j = end + 1;
      }
      rooted = true;
      out.start(name, attrs);
      if (empty) out.end();
      else open.push(name);
      i = j;
    }
  }
  if (open.length || !rooted) provFail("truncated", "the end inside the root");
}
