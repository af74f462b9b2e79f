// Generic element tree -> message model. Both codecs end here, so XML and WBXML accept exactly the same messages.
// Unknown elements are errors (the message is not what we think it is); missing required elements are not: they
// decode to "" / [] so the DPU can answer the one bad command with its status (validateMessage reports them).
import { decodeText, encodeText } from "./ascii.js";
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
      const t = decodeText(c);
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

const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

type Parse = (e: XmlElement, path: string) => unknown;
/** Child element name -> [model field, parser]. */
type Spec = Record<string, [string, Parse]>;

/**
 * The fields of an element, by `spec`; children named in `lists` collect into arrays. A repeated single field
 * is an error, and so is any other child unless `other` takes it (the commands inside Atomic and Sequence).
 */
function record(e: XmlElement, path: string, spec: Spec, lists?: Spec, other?: (c: XmlElement, p: string) => void) {
  const out: Record<string, unknown> = {};
  for (const c of elements(e, path)) {
    const p = `${path}/${c.name}`;
    if (lists && own(lists, c.name)) {
      const [k, parse] = lists[c.name];
      ((out[k] ??= []) as unknown[]).push(parse(c, p));
    } else if (own(spec, c.name)) {
      const [k, parse] = spec[c.name];
      if (own(out, k)) throw new SyncMLError("unexpected-element", "element repeated", p);
      out[k] = parse(c, p);
    } else if (other) other(c, p);
    else unexpected(p);
  }
  return out;
}

const flag = () => true;
const META: Spec = {
  FieldLevel: ["fieldLevel", flag], Format: ["format", text], Type: ["type", text], Mark: ["mark", text], Size: ["size", int],
  Version: ["version", text], NextNonce: ["nextNonce", text], MaxMsgSize: ["maxMsgSize", int], MaxObjSize: ["maxObjSize", int],
  Anchor: ["anchor", (e, p) => record(e, p, { Last: ["last", text], Next: ["next", text] })],
  Mem: ["mem", (e, p) => record(e, p, { SharedMem: ["sharedMem", flag], FreeMem: ["freeMem", int], FreeID: ["freeId", int] })],
};
const parseMeta = (e: XmlElement, path: string) => record(e, path, META, { EMI: ["emi", text] }) as Meta;
const parseLoc = (e: XmlElement, path: string) =>
  ({ locURI: "", ...record(e, path, { LocURI: ["locURI", text], LocName: ["locName", text] }) }) as LocInfo;
const parseCred = (e: XmlElement, path: string) =>
  ({ data: "", ...record(e, path, { Meta: ["meta", parseMeta], Data: ["data", text] }) }) as Cred;

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
  const parts = e.children.map((c) => (typeof c === "string" ? encodeText(c) : (c as Uint8Array)));
  let bytes = parts[0];
  if (parts.length > 1) {
    bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) { bytes.set(p, at); at += p.length; }
  }
  if (format === "bin") return bytes;
  return decodeText(bytes) ?? bytes;
}

/** A document carried as markup is described by its XML media type, even when it travelled as WBXML. */
const xmlType = (type: string): string => type.replace(/\+wbxml$/, "+xml");

const ITEM: Spec = {
  Target: ["target", parseLoc], Source: ["source", parseLoc], Meta: ["meta", parseMeta], Data: ["data", (e) => e], MoreData: ["moreData", flag],
};

function parseItem(e: XmlElement, path: string, cmdFormat: string | undefined): Item {
  const item = record(e, path, ITEM) as Item;
  if (item.data !== undefined) {
    const d = (item.data = parseData(item.data as XmlElement, `${path}/Data`, item.meta?.format ?? cmdFormat));
    if (isElement(d) && item.meta?.type) item.meta.type = xmlType(item.meta.type);
  }
  return item;
}

/** Chal holds one Meta. */
const parseChal = (e: XmlElement, path: string) => (record(e, path, { Meta: ["meta", parseMeta] }).meta ?? {}) as Meta;

/** Every single-valued child a command may have. */
const FIELDS: Spec = {
  CmdID: ["cmdId", text], MsgRef: ["msgRef", text], CmdRef: ["cmdRef", text], Cmd: ["cmd", text], Data: ["data", text],
  Lang: ["lang", text], Correlator: ["correlator", text], NoResp: ["noResp", flag], Cred: ["cred", parseCred],
  Meta: ["meta", parseMeta], Chal: ["chal", parseChal],
};
const LISTS: Spec = { Item: ["items", (e) => e], TargetRef: ["targetRefs", text], SourceRef: ["sourceRefs", text] };

/** Which children each command may have (SyncML RepPro 1.2 DTD as OMA DM profiles it), and its defaults. */
const SHAPES: Record<string, [Spec, Spec, Record<string, string>]> = {};
function shape(kinds: string, children: string, defaults: Record<string, string> = {}): void {
  const pick = (from: Spec) => {
    const s: Spec = {};
    for (const n of children.split(" ")) if (own(from, n)) s[n] = from[n];
    return s;
  };
  for (const k of kinds.split(" ")) SHAPES[k] = [pick(FIELDS), pick(LISTS), defaults];
}
shape("Add Copy Delete Replace", "CmdID NoResp Cred Meta Item");
shape("Get", "CmdID NoResp Lang Cred Meta Item");
shape("Exec", "CmdID NoResp Cred Meta Correlator Item");
shape("Alert", "CmdID NoResp Cred Data Correlator Item");
shape("Results", "CmdID MsgRef CmdRef Meta TargetRef SourceRef Item", { cmdRef: "" });
shape("Status", "CmdID MsgRef CmdRef Cmd TargetRef SourceRef Cred Chal Data Item", { msgRef: "", cmdRef: "", cmd: "", data: "" });
shape("Atomic Sequence", "CmdID NoResp Meta");

function parseCommand(e: XmlElement, path: string, inContainer: boolean): Command {
  const kind = e.name;
  if (UNSUPPORTED.indexOf(kind) >= 0) {
    const id = e.children.filter(isElement).filter((c) => c.name === "CmdID")[0];
    return { kind: "Unsupported", name: kind, cmdId: id ? text(id, `${path}/CmdID`) : "" };
  }
  if (!own(SHAPES, kind) || (inContainer && (kind === "Status" || kind === "Results"))) unexpected(path);
  const [fields, lists, defaults] = SHAPES[kind];
  const container = kind === "Atomic" || kind === "Sequence";
  const commands: Command[] = [];
  const nested = (c: XmlElement, p: string) => commands.push(parseCommand(c, `${p}[${commands.length + 1}]`, true));
  const cmd: Record<string, unknown> = { kind, cmdId: "", ...defaults, ...record(e, path, fields, lists, container ? nested : undefined) };
  if (container) cmd.commands = commands;
  else {
    if (own(lists, "TargetRef")) for (const k of ["targetRefs", "sourceRefs"]) cmd[k] ??= [];
    const format = (cmd.meta as Meta | undefined)?.format;
    cmd.items = ((cmd.items ?? []) as XmlElement[]).map((c, i) => parseItem(c, `${path}/Item[${i + 1}]`, format));
  }
  return cmd as unknown as Command;
}

const HEADER: Spec = {
  VerDTD: ["verDTD", text], VerProto: ["verProto", text], SessionID: ["sessionId", text], MsgID: ["msgId", text],
  Target: ["target", parseLoc], Source: ["source", parseLoc], RespURI: ["respUri", text], NoResp: ["noResp", flag],
  Cred: ["cred", parseCred], Meta: ["meta", parseMeta],
};
const parseHeader = (e: XmlElement, path: string) =>
  ({ verDTD: "", verProto: "", sessionId: "", msgId: "", target: { locURI: "" }, source: { locURI: "" }, ...record(e, path, HEADER) }) as SyncHdr;

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
