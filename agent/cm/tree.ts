// Configuration Manager 2 (DESIGN.md §1, steps 8 and 10): the DM tree. It checks URIs, access rights
// (ACL per server, with inheritance) and the owners' access types, routes each command to the CSP that
// owns the subtree, keeps node properties, and keeps a generic dynamic subtree for paths no CSP owns.
// Every change goes through the ConfigTransaction it is given: the session decides when it commits.
import type { ConfigTransaction } from "../../hal/config.js";
import type { LogLevel } from "../../hal/log.js";
import { DmStatusError, type AccessType, type Csp, type CspContext, type DdfNode, type DmFormat, type DmValue } from "../../csp/csp.js";
import { aclAllows, formatAcl, parseAcl, type Acl, type AclCommand } from "./acl.js";
import { formatUri, isWithin, NODE_PROPERTIES, type DmUri } from "./uri.js";
import { dataKey, propsKey } from "./store-keys.js";
import { base64Decode, base64Encode } from "../bytes/base64.js";

/** Properties the tree stores per node (DM_TND §7.7). Format, Type, Name and Size are derived. */
interface StoredProps {
  acl?: string;
  title?: string;
  tstamp?: string;
  verNo?: number;
}

/** One item of a Get's Results. */
export interface NodeResult {
  readonly uri: string;
  readonly format: DmFormat;
  readonly type?: string;
  readonly data?: string | Uint8Array;
}

export interface TreeOptions {
  readonly csps: readonly Csp[];
  /** ACL of the root when the store has none yet (factory default). */
  readonly rootAcl: string;
  /** Wall clock, for TStamp. */
  readonly now: () => number;
  readonly log?: (level: LogLevel, message: string) => void;
}

type Owner =
  | { readonly kind: "csp"; readonly csp: Csp; readonly path: readonly string[] }
  | { readonly kind: "generic" }
  /** An interior node that exists because a CSP is mounted below it (".", "./Vendor", "./Vendor/MSFT"). */
  | { readonly kind: "mount" };

const GENERIC_LEAF_FORMATS: readonly DmFormat[] = ["b64", "bin", "bool", "chr", "int", "null", "xml", "date", "time", "float"];

function status(code: number, message: string): never {
  throw new DmStatusError(code, message);
}

export class Tree {
  constructor(readonly options: TreeOptions) {}

  /** The tree as `serverId` sees it, working in `tx`. */
  session(tx: ConfigTransaction, serverId: string): TreeSession {
    return new TreeSession(this.options, tx, serverId);
  }
}

export class TreeSession {
  private readonly context: CspContext;

  constructor(private readonly options: TreeOptions, private readonly tx: ConfigTransaction, readonly serverId: string) {
    this.context = { config: tx, serverId, log: options.log ?? (() => undefined) };
  }

  // ── ownership and existence ──

  private owner(segments: readonly string[]): Owner {
    for (const csp of this.options.csps) {
      for (const root of csp.roots) {
        if (isWithin(segments, root)) return { kind: "csp", csp, path: segments.slice(root.length) };
      }
    }
    for (const csp of this.options.csps) for (const root of csp.roots) if (isWithin(root, segments)) return { kind: "mount" };
    return { kind: "generic" };
  }

  /** "interior", "leaf", or undefined when the node does not exist. */
  kind(segments: readonly string[]): "interior" | "leaf" | undefined {
    if (segments.length === 0) return "interior";
    const owner = this.owner(segments);
    if (owner.kind === "mount") return "interior";
    if (owner.kind === "csp") return owner.csp.node(owner.path, this.context)?.kind;
    const stored = this.tx.read(dataKey(segments));
    if (!stored) return undefined;
    return stored.type === "node" ? "interior" : "leaf";
  }

  children(segments: readonly string[]): string[] {
    const owner = this.owner(segments);
    if (owner.kind === "csp") return owner.csp.children(owner.path, this.context);
    const names: string[] = [];
    for (const csp of this.options.csps) {
      for (const root of csp.roots) {
        if (root.length > segments.length && isWithin(root, segments) && names.indexOf(root[segments.length]) < 0) names.push(root[segments.length]);
      }
    }
    for (const name of this.tx.children(dataKey(segments))) if (names.indexOf(name) < 0) names.push(name);
    return names;
  }

  // ── access rights ──

  private props(segments: readonly string[]): StoredProps {
    const stored = this.tx.read(propsKey(segments));
    if (stored && stored.type === "string") {
      try {
        return JSON.parse(stored.value) as StoredProps;
      } catch {
        this.context.log("warn", `node properties of ${formatUri(segments)} are unreadable; ignored`);
      }
    }
    return {};
  }

  private writeProps(segments: readonly string[], props: StoredProps): void {
    this.tx.write(propsKey(segments), { type: "string", value: JSON.stringify(props) });
  }

  /** The ACL in force at a node: its own, or the nearest ancestor's (DM_TND §7.7.1.2). */
  effectiveAcl(segments: readonly string[]): Acl {
    for (let n = segments.length; n >= 0; n--) {
      const text = this.props(segments.slice(0, n)).acl;
      const acl = text === undefined ? undefined : parseAcl(text);
      if (acl && acl.size) return acl;
    }
    return parseAcl(this.options.rootAcl) ?? new Map();
  }

  private requireAcl(command: AclCommand, segments: readonly string[]): void {
    if (!aclAllows(this.effectiveAcl(segments), command, this.serverId)) {
      status(425, `${this.serverId} may not ${command} ${formatUri(segments)}`);
    }
  }

  /** The DDF node describing `path` in a CSP, walking dynamic (unnamed) nodes as wildcards. */
  private ddf(csp: Csp, path: readonly string[]): DdfNode | undefined {
    let node: DdfNode | undefined = csp.description;
    for (const name of path) {
      const kids: readonly DdfNode[] = node?.children ?? [];
      node = kids.find((k) => k.name === name) ?? kids.find((k) => k.name === undefined);
      if (!node) return undefined;
    }
    return node;
  }

  private requireAccess(segments: readonly string[], access: AccessType): void {
    const owner = this.owner(segments);
    if (owner.kind === "mount") {
      if (access !== "Get") status(405, `${formatUri(segments)} is a permanent interior node`);
      return;
    }
    if (owner.kind !== "csp") return;
    const node = this.ddf(owner.csp, owner.path);
    if (node && node.access.indexOf(access) < 0) status(405, `${access} is not allowed on ${formatUri(segments)}`);
  }

  // ── commands ──

  get(uri: DmUri): NodeResult[] {
    const segments = uri.segments;
    const kind = this.kind(segments);
    if (!kind) status(404, `${formatUri(segments)} not found`);
    this.requireAcl("Get", segments);
    if (uri.query?.kind === "prop") return [this.property(segments, kind, uri.query.prop)];
    if (uri.query?.kind === "list") {
      if (uri.query.list === "TNDS") status(406, "TNDS export is answered by the DPU");
      const withData = uri.query.list === "StructData";
      const out: NodeResult[] = [];
      this.walk(segments, (path, k) => {
        if (path !== segments && !aclAllows(this.effectiveAcl(path), "Get", this.serverId)) return false;
        if (k === "interior") out.push({ uri: formatUri(path), format: "node" });
        else if (withData) out.push(this.leaf(path, true));
        else out.push({ uri: formatUri(path), format: this.leafFormat(path) });
        return true;
      });
      return out;
    }
    this.requireAccess(segments, "Get");
    if (kind === "interior") return [{ uri: formatUri(segments), format: "node", data: this.children(segments).join("/") }];
    return [this.leaf(segments, false)];
  }

  /** Depth-first walk; `visit` returns false to skip a node's subtree. */
  walk(segments: readonly string[], visit: (path: readonly string[], kind: "interior" | "leaf") => boolean, depth = 0): void {
    const kind = this.kind(segments);
    if (!kind || depth > 64 || !visit(segments, kind) || kind === "leaf") return;
    for (const name of this.children(segments)) this.walk([...segments, name], visit, depth + 1);
  }

  private leafFormat(segments: readonly string[]): DmFormat {
    const owner = this.owner(segments);
    if (owner.kind === "csp") return owner.csp.node(owner.path, this.context)?.format ?? "chr";
    return this.genericLeaf(segments).format;
  }

  private genericLeaf(segments: readonly string[]): DmValue {
    const stored = this.tx.read(dataKey(segments));
    if (!stored || stored.type !== "string") status(404, `${formatUri(segments)} not found`);
    const v = JSON.parse(stored.value) as { format: DmFormat; type?: string; data: string };
    return { format: v.format, type: v.type, data: v.format === "bin" ? base64Decode(v.data) ?? new Uint8Array(0) : v.data };
  }

  /** A leaf's value. In ?list=StructData a write-only leaf is listed without its value (never an error). */
  private leaf(segments: readonly string[], lenient: boolean): NodeResult {
    const owner = this.owner(segments);
    try {
      const value = owner.kind === "csp" ? owner.csp.get(owner.path, this.context) : this.genericLeaf(segments);
      return { uri: formatUri(segments), format: value.format, type: value.type, data: value.data };
    } catch (error) {
      if (lenient && error instanceof DmStatusError) return { uri: formatUri(segments), format: this.leafFormat(segments) };
      throw error;
    }
  }

  private property(segments: readonly string[], kind: "interior" | "leaf", prop: string): NodeResult {
    const uri = `${formatUri(segments)}?prop=${prop}`;
    const props = this.props(segments);
    const text = (data: string): NodeResult => ({ uri, format: "chr", type: "text/plain", data });
    switch (prop) {
      case "ACL": return text(props.acl ?? "");
      case "Format": return text(kind === "interior" ? "node" : this.leafFormat(segments));
      case "Name": return text(segments.length ? segments[segments.length - 1] : ".");
      case "Title": return text(props.title ?? "");
      case "TStamp": return text(props.tstamp ?? "");
      case "VerNo": return { uri, format: "int", data: String(props.verNo ?? 0) };
      case "Type": {
        if (kind === "interior") return text("");
        const owner = this.owner(segments);
        const type = owner.kind === "csp" ? owner.csp.node(owner.path, this.context)?.type : this.genericLeaf(segments).type;
        return text(type ?? "text/plain");
      }
      case "Size": {
        if (kind === "interior") status(406, "interior nodes have no Size");
        const data = this.leaf(segments, false).data;
        return { uri, format: "int", data: String(typeof data === "string" ? utf8Length(data) : data ? data.length : 0) };
      }
    }
    return status(405, `unknown property ${prop}`);
  }

  add(uri: DmUri, value: DmValue | undefined): void {
    const segments = uri.segments;
    if (uri.query) status(405, "Add takes no query");
    if (segments.length === 0) status(418, "the root exists");
    if (this.kind(segments)) {
      // Adding what exists is 418, unless the owner defines it (ActiveSync: an Add of an existing account
      // GUID deletes that account). Such an Add needs the rights of both an Add and a Delete.
      const existing = this.owner(segments);
      const ddf = existing.kind === "csp" ? this.ddf(existing.csp, existing.path) : undefined;
      if (existing.kind !== "csp" || !existing.csp.addExisting || (ddf && ddf.access.indexOf("Add") < 0)) {
        status(418, `${formatUri(segments)} already exists`);
      }
      this.requireAcl("Add", segments.slice(0, -1));
      this.requireAcl("Delete", segments);
      existing.csp.addExisting(existing.path, !value || value.format === "node" ? undefined : value, this.context);
      return;
    }
    const parent = segments.slice(0, -1);
    const parentKind = this.kind(parent);
    // Servers add whole paths in one Add (./Vendor/X/Y while ./Vendor/X is missing): the missing interior
    // nodes are created too, as OMA DM 1.2 clients commonly do, each checked against the ACL in force.
    if (parentKind === "leaf") status(405, `${formatUri(parent)} is a leaf`);
    if (!parentKind) this.add({ segments: parent }, undefined);
    this.requireAcl("Add", parent);
    this.requireAccess(segments, "Add");
    const owner = this.owner(segments);
    const interior = !value || value.format === "node";
    if (owner.kind === "csp") owner.csp.add(owner.path, interior ? undefined : value, this.context);
    else if (interior) this.tx.write(dataKey(segments), { type: "node" });
    else this.writeGeneric(segments, value!);
    this.touch(segments);
  }

  private writeGeneric(segments: readonly string[], value: DmValue): void {
    if (GENERIC_LEAF_FORMATS.indexOf(value.format) < 0) status(415, `format ${value.format} is not supported`);
    const data = typeof value.data === "string" ? value.data : base64Encode(value.data);
    this.tx.write(dataKey(segments), { type: "string", value: JSON.stringify({ format: value.format, type: value.type, data }) });
  }

  replace(uri: DmUri, value: DmValue): void {
    const segments = uri.segments;
    const kind = this.kind(segments);
    if (!kind) status(404, `${formatUri(segments)} not found`);
    if (uri.query?.kind === "prop") return this.replaceProperty(segments, uri.query.prop, value);
    if (uri.query) status(405, "Replace takes no list query");
    this.requireAcl("Replace", segments);
    this.requireAccess(segments, "Replace");
    if (kind === "interior") status(405, `${formatUri(segments)} is an interior node`);
    const owner = this.owner(segments);
    if (owner.kind === "csp") owner.csp.replace(owner.path, value, this.context);
    else this.writeGeneric(segments, value);
    this.touch(segments);
  }

  private replaceProperty(segments: readonly string[], prop: string, value: DmValue): void {
    const text = typeof value.data === "string" ? value.data.trim() : "";
    const props = this.props(segments);
    if (prop === "ACL") {
      // The ACL of a node is governed by its parent's Replace right; the root's by its own (DM_TND §7.7.1.1).
      this.requireAcl("Replace", segments.length ? segments.slice(0, -1) : segments);
      const acl = parseAcl(text);
      if (!acl) status(400, `malformed ACL: ${text}`);
      if (segments.length === 0 && acl.size === 0) status(405, "the root must keep an ACL");
      props.acl = formatAcl(acl) || undefined;
    } else if (prop === "Title") {
      this.requireAcl("Replace", segments);
      props.title = text;
    } else {
      status(405, `property ${prop} cannot be replaced`);
    }
    this.writeProps(segments, props);
  }

  delete(uri: DmUri): void {
    const segments = uri.segments;
    if (uri.query) status(405, "Delete takes no query");
    if (!this.kind(segments)) status(404, `${formatUri(segments)} not found`);
    if (segments.length === 0) status(405, "the root cannot be deleted");
    this.requireAcl("Delete", segments);
    this.requireAccess(segments, "Delete");
    const owner = this.owner(segments);
    if (owner.kind === "csp") owner.csp.delete(owner.path, this.context);
    else this.tx.delete(dataKey(segments));
    this.tx.delete(propsKey(segments));
  }

  async exec(uri: DmUri, data: string | undefined, correlator: string | undefined): Promise<void> {
    const segments = uri.segments;
    if (!this.kind(segments)) status(404, `${formatUri(segments)} not found`);
    this.requireAcl("Exec", segments);
    this.requireAccess(segments, "Exec");
    const owner = this.owner(segments);
    if (owner.kind !== "csp" || !owner.csp.exec) status(405, `${formatUri(segments)} cannot be executed`);
    await owner.csp.exec(owner.path, data, correlator, this.context);
  }

  /** Copy of a leaf (DM_Protocol §6.6.4): Get on the source, then Add or Replace on the target. */
  copy(target: DmUri, source: DmUri): void {
    const from = this.get({ segments: source.segments });
    if (this.kind(source.segments) !== "leaf") status(405, "only leaves are copied");
    const item = from[0];
    const value: DmValue = { format: item.format, type: item.type, data: item.data ?? "" };
    if (this.kind(target.segments)) this.replace({ segments: target.segments }, value);
    else this.add({ segments: target.segments }, value);
  }

  /** TStamp and VerNo change with every Add and Replace of a node (DM_TND §7.7.8, §7.7.9). */
  private touch(segments: readonly string[]): void {
    const props = this.props(segments);
    const now = this.options.now();
    if (now === now) props.tstamp = isoBasic(now);
    props.verNo = ((props.verNo ?? -1) + 1) % 65536;
    this.writeProps(segments, props);
  }
}

function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) { n += 4; i++; }
    else n += 3;
  }
  return n;
}

/** ISO 8601 basic format in UTC, as DM_TND shows TStamp: 20261125T093000Z. */
function isoBasic(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d+/, "");
}

export { NODE_PROPERTIES };
