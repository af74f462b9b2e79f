// Factory defaults of the DM tree: which server may touch what on a new device, as data. "$operator" stands
// for the operator's ServerID, given when the defaults are applied. The chain matters: a node's ACL is
// changed with Replace on its parent (DM_TND §7.7.1), so every protected node's ancestors keep Replace for
// the operator, else any server could re-grant itself access.
import type { TreeSession } from "../agent/cm/tree.js";
import { parseUri, type DmUri } from "../agent/cm/uri.js";

export const OPERATOR = "$operator";

/**
 * The root's ACL while the store holds none (before the defaults are applied): every server may read the
 * tree and add under the root. The defaults then keep Add and Get for all, the rest for the operator.
 */
export const FACTORY_ROOT_ACL = "Add=*&Get=*&Replace=*";

const OPERATOR_ONLY = "Add=$operator&Delete=$operator&Get=$operator&Replace=$operator";

export interface FactoryAcl {
  readonly uri: string;
  readonly acl: string;
}

export const FACTORY_ACLS: readonly FactoryAcl[] = [
  { uri: ".", acl: "Add=*&Delete=$operator&Exec=$operator&Get=*&Replace=$operator" },
  // DM accounts: the operator adds and reads them, and grants other servers rights on their own accounts.
  { uri: "./DMAcc", acl: OPERATOR_ONLY },
  // Generic vendor subtrees (DESIGN.md §3): every server may add, read and delete there; Replace stays the
  // operator's, since Replace here would let any server re-ACL ./Vendor/MSFT.
  { uri: "./Vendor", acl: "Add=*&Delete=*&Exec=$operator&Get=*&Replace=$operator" },
  { uri: "./Vendor/MSFT", acl: "Add=$operator&Delete=$operator&Exec=$operator&Get=*&Replace=$operator" },
  { uri: "./Vendor/MSFT/ActiveSync", acl: OPERATOR_ONLY },
  { uri: "./Vendor/MSFT/Registry", acl: OPERATOR_ONLY },
  { uri: "./User", acl: "Add=$operator&Delete=$operator&Get=*&Replace=$operator" },
  { uri: "./User/Vendor/MSFT/ActiveSync", acl: OPERATOR_ONLY },
];

/**
 * Writes the factory ACLs through `tree` (a session in the transaction the caller commits, over a Tree whose
 * rootAcl is FACTORY_ROOT_ACL) unless the root has an ACL already, i.e. on first boot only. True when it
 * applied them. Deepest nodes go first: setting an ACL needs Replace on the parent, which the root's
 * fallback ACL grants until the root's own ACL is written, last.
 */
export function applyFactoryDefaults(tree: TreeSession, operator: string, acls: readonly FactoryAcl[] = FACTORY_ACLS): boolean {
  // The FACTORY_ROOT_ACL fallback lets anyone read: a refusal means the root has an ACL of its own.
  let rootAcl: unknown;
  try {
    rootAcl = tree.get({ segments: [], query: { kind: "prop", prop: "ACL" } })[0].data;
  } catch {
    return false;
  }
  if (rootAcl) return false;
  const entries = acls.map((e) => ({ uri: parseUri(e.uri) as DmUri, acl: e.acl.split(OPERATOR).join(operator) }));
  entries.sort((a, b) => b.uri.segments.length - a.uri.segments.length);
  for (const e of entries) {
    tree.replace({ segments: e.uri.segments, query: { kind: "prop", prop: "ACL" } }, { format: "chr", type: "text/plain", data: e.acl });
  }
  return true;
}
