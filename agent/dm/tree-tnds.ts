// The DM tree as TNDS (OMA-TS-DM_TNDS-V1_2): export of a subtree (Get ?list=TNDS+props, `dm-device store
// --format tnds`) and import of a document (Add with TNDS data, `dm-device run --tree`), through a
// TreeSession so ACLs, CSPs and the generic subtree behave as for any command.
import { decodeTnds, decodeTree, SyncMLError, type TndsNode, type TndsProps, type TndsTree, type XmlElement } from "../syncml/index.js";
import { DmStatusError, type DmFormat } from "../../csp/csp.js";
import type { TreeSession } from "../cm/tree.js";
import { parseUri, formatUri, type DmUri } from "../cm/uri.js";
import { ACL_COMMANDS, formatAcl, parseAcl, type AclCommand } from "../cm/acl.js";
import { base64Encode } from "../bytes/base64.js";

const prop = (segments: readonly string[], name: string): DmUri => ({ segments, query: { kind: "prop", prop: name } });

/** The subtree at `segments` (the root: its children as top-level nodes) with the properties asked for. */
export function exportTnds(tree: TreeSession, segments: readonly string[], props: readonly string[]): TndsTree {
  const listed = tree.get({ segments, query: { kind: "list", list: "Struct", props: [] } });
  const nodes = new Map<string, TndsNode>();
  const top: TndsNode[] = [];
  for (const r of listed) {
    const path = r.uri === "." ? [] : r.uri.slice(2).split("/");
    if (path.length === 0) continue;
    const node: TndsNode = { name: path[path.length - 1], children: [] };
    const p: TndsProps = {};
    for (const name of props) {
      if (name === "Value") continue;
      if (name === "Format") {
        p.format = r.format;
        continue;
      }
      try {
        const v = tree.get(prop(path, name))[0]?.data;
        const text = typeof v === "string" ? v : "";
        // An empty property says nothing (an empty ACL is the parent's): left out.
        if (text === "") continue;
        if (name === "ACL") p.acl = text;
        else if (name === "Name") p.name = text;
        else if (name === "Size") p.size = Number(text);
        else if (name === "Title") p.title = text;
        else if (name === "TStamp") p.tstamp = text;
        else if (name === "Type") p.type = text;
        else if (name === "VerNo") p.verNo = text;
      } catch {
        // a property this node does not have (Size of an interior node): left out
      }
    }
    if (Object.keys(p).length) node.props = p;
    if (props.indexOf("Value") >= 0 && r.format !== "node") {
      try {
        const v = tree.get({ segments: path })[0]?.data;
        if (v !== undefined) node.value = typeof v === "string" ? v : base64Encode(v);
      } catch {
        // write-only leaves are listed without their value
      }
    }
    const parent = nodes.get(formatUri(path.slice(0, -1)));
    if (parent) parent.children.push(node);
    else {
      if (path.length > 1) node.path = formatUri(path.slice(0, -1));
      top.push(node);
    }
    nodes.set(r.uri, node);
  }
  return { verDTD: "1.2", nodes: top };
}

/** DFProperties the import honours: AccessType and DFFormat. */
interface Ddf {
  access?: AclCommand[];
  format?: string;
}

const isEl = (c: unknown): c is XmlElement => typeof c === "object" && c !== null && !(c instanceof Uint8Array);

/**
 * The document without its DFProperties (the TNDS decoder takes RTProperties only), and the DFProperties
 * of each Node in document order.
 */
function splitDdf(e: XmlElement, out: Array<Ddf | undefined>): XmlElement {
  let ddf: Ddf | undefined;
  const children = [];
  if (e.name === "Node") out.push(undefined);
  const at = out.length - 1;
  for (const c of e.children) {
    if (isEl(c) && c.name === "DFProperties") {
      ddf = {};
      for (const d of c.children.filter(isEl)) {
        if (d.name === "AccessType") {
          ddf.access = d.children.filter(isEl).map((a) => a.name as AclCommand).filter((a) => ACL_COMMANDS.indexOf(a) >= 0);
        } else if (d.name === "DFFormat") {
          const f = d.children.filter(isEl)[0];
          if (f) ddf.format = f.name;
        }
      }
    } else children.push(isEl(c) ? splitDdf(c, out) : c);
  }
  if (e.name === "Node") out[at] = ddf;
  return { name: e.name, children };
}

export interface ImportReport {
  nodes: number;
  failed: Array<{ uri: string; status: number }>;
}

/**
 * Adds (or replaces the values of) every node of a TNDS document below `base`, then sets the ACLs and
 * Titles the document gives, deepest first so a restrictive ACL never blocks the import of what lies
 * below it. A node whose DFProperties list AccessType gets an ACL narrowed to those commands (over the
 * ACL it would otherwise have), so a loaded tree can hold read-only nodes.
 */
export function importTnds(tree: TreeSession, base: readonly string[], doc: XmlElement | string | Uint8Array): ImportReport {
  const root = isEl(doc) ? doc : decodeTree(doc).root;
  const ddfs: Array<Ddf | undefined> = [];
  const parsed: TndsTree = decodeTnds(splitDdf(root, ddfs));
  const report: ImportReport = { nodes: 0, failed: [] };
  const later: Array<{ segments: readonly string[]; acl?: string; title?: string }> = [];
  let index = 0;

  const visit = (node: TndsNode, parent: readonly string[], inherited: string | undefined): void => {
    const ddf = ddfs[index++];
    let at = parent;
    if (node.path !== undefined) {
      const p = parseUri(node.path);
      if (typeof p === "string") throw new SyncMLError("invalid-value", `bad Path ${node.path}`);
      at = p.segments;
    }
    const baseAcl = inherited ?? formatAcl(tree.effectiveAcl(at));
    const segments = [...at, node.name];
    const uri = formatUri(segments);
    const format = (node.props?.format ?? ddf?.format ?? (node.value !== undefined ? "chr" : "node")) as DmFormat;
    const leaf = format !== "node";
    try {
      const kind = tree.kind(segments);
      const value = { format, type: node.props?.type, data: node.value ?? "" };
      if (!kind) tree.add({ segments }, leaf ? value : undefined);
      else if (kind === "leaf" && leaf && node.value !== undefined) tree.replace({ segments }, value);
      report.nodes++;
    } catch (error) {
      report.failed.push({ uri, status: error instanceof DmStatusError ? error.status : 500 });
    }
    const ownAcl = node.props?.acl ?? baseAcl;
    let acl = node.props?.acl;
    if (ddf?.access) {
      const allowed = parseAcl(ownAcl) ?? new Map();
      const narrowed = new Map();
      for (const c of ddf.access) if (allowed.has(c)) narrowed.set(c, allowed.get(c));
      // An empty ACL would inherit the parent's: a node nobody may touch keeps an ACL naming no server.
      acl = formatAcl(narrowed) || "Get=-";
    }
    if (acl !== undefined || node.props?.title !== undefined) later.push({ segments, acl, title: node.props?.title });
    for (const child of node.children) visit(child, segments, ownAcl);
  };

  for (const node of parsed.nodes) visit(node, base, undefined);
  for (let i = later.length - 1; i >= 0; i--) {
    const { segments, acl, title } = later[i];
    try {
      if (acl !== undefined) tree.replace(prop(segments, "ACL"), { format: "chr", data: acl });
      if (title !== undefined) tree.replace(prop(segments, "Title"), { format: "chr", data: title });
    } catch (error) {
      report.failed.push({ uri: formatUri(segments) + "?prop=ACL", status: error instanceof DmStatusError ? error.status : 500 });
    }
  }
  return report;
}
