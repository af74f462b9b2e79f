// A CSP whose nodes are keys of the native store, one for one, under a native root: what most operator
// settings are (DMAcc, and the ActiveSync registry layout). The DDF says which nodes may exist, their
// formats and access types; a node exists when its key does. Values keep native types (int32, boolean,
// buffer for bin and b64) so native code reading the store sees what it expects.
import type { ConfigValue } from "../hal/config.js";
import { base64Decode, base64Encode } from "../agent/bytes/base64.js";
import { utf8Decode, utf8Encode } from "../agent/bytes/utf8.js";
import { DmStatusError, type Csp, type CspContext, type CspNode, type DdfNode, type DmValue } from "./csp.js";

export interface MappedCspOptions {
  readonly roots: ReadonlyArray<readonly string[]>;
  readonly description: DdfNode;
  /** Native key of the CSP's root node, e.g. "DMAcc". */
  readonly nativeRoot: string;
  /** Leaves whose value is never returned (secrets): Get answers 405 even where the DDF would allow it. */
  readonly writeOnly?: (path: readonly string[]) => boolean;
}

/** The DDF node for `path`, taking an unnamed child as the placeholder for any name. */
export function ddfAt(root: DdfNode, path: readonly string[]): DdfNode | undefined {
  let node: DdfNode | undefined = root;
  for (const name of path) {
    const kids: readonly DdfNode[] = node.children ?? [];
    node = kids.find((k) => k.name === name) ?? kids.find((k) => k.name === undefined);
    if (!node) return undefined;
  }
  return node;
}

function bad(status: number, message: string): never {
  throw new DmStatusError(status, message);
}

/** A DM value as the native type its DDF format calls for. */
export function toNative(ddf: DdfNode, value: DmValue): ConfigValue {
  const text = typeof value.data === "string" ? value.data : utf8Decode(value.data);
  switch (ddf.format) {
    case "int": {
      const t = text.trim();
      if (!/^[+-]?\d+$/.test(t) || Math.abs(Number(t)) > 2147483647) bad(400, `not an int: ${t}`);
      return { type: "int32", value: Number(t) };
    }
    case "bool": {
      const t = text.trim().toLowerCase();
      if (t !== "true" && t !== "false") bad(400, `not a bool: ${t}`);
      return { type: "boolean", value: t === "true" };
    }
    case "bin":
    case "b64": {
      // Servers send b64 nodes' data as base64 text, and bin as raw bytes (WBXML opaque) or base64 text
      // in XML with Meta Format b64: whichever arrives, the native value is the bytes.
      if (typeof value.data !== "string") return { type: "buffer", value: value.data.slice().buffer };
      const bytes = value.format === "b64" || ddf.format === "b64" ? base64Decode(value.data) : utf8Encode(value.data);
      if (!bytes) bad(400, "bad base64 data");
      return { type: "buffer", value: bytes.slice().buffer };
    }
    case "float": {
      const n = Number(text.trim());
      if (text.trim() === "" || !isFinite(n)) bad(400, `not a float: ${text}`);
      return { type: "float64", value: n };
    }
    case "null":
      return { type: "node" };
    default:
      return { type: "string", value: text };
  }
}

/** A native value as DM data of its DDF format. */
export function fromNative(ddf: DdfNode, value: ConfigValue): DmValue {
  const type = ddf.mime ?? "text/plain";
  switch (value.type) {
    case "buffer":
      return ddf.format === "bin" ? { format: "bin", type, data: new Uint8Array(value.value) } : { format: "b64", type, data: base64Encode(new Uint8Array(value.value)) };
    case "boolean": return { format: "bool", type, data: value.value ? "true" : "false" };
    case "int32": case "float64": return { format: ddf.format === "float" ? "float" : "int", type, data: String(value.value) };
    case "int64": return { format: "int", type, data: value.value.toString() };
    case "string": return { format: ddf.format === "node" ? "chr" : ddf.format, type, data: value.value };
    default: return { format: "null", type, data: "" };
  }
}

export function mappedCsp(options: MappedCspOptions): Csp {
  const key = (path: readonly string[]) => (path.length ? `${options.nativeRoot}/${path.join("/")}` : options.nativeRoot);
  const ddf = (path: readonly string[]) => ddfAt(options.description, path);
  return {
    roots: options.roots,
    description: options.description,
    node(path, context: CspContext): CspNode | undefined {
      const d = ddf(path);
      if (!d) return undefined;
      if (path.length > 0 && context.config.read(key(path)) === undefined) return undefined;
      return d.format === "node" ? { kind: "interior" } : { kind: "leaf", format: d.format, type: d.mime };
    },
    children(path, context) {
      return context.config.children(key(path)).filter((name) => ddf([...path, name]) !== undefined);
    },
    get(path, context) {
      const d = ddf(path);
      const value = context.config.read(key(path));
      if (!d || value === undefined) bad(404, "not found");
      if (options.writeOnly?.(path)) bad(405, "write-only");
      return fromNative(d, value);
    },
    add(path, value, context) {
      const d = ddf(path);
      if (!d) bad(405, "not a node this object defines");
      if (context.config.read(key(path)) !== undefined) bad(418, "already exists");
      if ((d.format === "node") !== (value === undefined)) bad(406, d.format === "node" ? "an interior node takes no value" : "a leaf needs a value");
      context.config.write(key(path), value === undefined ? { type: "node" } : toNative(d, value));
    },
    replace(path, value, context) {
      const d = ddf(path);
      if (!d || context.config.read(key(path)) === undefined) bad(404, "not found");
      if (d.format === "node") bad(405, "interior node");
      context.config.write(key(path), toNative(d, value));
    },
    delete(path, context) {
      if (path.length === 0) bad(405, "the object's root stays");
      if (context.config.read(key(path)) === undefined) bad(404, "not found");
      context.config.delete(key(path));
    },
  };
}
