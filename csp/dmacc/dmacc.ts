// ./DMAcc (OMA-TS-DM_StdObj-V1_2 §5.3, the DMAcc management object, AppID w7): the DM server accounts.
// Stored one node per native key under DMAcc/ (the layout agent/dm/account.ts reads). AAuthSecret and
// AAuthData are write-only: a Get answers 405 and ?list=StructData lists them without a value.
import type { AccessType, DdfNode } from "../csp.js";
import { mappedCsp } from "../mapped.js";
import { ACCOUNTS } from "../../agent/dm/account.js";

const RW: AccessType[] = ["Add", "Delete", "Get", "Replace"];
const WRITE_ONLY: AccessType[] = ["Add", "Delete", "Replace"];
const leaf = (name: string, format: DdfNode["format"] = "chr", access = RW): DdfNode => ({ name, access, format, occurrence: "ZeroOrOne" });
const node = (name: string | undefined, children: DdfNode[], occurrence: DdfNode["occurrence"] = "ZeroOrOne"): DdfNode =>
  ({ name, access: RW, format: "node", occurrence, scope: "Dynamic", children });

export const DMACC_DDF: DdfNode = {
  name: "DMAcc",
  access: ["Add", "Get"],
  format: "node",
  occurrence: "One",
  scope: "Permanent",
  description: "OMA DM 1.2 server accounts",
  children: [
    node(undefined, [
      leaf("AppID"),
      leaf("ServerID"),
      leaf("Name"),
      leaf("PrefConRef"),
      node("ToConRef", [node(undefined, [leaf("ConRef")], "ZeroOrMore")]),
      node("AppAddr", [
        node(undefined, [leaf("Addr"), leaf("AddrType"), node("Port", [node(undefined, [leaf("PortNbr", "int")], "ZeroOrMore")])], "OneOrMore"),
      ]),
      leaf("AAuthPref"),
      node("AppAuth", [
        node(undefined, [
          leaf("AAuthLevel"),
          leaf("AAuthType"),
          leaf("AAuthName"),
          leaf("AAuthSecret", "chr", WRITE_ONLY),
          leaf("AAuthData", "b64", WRITE_ONLY),
        ], "OneOrMore"),
      ]),
      node("Ext", [leaf("Encoding"), node("TrustAnchors", [{ access: RW, format: "b64", occurrence: "ZeroOrMore" }])]),
    ], "ZeroOrMore"),
  ],
};

export function dmaccCsp() {
  return mappedCsp({
    roots: [["DMAcc"]],
    description: DMACC_DDF,
    nativeRoot: ACCOUNTS,
    writeOnly: (path) => path.length === 4 && path[1] === "AppAuth" && (path[3] === "AAuthSecret" || path[3] === "AAuthData"),
  });
}
