// Message model -> generic element tree, children in SyncML RepPro 1.2 DTD order. Both encoders start here.
import type { Command, Cred, Item, LocInfo, Meta, SyncMLMessage, XmlChild, XmlElement } from "./model.js";

type Child = XmlChild | undefined | false;

/** An element; undefined/false children are left out, and so is empty text (`<X/>` decodes to ""). */
export function el(name: string, ...children: Child[]): XmlElement {
  const out: XmlChild[] = [];
  for (const c of children) if (c !== undefined && c !== false && c !== "") out.push(c);
  return { name, children: out };
}
const txt = (name: string, v: string | number | undefined): XmlElement | undefined =>
  v === undefined ? undefined : el(name, String(v));
const flag = (name: string, v: boolean | undefined): XmlElement | undefined => (v ? el(name) : undefined);
const list = (name: string, vs: string[] | undefined): XmlElement[] => (vs ?? []).map((v) => el(name, v));

function loc(name: string, l: LocInfo | undefined): XmlElement | undefined {
  return l && el(name, txt("LocURI", l.locURI), txt("LocName", l.locName));
}

export function metaTree(m: Meta | undefined): XmlElement | undefined {
  if (!m) return undefined;
  const { anchor, mem } = m;
  return el(
    "Meta",
    flag("FieldLevel", m.fieldLevel),
    txt("Format", m.format),
    txt("Type", m.type),
    txt("Mark", m.mark),
    txt("Size", m.size),
    anchor && el("Anchor", txt("Last", anchor.last), txt("Next", anchor.next)),
    txt("Version", m.version),
    txt("NextNonce", m.nextNonce),
    txt("MaxMsgSize", m.maxMsgSize),
    txt("MaxObjSize", m.maxObjSize),
    ...list("EMI", m.emi),
    mem && el("Mem", flag("SharedMem", mem.sharedMem), txt("FreeMem", mem.freeMem), txt("FreeID", mem.freeId)),
  );
}

const cred = (c: Cred | undefined): XmlElement | undefined => c && el("Cred", metaTree(c.meta), el("Data", c.data));

/**
 * `wbxml`: a document carried as markup travels as a nested WBXML document, so its Type names the WBXML form
 * (libwbxml does the same, and turns it back on decode).
 */
function item(i: Item, wbxml: boolean): XmlElement {
  let meta = i.meta;
  const embedded = i.data !== undefined && typeof i.data !== "string" && !(i.data instanceof Uint8Array);
  if (wbxml && embedded && meta?.type && /\+xml$/.test(meta.type)) meta = { ...meta, type: meta.type.replace(/\+xml$/, "+wbxml") };
  return el(
    "Item",
    loc("Target", i.target),
    loc("Source", i.source),
    metaTree(meta),
    i.data !== undefined && el("Data", i.data),
    flag("MoreData", i.moreData),
  );
}

function command(c: Command, wbxml: boolean): XmlElement {
  const items = (is: Item[]) => is.map((i) => item(i, wbxml));
  const id = txt("CmdID", c.cmdId);
  switch (c.kind) {
    case "Unsupported":
      return el(c.name, id);
    case "Atomic":
    case "Sequence":
      return el(c.kind, id, flag("NoResp", c.noResp), metaTree(c.meta), ...c.commands.map((x) => command(x, wbxml)));
    case "Alert":
      return el(c.kind, id, flag("NoResp", c.noResp), cred(c.cred), txt("Data", c.data), txt("Correlator", c.correlator), ...items(c.items));
    case "Results":
      return el(c.kind, id, txt("MsgRef", c.msgRef), txt("CmdRef", c.cmdRef), metaTree(c.meta),
        ...list("TargetRef", c.targetRefs), ...list("SourceRef", c.sourceRefs), ...items(c.items));
    case "Status":
      return el(c.kind, id, txt("MsgRef", c.msgRef), txt("CmdRef", c.cmdRef), txt("Cmd", c.cmd),
        ...list("TargetRef", c.targetRefs), ...list("SourceRef", c.sourceRefs), cred(c.cred),
        c.chal && el("Chal", metaTree(c.chal)), txt("Data", c.data), ...items(c.items));
    default:
      return el(c.kind, id, flag("NoResp", c.noResp), c.kind === "Get" && txt("Lang", c.lang), cred(c.cred),
        metaTree(c.meta), c.kind === "Exec" && txt("Correlator", c.correlator), ...items(c.items));
  }
}

export function messageToTree(msg: SyncMLMessage, wbxml = false): XmlElement {
  const h = msg.header;
  return el(
    "SyncML",
    el("SyncHdr", txt("VerDTD", h.verDTD), txt("VerProto", h.verProto), txt("SessionID", h.sessionId),
      txt("MsgID", h.msgId), loc("Target", h.target), loc("Source", h.source), txt("RespURI", h.respUri),
      flag("NoResp", h.noResp), cred(h.cred), metaTree(h.meta)),
    el("SyncBody", ...msg.body.commands.map((c) => command(c, wbxml)), flag("Final", msg.body.final)),
  );
}
