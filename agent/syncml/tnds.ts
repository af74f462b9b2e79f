// TNDS (OMA-TS-DM_TNDS 1.2, `application/vnd.syncml.dmtnds+xml` / `+wbxml`): a management subtree with its run-time
// properties, as a standalone document or embedded in Item Data. The DTD is the DDF one (MgmtTree/Node).
import { decodeText } from "./ascii.js";
import { SyncMLError } from "./errors.js";
import { withDefaults, type Limits } from "./limits.js";
import type { XmlElement } from "./model.js";
import { el } from "./model-to-tree.js";
import { isElement, trimXml } from "./tree-to-model.js";
import { readWbxmlDocument } from "./wbxml-read.js";
import { DMDDF } from "./wbxml-tables.js";
import { writeWbxml, type WbxmlWriteOptions } from "./wbxml-write.js";
import { readXml } from "./xml-read.js";
import { writeXml, type XmlWriteOptions } from "./xml-write.js";
import { detectEncoding } from "./codec.js";

export const TNDS_XML = "application/vnd.syncml.dmtnds+xml";
export const TNDS_WBXML = "application/vnd.syncml.dmtnds+wbxml";

/** Run-time properties (RTProperties). Type is either a MIME type or a DDF name. */
export interface TndsProps {
  acl?: string;
  /** b64, bin, bool, chr, int, node, null, xml, date, time, float. */
  format?: string;
  name?: string;
  size?: number;
  title?: string;
  tstamp?: string;
  type?: string;
  ddfName?: string;
  verNo?: string;
}

export interface TndsNode {
  name: string;
  /** Where the node sits, on top-level nodes and continuations (a URI such as `./Vendor`). */
  path?: string;
  props?: TndsProps;
  /** Leaf value as text (b64 for binary in XML); bytes only from WBXML OPAQUE that is not UTF-8. */
  value?: string | Uint8Array;
  children: TndsNode[];
}

export interface TndsTree {
  verDTD: string;
  man?: string;
  mod?: string;
  nodes: TndsNode[];
}

const fail = (path: string, msg = "unexpected element"): never => {
  throw new SyncMLError("unexpected-element", msg, path);
};

function kids(e: XmlElement, path: string): XmlElement[] {
  return e.children.map((c) => {
    if (isElement(c)) return c;
    if (typeof c === "string" && trimXml(c) === "") return undefined;
    return fail(path, "text where elements belong");
  }).filter((c): c is XmlElement => c !== undefined);
}

function str(e: XmlElement, path: string, trim = true): string {
  let s = "";
  for (const c of e.children) {
    if (typeof c !== "string") fail(`${path}/${isElement(c) ? c.name : "#opaque"}`, "expected text");
    s += c;
  }
  return trim ? trimXml(s) : s;
}

function setOnce<T>(o: T, k: keyof T, v: T[keyof T], path: string): void {
  if (o[k] !== undefined) fail(path, "element repeated");
  o[k] = v;
}

function props(e: XmlElement, path: string): TndsProps {
  const p: TndsProps = {};
  for (const c of kids(e, path)) {
    const q = `${path}/${c.name}`;
    switch (c.name) {
      case "ACL": setOnce(p, "acl", str(c, q), q); break;
      case "Name": setOnce(p, "name", str(c, q), q); break;
      case "Title": setOnce(p, "title", str(c, q), q); break;
      case "TStamp": setOnce(p, "tstamp", str(c, q), q); break;
      case "VerNo": setOnce(p, "verNo", str(c, q), q); break;
      case "Size": {
        const s = str(c, q);
        if (!/^\d{1,15}$/.test(s)) throw new SyncMLError("invalid-value", "Size is not a number", q);
        setOnce(p, "size", Number(s), q);
        break;
      }
      case "Format": {
        const f = kids(c, q);
        if (f.length !== 1 || f[0].children.length) fail(q, "Format holds one empty element such as <chr/>");
        setOnce(p, "format", f[0].name, q);
        break;
      }
      case "Type": {
        const t = kids(c, q);
        if (t.length > 1 || (t.length && t[0].name !== "MIME" && t[0].name !== "DDFName")) fail(q, "Type holds MIME or DDFName");
        if (t.length && t[0].name === "DDFName") setOnce(p, "ddfName", str(t[0], `${q}/DDFName`), q);
        else setOnce(p, "type", t.length ? str(t[0], `${q}/MIME`) : "", q);
        break;
      }
      default: fail(q);
    }
  }
  return p;
}

function node(e: XmlElement, path: string): TndsNode {
  const n: Partial<TndsNode> & { children: TndsNode[] } = { children: [] };
  for (const c of kids(e, path)) {
    const q = `${path}/${c.name}`;
    switch (c.name) {
      case "NodeName": setOnce(n, "name", str(c, q), q); break;
      case "Path": setOnce(n, "path", str(c, q), q); break;
      case "RTProperties": setOnce(n, "props", props(c, q), q); break;
      case "Value": {
        const v = c.children[0];
        setOnce(n, "value", c.children.length === 1 && v instanceof Uint8Array ? v : str(c, q, false), q);
        break;
      }
      case "Node": n.children.push(node(c, `${q}[${n.children.length + 1}]`)); break;
      default: fail(q);
    }
  }
  if (n.name === undefined) fail(path, "Node without NodeName");
  // Opaque values are text unless the node is bin or they are not UTF-8 (the rule Item Data follows).
  if (n.value instanceof Uint8Array && n.props?.format !== "bin") n.value = decodeText(n.value) ?? n.value;
  return n as TndsNode;
}

/** A TNDS document: XML text or bytes, WBXML bytes, or the element embedded in an Item's Data. */
export function decodeTnds(input: string | Uint8Array | XmlElement, limits?: Partial<Limits>): TndsTree {
  let root: XmlElement;
  if (isElement(input)) root = input;
  else if (typeof input !== "string" && detectEncoding(input) === "wbxml") root = readWbxmlDocument(input, withDefaults(limits), DMDDF).root;
  else root = readXml(input, withDefaults(limits));
  if (root.name !== "MgmtTree") throw new SyncMLError("not-syncml", `root element is ${root.name.slice(0, 40)}, not MgmtTree`);
  const t: Partial<TndsTree> & { nodes: TndsNode[] } = { nodes: [] };
  for (const c of kids(root, "MgmtTree")) {
    const q = `MgmtTree/${c.name}`;
    if (c.name === "VerDTD") setOnce(t, "verDTD", str(c, q), q);
    else if (c.name === "Man") setOnce(t, "man", str(c, q), q);
    else if (c.name === "Mod") setOnce(t, "mod", str(c, q), q);
    else if (c.name === "Node") t.nodes.push(node(c, `${q}[${t.nodes.length + 1}]`));
    else fail(q);
  }
  return { verDTD: "", ...t } as TndsTree;
}

function nodeTree(n: TndsNode): XmlElement {
  const p = n.props;
  const t = (name: string, v: string | number | undefined) => (v === undefined ? undefined : el(name, String(v)));
  return el(
    "Node",
    el("NodeName", n.name),
    t("Path", n.path),
    p && el("RTProperties", t("ACL", p.acl), p.format !== undefined && el("Format", el(p.format)), t("Name", p.name),
      t("Size", p.size), t("Title", p.title), t("TStamp", p.tstamp),
      (p.type !== undefined || p.ddfName !== undefined) && el("Type", p.ddfName !== undefined ? el("DDFName", p.ddfName) : el("MIME", p.type ?? "")),
      t("VerNo", p.verNo)),
    n.value !== undefined && el("Value", n.value),
    ...n.children.map(nodeTree),
  );
}

/** The TNDS element, to put in an Item's Data (with Meta Type {@link TNDS_XML}). */
export function tndsToElement(tree: TndsTree): XmlElement {
  return el("MgmtTree", el("VerDTD", tree.verDTD), tree.man !== undefined && el("Man", tree.man),
    tree.mod !== undefined && el("Mod", tree.mod), ...tree.nodes.map(nodeTree));
}

export function encodeTnds(tree: TndsTree, opts?: XmlWriteOptions): string {
  return writeXml(tndsToElement(tree), opts);
}

export function encodeTndsWbxml(tree: TndsTree, opts?: WbxmlWriteOptions): Uint8Array {
  return writeWbxml(tndsToElement(tree), opts);
}
