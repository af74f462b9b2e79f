// ./Vendor/MSFT/ActiveSync and ./User/Vendor/MSFT/ActiveSync: Exchange ActiveSync accounts, one native
// subtree under both roots (Microsoft documents the first as deprecated, the second as current; servers
// use either). Nodes map one for one onto keys under Software/Microsoft/ActiveSync (registry-mapping.md).
import type { ConfigTransaction } from "../../hal/config.js";
import { DmStatusError, type Csp, type CspContext } from "../csp.js";
import { ddfAt } from "../mapped.js";
import { ACCOUNT_GUID, ACTIVESYNC_DDF, CONTENT_TYPES } from "./ddf.js";
import { fromNative, ruleFor, toNative } from "./values.js";

export const ACTIVESYNC_NATIVE_ROOT = "Software/Microsoft/ActiveSync";

const KNOWN_TYPES: readonly string[] = [CONTENT_TYPES.email, CONTENT_TYPES.contacts, CONTENT_TYPES.calendar, CONTENT_TYPES.tasks];

/** Accounts removed by re-provisioning, per transaction (lower-case GUIDs): see addExisting. */
const reprovisioned = new WeakMap<ConfigTransaction, string[]>();

function bad(status: number, message: string): never {
  throw new DmStatusError(status, message);
}

/**
 * The native key of a node. GUIDs are case-insensitive: {ABC...} names the account stored as {abc...},
 * so a re-used GUID is recognised whatever its spelling. Path positions 1 and 4 are the only GUIDs
 * (Accounts/{GUID}/Options/ContentTypes/{GUID}).
 */
function nativeKey(path: readonly string[], tx: ConfigTransaction): string {
  let key = ACTIVESYNC_NATIVE_ROOT;
  for (let i = 0; i < path.length; i++) {
    let name = path[i];
    if (i === 1 || i === 4) {
      const lower = name.toLowerCase();
      name = tx.children(key).filter((k) => k.toLowerCase() === lower)[0] ?? name;
    }
    key += "/" + name;
  }
  return key;
}

export function activeSyncCsp(): Csp {
  const ddf = (path: readonly string[]) => ddfAt(ACTIVESYNC_DDF, path);
  const read = (path: readonly string[], context: CspContext) => context.config.read(nativeKey(path, context.config));
  return {
    roots: [["Vendor", "MSFT", "ActiveSync"], ["User", "Vendor", "MSFT", "ActiveSync"]],
    description: ACTIVESYNC_DDF,
    node(path, context) {
      const d = ddf(path);
      if (!d) return undefined;
      if (path.length > 1 && (!ACCOUNT_GUID.test(path[1]) || read(path, context) === undefined)) return undefined;
      return d.format === "node" ? { kind: "interior" } : { kind: "leaf", format: "chr", type: "text/plain" };
    },
    children(path, context) {
      if (path.length === 0) return ["Accounts"];
      return context.config.children(nativeKey(path, context.config))
        .filter((name) => ddf([...path, name]) !== undefined && (path.length !== 1 || ACCOUNT_GUID.test(name)));
    },
    get(path, context) {
      const d = ddf(path);
      const value = d && path.length > 1 ? read(path, context) : undefined;
      if (!d || value === undefined) bad(404, "not found");
      if (d.access.indexOf("Get") < 0) bad(405, "write-only");
      return fromNative(value);
    },
    add(path, value, context) {
      const d = ddf(path);
      if (!d || path.length < 2) bad(405, "not a node this object defines");
      if (!ACCOUNT_GUID.test(path[1])) bad(405, `an account is named by a GUID in braces, not ${path[1]}`);
      if (path.length > 4 && KNOWN_TYPES.indexOf(path[4].toLowerCase()) < 0) bad(405, `${path[4]} is not a documented content type`);
      if ((d.format === "node") !== (value === undefined)) bad(406, d.format === "node" ? "an interior node takes no value" : "a leaf needs a value");
      const native = value === undefined ? { type: "node" as const } : toNative(ruleFor(path.slice(2)), value);
      // Microsoft: re-using a GUID "deletes the existing account and doesn't create the new account".
      if ((reprovisioned.get(context.config) ?? []).indexOf(path[1].toLowerCase()) >= 0) return;
      const key = nativeKey(path, context.config);
      if (context.config.read(key) !== undefined) bad(418, "already exists");
      context.config.write(key, native);
    },
    replace(path, value, context) {
      const d = ddf(path);
      if (!d || path.length < 2 || read(path, context) === undefined) bad(404, "not found");
      if (d.format === "node") bad(405, "interior node");
      context.config.write(nativeKey(path, context.config), toNative(ruleFor(path.slice(2)), value));
    },
    delete(path, context) {
      if (path.length < 2) bad(405, "the object's permanent nodes stay");
      if (read(path, context) === undefined) bad(404, "not found");
      context.config.delete(nativeKey(path, context.config));
    },
    addExisting(path, _value, context) {
      if (path.length !== 2) bad(418, "already exists");
      // The documented semantics of provisioning an account whose GUID exists: the account goes (all its
      // keys), and no new one is made: later Adds under that GUID in this transaction are swallowed.
      context.config.delete(nativeKey(path, context.config));
      const list = reprovisioned.get(context.config) ?? [];
      list.push(path[1].toLowerCase());
      reprovisioned.set(context.config, list);
      context.log("warn", `ActiveSync account ${path[1]} re-provisioned: removed, not re-created`);
    },
  };
}
