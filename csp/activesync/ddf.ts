// The ActiveSync CSP's description (DDF), as Microsoft documents it:
//   https://learn.microsoft.com/en-us/windows/client-management/mdm/activesync-csp
//   https://learn.microsoft.com/en-us/windows/client-management/mdm/activesync-ddf-file
// Node names, formats (every leaf is chr), access types, occurrence and default values come from there.
// One deliberate difference: Password has no Get (Microsoft answers a Get with asterisks; we refuse it
// with 405, as for every secret on this device). Allowed values live in values.ts; what each node means,
// in registry-mapping.md.
import type { AccessType, DdfNode } from "../csp.js";

const ALL: AccessType[] = ["Add", "Delete", "Get", "Replace"];

// Descriptions are left to Microsoft's pages and registry-mapping.md: the bundle has a size budget.
const leaf = (name: string, defaultValue?: string, access = ALL): DdfNode => ({
  name, access, format: "chr", occurrence: "One", scope: "Dynamic", mime: "text/plain",
  ...(defaultValue === undefined ? {} : { defaultValue }),
});

const node = (name: string | undefined, children: DdfNode[], occurrence: DdfNode["occurrence"] = "One", description?: string): DdfNode =>
  ({ name, access: ALL, format: "node", occurrence, scope: "Dynamic", description, children });

/** The account node's name: a GUID in braces (the DDF's allowed-values regular expression). */
export const ACCOUNT_GUID = /^\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}$/;

/** The only ContentTypes/{GUID} names the documentation allows. */
export const CONTENT_TYPES = {
  email: "{c6d47067-6e92-480e-b0fc-4ba82182fac7}",
  contacts: "{0dd8685c-e272-4fcb-9ecf-2ead7ea2497b}",
  calendar: "{4a5d9fe0-f139-4a63-a5a4-4f31ceea02ad}",
  tasks: "{783ae4f6-4c12-4423-8270-66361260d4f1}",
} as const;

export const ACTIVESYNC_DDF: DdfNode = {
  name: "ActiveSync",
  access: ["Get"],
  format: "node",
  occurrence: "One",
  scope: "Permanent",
  mime: "com.microsoft/1.0/MDM/ActiveSync",
  children: [{
    name: "Accounts",
    access: ["Get"],
    format: "node",
    occurrence: "One",
    scope: "Permanent",
    children: [node(undefined, [
      leaf("EmailAddress"),
      leaf("Domain"),
      leaf("AccountIcon"),
      leaf("AccountType"),
      leaf("AccountName"),
      leaf("Password", undefined, ["Add", "Delete", "Replace"]) /* write-only */,
      leaf("ServerName"),
      leaf("UserName"),
      node("Options", [
        leaf("CalendarAgeFilter"),
        leaf("Logging", "0"),
        leaf("MailBodyType"),
        leaf("MailHTMLTruncation"),
        leaf("MailPlainTextTruncation"),
        leaf("Schedule", "-1"),
        leaf("UseSSL", "1"),
        leaf("MailAgeFilter", "3"),
        node("ContentTypes", [
          node(undefined, [leaf("Enabled", "1"), leaf("Name")], "ZeroOrMore", "Email, Contacts, Calendar or Tasks, by its documented GUID."),
        ]),
      ]),
      node("Policies", [leaf("MailBodyType"), leaf("MaxMailAgeFilter")]),
    ], "ZeroOrMore", "An account, named by a GUID in braces (%7B...%7D in a URI); Atomic required.")],
  }],
};
