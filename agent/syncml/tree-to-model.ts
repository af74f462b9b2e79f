// Generic element tree -> message model. Both codecs end here, so XML and WBXML accept exactly the same messages.
// Unknown elements are errors (the message is not what we think it is); missing required elements are not: they
// decode to "" / [] so the DPU can answer the one bad command with its status (validateMessage reports them).
import { utf8Decode, utf8Encode } from "../bytes/utf8.js";
import { SyncMLError } from "./errors.js";
import type { Command, Cred, Item, ItemData, LocInfo, Meta, SyncBody, SyncHdr, SyncMLMessage, XmlElement } from "./model.js";

const UNSUPPORTED = ["Put", "Map", "Search", "Sync", "Move"];

export function isElement(c: unknown): c is XmlElement {
  return typeof c === "object" && c !== null && !(c instanceof Uint8Array);
}

function unexpected(path: string): never {
  throw new SyncMLError("unexpected-element", "unexpected element", path);
}

/** Element children; any non-blank text beside them is an error. */
function elements(e: XmlElement, path: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of e.children) {
    if (isElement(c)) out.push(c);
    else if (typeof c !== "string" || trimXml(c) !== "") throw new SyncMLError("invalid-value", "text where elements belong", path);
  }
  return out;
}

/** Raw character content (untrimmed); opaque bytes must be UTF-8. */
function rawText(e: XmlElement, path: string): string {
  let s = "";
  for (const c of e.children) {
    if (typeof c === "string") s += c;
    else if (c instanceof Uint8Array) {
      const t = utf8Decode(c, true);
      if (t === undefined) throw new SyncMLError("invalid-utf8", "opaque text is not UTF-8", path);
      s += t;
    } else unexpected(`${path}/${c.name}`);
  }
  return s;
}

/** Trims XML white space only (String#trim would also eat NBSP and other Unicode spaces that are data). */
export const trimXml = (s: string): string => s.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, "");
const text = (e: XmlElement, path: string): string => trimXml(rawText(e, path));

function int(e: XmlElement, path: string): number {
  const s = text(e, path);
  if (!/^\d{1,15}$/.test(s)) throw new SyncMLError("invalid-value", `not a decimal number: ${JSON.stringify(s.slice(0, 20))}`, path);
  return Number(s);
}

function once<T, K extends keyof T>(o: T, k: K, v: T[K], path: string): void {
  if (o[k] !== undefined) throw new SyncMLError("unexpected-element", "element repeated", path);
  o[k] = v;
}

function parseLoc(e: XmlElement, path: string): LocInfo {
  const loc: Partial<LocInfo> = {};
  for (const c of elements(e, path)) {
    const p = `${path}/${c.name}`;
    if (c.name === "LocURI") once(loc, "locURI", text(c, p), p);
    else if (c.name === "LocName") once(loc, "locName", text(c, p), p);
    else unexpected(p);
  }
  return { locURI: loc.locURI ?? "", ...loc };
}

export function parseMeta(e: XmlElement, path: string): Meta {
  const m: Meta = {};
  for (const c of elements(e, path)) {
    const p = `${path}/${c.name}`;
    switch (c.name) {
      case "FieldLevel": once(m, "fieldLevel", true, p); break;
      case "Format": once(m, "format", text(c, p), p); break;
      case "Type": once(m, "type", text(c, p), p); break;
      case "Mark": once(m, "mark", text(c, p), p); break;
      case "Size": once(m, "size", int(c, p), p); break;
      case "Version": once(m, "version", text(c, p), p); break;
      case "NextNonce": once(m, "nextNonce", text(c, p), p); break;
      case "MaxMsgSize": once(m, "maxMsgSize", int(c, p), p); break;
      case "MaxObjSize": once(m, "maxObjSize", int(c, p), p); break;
      case "EMI": (m.emi ??= []).push(text(c, p)); break;
      case "Anchor": {
        const a: NonNullable<Meta["anchor"]> = {};
        for (const d of elements(c, p)) {
          const q = `${p}/${d.name}`;
          if (d.name === "Last") once(a, "last", text(d, q), q);
          else if (d.name === "Next") once(a, "next", text(d, q), q);
          else unexpected(q);
        }
        once(m, "anchor", a, p);
        break;
      }
      case "Mem": {
        const mem: NonNullable<Meta["mem"]> = {};
        for (const d of elements(c, p)) {
          const q = `${p}/${d.name}`;
          if (d.name === "SharedMem") once(mem, "sharedMem", true, q);
          else if (d.name === "FreeMem") once(mem, "freeMem", int(d, q), q);
          else if (d.name === "FreeID") once(mem, "freeId", int(d, q), q);
          else unexpected(q);
        }
        once(m, "mem", mem, p);
        break;
      }
      default: unexpected(p);
    }
  }
  return m;
}

function parseCred(e: XmlElement, path: string): Cred {
  const cred: Partial<Cred> = {};
  for (const c of elements(e, path)) {
    const p = `${path}/${c.name}`;
    if (c.name === "Meta") once(cred, "meta", parseMeta(c, p), p);
    else if (c.name === "Data") once(cred, "data", text(c, p), p);
    else unexpected(p);
  }
  return { data: cred.data ?? "", ...cred };
}

/**
 * Item Data. Markup inside Data is an embedded document (one root element). Otherwise the text is kept exactly
 * (no trimming: a value may end in a space); opaque bytes stay bytes when the format is bin or they are not UTF-8.
 */
function parseData(e: XmlElement, path: string, format: string | undefined): ItemData {
  const els = e.children.filter(isElement);
  if (els.length) {
    if (els.length > 1) throw new SyncMLError("unexpected-element", "more than one element in Data", path);
    return elements(e, path)[0];
  }
  if (e.children.every((c) => typeof c === "string")) return e.children.join("");
  const parts = e.children.map((c) => (typeof c === "string" ? utf8Encode(c) : (c as Uint8Array)));
  let bytes = parts[0];
  if (parts.length > 1) {
    bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) { bytes.set(p, at); at += p.length; }
  }
  if (format === "bin") return bytes;
  return utf8Decode(bytes, true) ?? bytes;
}

/** A document carried as markup is described by its XML media type, even when it travelled as WBXML. */
const xmlType = (type: string): string => type.replace(/\+wbxml$/, "+xml");

function parseItem(e: XmlElement, path: string, cmdFormat: string | undefined): Item {
  const item: Item = {};
  let data: XmlElement | undefined;
  for (const c of elements(e, path)) {
    const p = `${path}/${c.name}`;
    switch (c.name) {
      case "Target": once(item, "target", parseLoc(c, p), p); break;
      case "Source": once(item, "source", parseLoc(c, p), p); break;
      case "Meta": once(item, "meta", parseMeta(c, p), p); break;
      case "Data": if (data) unexpected(p); data = c; break;
      case "MoreData": once(item, "moreData", true, p); break;
      default: unexpected(p);
    }
  }
  if (data) {
    const d = (item.data = parseData(data, `${path}/Data`, item.meta?.format ?? cmdFormat));
    if (isElement(d) && item.meta?.type) item.meta.type = xmlType(item.meta.type);
  }
  return item;
}

function parseChal(e: XmlElement, path: string): Meta {
  const els = elements(e, path);
  if (els.length > 1 || (els.length === 1 && els[0].name !== "Meta")) unexpected(`${path}/${els[els.length - 1].name}`);
  return els.length ? parseMeta(els[0], `${path}/Meta`) : {};
}

type Parse = (e: XmlElement, path: string) => unknown;
/** Single-valued children: element name -> [model field, parser]. */
const FIELDS: Record<string, [string, Parse]> = {
  CmdID: ["cmdId", text], MsgRef: ["msgRef", text], CmdRef: ["cmdRef", text], Cmd: ["cmd", text], Data: ["data", text],
  Lang: ["lang", text], Correlator: ["correlator", text], NoResp: ["noResp", () => true], Cred: ["cred", parseCred],
  Meta: ["meta", parseMeta], Chal: ["chal", parseChal],
};
/** Repeated children: element name -> model list. */
const LISTS: Record<string, string> = { Item: "items", TargetRef: "targetRefs", SourceRef: "sourceRefs" };

const ITEMS = "CmdID NoResp Cred Meta Item";
/** What each command may contain (SyncML RepPro 1.2 DTD, as OMA DM profiles it), and its defaults. */
const SHAPES: Record<string, [string, Record<string, unknown>]> = {
  Add: [ITEMS, {}], Copy: [ITEMS, {}], Delete: [ITEMS, {}], Replace: [ITEMS, {}],
  Get: [`${ITEMS} Lang`, {}], Exec: [`${ITEMS} Correlator`, {}],
  Alert: ["CmdID NoResp Cred Data Correlator Item", {}],
  Results: ["CmdID MsgRef CmdRef Meta TargetRef SourceRef Item", { cmdRef: "", targetRefs: [], sourceRefs: [] }],
  Status: ["CmdID MsgRef CmdRef Cmd TargetRef SourceRef Cred Chal Data Item",
    { msgRef: "", cmdRef: "", cmd: "", targetRefs: [], sourceRefs: [], data: "" }],
  Atomic: ["CmdID NoResp Meta", { commands: [] }], Sequence: ["CmdID NoResp Meta", { commands: [] }],
};

function parseCommand(e: XmlElement, path: string, inContainer: boolean): Command {
  const name = e.name;
  if (UNSUPPORTED.indexOf(name) >= 0) {
    const id = e.children.filter(isElement).filter((c) => c.name === "CmdID")[0];
    return { kind: "Unsupported", name, cmdId: id ? text(id, `${path}/CmdID`) : "" };
  }
  if (!Object.prototype.hasOwnProperty.call(SHAPES, name) || (inContainer && (name === "Status" || name === "Results"))) {
    unexpected(path);
  }
  const [allowed, defaults] = SHAPES[name];
  const container = name === "Atomic" || name === "Sequence";
  const cmd: Record<string, unknown> = { kind: name, cmdId: "" };
  for (const k of Object.keys(defaults)) cmd[k] = Array.isArray(defaults[k]) ? [] : defaults[k];
  if (!container) cmd.items = [];
  const seen: Record<string, boolean> = {};
  const itemEls: XmlElement[] = [];
  for (const c of elements(e, path)) {
    const p = `${path}/${c.name}`;
    if (allowed.split(" ").indexOf(c.name) < 0) {
      if (!container) unexpected(p);
      (cmd.commands as Command[]).push(parseCommand(c, `${p}[${(cmd.commands as Command[]).length + 1}]`, true));
    } else if (c.name === "Item") itemEls.push(c);
    else if (LISTS[c.name]) (cmd[LISTS[c.name]] as string[]).push(text(c, p));
    else {
      if (seen[c.name]) throw new SyncMLError("unexpected-element", "element repeated", p);
      seen[c.name] = true;
      const [key, parse] = FIELDS[c.name];
      cmd[key] = parse(c, p);
    }
  }
  const format = (cmd.meta as Meta | undefined)?.format;
  if (!container) cmd.items = itemEls.map((c, i) => parseItem(c, `${path}/Item[${i + 1}]`, format));
  return cmd as unknown as Command;
}

function parseHeader(e: XmlElement, path: string): SyncHdr {
  const h: Partial<SyncHdr> = {};
  for (const c of elements(e, path)) {
    const p = `${path}/${c.name}`;
    switch (c.name) {
      case "VerDTD": once(h, "verDTD", text(c, p), p); break;
      case "VerProto": once(h, "verProto", text(c, p), p); break;
      case "SessionID": once(h, "sessionId", text(c, p), p); break;
      case "MsgID": once(h, "msgId", text(c, p), p); break;
      case "Target": once(h, "target", parseLoc(c, p), p); break;
      case "Source": once(h, "source", parseLoc(c, p), p); break;
      case "RespURI": once(h, "respUri", text(c, p), p); break;
      case "NoResp": once(h, "noResp", true, p); break;
      case "Cred": once(h, "cred", parseCred(c, p), p); break;
      case "Meta": once(h, "meta", parseMeta(c, p), p); break;
      default: unexpected(p);
    }
  }
  const { verDTD = "", verProto = "", sessionId = "", msgId = "", target = { locURI: "" }, source = { locURI: "" }, ...rest } = h;
  return { verDTD, verProto, sessionId, msgId, target, source, ...rest };
}

function parseBody(e: XmlElement, path: string): SyncBody {
  const commands: Command[] = [];
  let final = false;
  for (const c of elements(e, path)) {
    if (c.name === "Final") {
      if (final) unexpected(`${path}/Final`);
      final = true;
    } else commands.push(parseCommand(c, `${path}/${c.name}[${commands.length + 1}]`, false));
  }
  return { commands, final };
}

export function treeToMessage(root: XmlElement): SyncMLMessage {
  if (root.name !== "SyncML") throw new SyncMLError("not-syncml", `root element is ${root.name.slice(0, 40)}, not SyncML`);
  let header: SyncHdr | undefined;
  let body: SyncBody | undefined;
  for (const c of elements(root, "SyncML")) {
    const p = `SyncML/${c.name}`;
    if (c.name === "SyncHdr" && !header) header = parseHeader(c, p);
    else if (c.name === "SyncBody" && !body) body = parseBody(c, p);
    else unexpected(p);
  }
  if (!header) throw new SyncMLError("not-syncml", "no SyncHdr", "SyncML");
  if (!body) throw new SyncMLError("not-syncml", "no SyncBody", "SyncML");
  return { header, body };
}
