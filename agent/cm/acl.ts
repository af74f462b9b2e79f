// Access control lists (OMA-TS-DM_TND-V1_2 §7.7.1): "Add=srv1+srv2&Get=*&Replace=srv1". A node whose ACL
// is empty takes its parent's (recursively; the root always has one). A command missing from a
// non-empty ACL is denied.

export type AclCommand = "Add" | "Delete" | "Exec" | "Get" | "Replace";
export const ACL_COMMANDS: readonly AclCommand[] = ["Add", "Delete", "Exec", "Get", "Replace"];

export type Acl = ReadonlyMap<AclCommand, readonly string[]>;

/** Parses an ACL value; undefined when it is not well formed (unknown command, empty server id). */
export function parseAcl(text: string): Acl | undefined {
  const acl = new Map<AclCommand, string[]>();
  if (text.trim() === "") return acl;
  for (const entry of text.split("&")) {
    const eq = entry.indexOf("=");
    if (eq <= 0) return undefined;
    const command = entry.slice(0, eq).trim() as AclCommand;
    if (ACL_COMMANDS.indexOf(command) < 0) return undefined;
    const servers = entry.slice(eq + 1).split("+").map((s) => s.trim());
    if (servers.some((s) => s === "")) return undefined;
    const list = acl.get(command) ?? [];
    for (const s of servers) if (list.indexOf(s) < 0) list.push(s);
    acl.set(command, list);
  }
  return acl;
}

export function formatAcl(acl: Acl): string {
  const parts: string[] = [];
  for (const command of ACL_COMMANDS) {
    const servers = acl.get(command);
    if (servers && servers.length) parts.push(`${command}=${servers.join("+")}`);
  }
  return parts.join("&");
}

/** Whether `server` may run `command` under this (non-empty) ACL. "*" grants every server. */
export function aclAllows(acl: Acl, command: AclCommand, server: string): boolean {
  const servers = acl.get(command);
  return !!servers && (servers.indexOf("*") >= 0 || servers.indexOf(server) >= 0);
}
