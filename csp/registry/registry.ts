// ./Vendor/MSFT/Registry: typed access to the native config store, for operators (ACL-guarded: see
// factory-defaults.ts). ./Vendor/MSFT/Registry/A/B is the native key A/B; a leaf's format is its native
// type's. Protected keys (the agent's own state, and stores that have their own CSP with write-only secrets)
// are invisible: 404 to Get/Replace/Delete, absent from listings, 405 to an Add that would create one, 405
// to a Delete of an ancestor. Names are compared case-insensitively and without trailing dots or spaces, so
// a native port whose store folds names the way file systems do cannot be tricked into an alias.
import type { ConfigValue } from "../../hal/config.js";
import { base64Decode } from "../../agent/bytes/base64.js";
import { utf8Decode, utf8Encode } from "../../agent/bytes/utf8.js";
import { ACCOUNTS } from "../../agent/dm/account.js";
import { DmStatusError, type Csp, type DdfNode, type DmFormat, type DmValue } from "../csp.js";
import { ACTIVESYNC_NATIVE_ROOT } from "../activesync/activesync.js";

/** "dm-agent" is the agent's state domain (agent/agent.ts STATE_DOMAIN: tree properties, push state). */
export const PROTECTED_KEYS: readonly string[] = ["dm-agent", ACCOUNTS, ACTIVESYNC_NATIVE_ROOT];

export const REGISTRY_DDF: DdfNode = {
  name: "Registry",
  access: ["Get"],
  format: "node",
  occurrence: "One",
  scope: "Permanent",
  description: "The native config store: ./Vendor/MSFT/Registry/A/B is the key A/B.",
  // Any native key, at any depth: interior, or a leaf in its native type's format (TYPE_FORMAT).
  children: [{ access: ["Add", "Delete", "Get", "Replace"], format: "node", occurrence: "ZeroOrMore", scope: "Dynamic" }],
};

type NativeType = ConfigValue["type"];

const FORMAT_TYPE: Readonly<Record<string, NativeType>> = { chr: "string", int: "int32", bool: "boolean", bin: "buffer", b64: "buffer", float: "float64" };
const TYPE_FORMAT: Readonly<Record<string, DmFormat>> = { string: "chr", int32: "int", int64: "int", boolean: "bool", buffer: "bin", float64: "float" };

function bad(status: number, message: string): never {
  throw new DmStatusError(status, message);
}

const fold = (s: string) => s.replace(/[\s.]+$/, "").toUpperCase();
const same = (a: string, b: string) => fold(a) === fold(b) || a.toLowerCase() === b.toLowerCase();

/** `value` as native `type`; an int that int32 cannot hold widens to int64 when `widen`. */
function toNative(type: NativeType, value: DmValue, widen: boolean): ConfigValue {
  const data = value.data;
  const text = typeof data === "string" ? data : utf8Decode(data);
  const t = text.trim();
  switch (type) {
    case "string":
      return { type, value: text };
    case "boolean":
      if (!/^(true|false)$/i.test(t)) bad(400, `not a bool: ${t}`);
      return { type, value: t.toLowerCase() === "true" };
    case "float64":
      if (t === "" || !isFinite(Number(t))) bad(400, `not a float: ${t}`);
      return { type, value: Number(t) };
    case "buffer": {
      const bytes = typeof data !== "string" ? data : value.format === "bin" ? utf8Encode(data) : base64Decode(data);
      if (!bytes) bad(400, "bad base64 data");
      return { type, value: bytes.slice().buffer };
    }
    case "int32":
    case "int64": {
      if (!/^[+-]?\d{1,19}$/.test(t)) bad(400, `not an int: ${t}`);
      const n = BigInt(t);
      if (type === "int32" && n >= -2147483648n && n <= 2147483647n) return { type, value: Number(n) };
      if ((type === "int32" && !widen) || n < -(2n ** 63n) || n >= 2n ** 63n) bad(400, `out of range: ${t}`);
      return { type: "int64", value: n };
    }
  }
  return bad(405, "interior node");
}

function fromNative(value: ConfigValue): DmValue {
  switch (value.type) {
    case "buffer": return { format: "bin", type: "application/octet-stream", data: new Uint8Array(value.value) };
    case "node": return { format: "node", data: "" };
    default: return { format: TYPE_FORMAT[value.type], type: "text/plain", data: String(value.value) };
  }
}

export function registryCsp(protectedKeys: readonly string[] = PROTECTED_KEYS): Csp {
  const prefixes = protectedKeys.map((k) => k.split("/"));
  // Malformed segments never reach a CSP through the tree's URI parser; refused here all the same.
  const isProtected = (path: readonly string[]) =>
    path.some((s) => s === "" || s === "." || s === ".." || s.indexOf("/") >= 0) ||
    prefixes.some((p) => p.length <= path.length && p.every((s, i) => same(s, path[i])));
  const holdsProtected = (path: readonly string[]) => prefixes.some((p) => p.length > path.length && path.every((s, i) => same(s, p[i])));
  const key = (path: readonly string[]) => path.join("/");
  return {
    roots: [["Vendor", "MSFT", "Registry"]],
    description: REGISTRY_DDF,
    node(path, context) {
      if (path.length === 0) return { kind: "interior" };
      const value = isProtected(path) ? undefined : context.config.read(key(path));
      if (!value) return undefined;
      return value.type === "node" ? { kind: "interior" } : { kind: "leaf", format: TYPE_FORMAT[value.type], type: value.type === "buffer" ? "application/octet-stream" : "text/plain" };
    },
    children(path, context) {
      if (isProtected(path)) return [];
      return context.config.children(key(path)).filter((name) => !isProtected([...path, name]));
    },
    get(path, context) {
      const value = path.length && !isProtected(path) ? context.config.read(key(path)) : undefined;
      if (!value) bad(404, "not found");
      return fromNative(value);
    },
    add(path, value, context) {
      if (isProtected(path)) bad(405, "protected key");
      if (context.config.read(key(path))) bad(418, "already exists");
      const type = value && FORMAT_TYPE[value.format];
      if (value && !type) bad(415, `format ${value.format} is not stored`);
      context.config.write(key(path), value && type ? toNative(type, value, true) : { type: "node" });
    },
    replace(path, value, context) {
      const current = isProtected(path) ? undefined : context.config.read(key(path));
      if (!current) bad(404, "not found");
      if (current.type === "node") bad(405, "interior node");
      // The key keeps its native type: native code reading it expects that type.
      context.config.write(key(path), toNative(current.type, value, false));
    },
    delete(path, context) {
      if (path.length === 0 || holdsProtected(path)) bad(405, "holds protected keys");
      if (isProtected(path) || !context.config.read(key(path))) bad(404, "not found");
      context.config.delete(key(path));
    },
  };
}
