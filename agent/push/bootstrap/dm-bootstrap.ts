// A SyncML DM bootstrap message (OMA-TS-DM_Security-V1_2 §5.7, OMA-TS-DM_Bootstrap-V1_2): an ordinary DM message whose
// Add and Replace commands (also inside Atomic and Sequence) write a DM account. The DM 1.2 layout ./DMAcc/<x>/…
// passes through in order; the DM 1.1.2 layout ./SyncML/DMAcc/<x>/<leaf> that older servers send is rewritten to
// the 1.2 one where the leaves correspond one to one (OMA-TS-DM_StdObj-V1_2 Appendix "DMAcc migration"):
//   Addr, AddrType, PortNbr -> AppAddr/1/{Addr, AddrType, Port/1/PortNbr} (AddrType 1 is URI, 2 IPv4, 3 OBEX…)
//   ServerId -> ServerID, Name -> Name, ConRef -> PrefConRef
//   AuthPref (syncml:auth-basic|md5|MAC) -> AAuthPref BASIC|DIGEST|HMAC, and the client side's AAuthType
//   UserName, ClientPW, ClientNonce -> AppAuth/CLCRED/{AAuthName, AAuthSecret, AAuthData}
//   ServerPW, ServerNonce -> AppAuth/SRVCRED/{AAuthSecret, AAuthData} (AAuthType DIGEST: 1.1.2 servers sign
//   notifications with MD5 digests)
// Anything else (other commands, other subtrees, unknown leaves) is left out and named in `ignored`.
import type { DmValue } from "../../../csp/csp.js";
import { formatUri, parseUri } from "../../cm/uri.js";
import { base64Encode } from "../../bytes/base64.js";
import { decodeMessage, type Command, type Item, type Limits, type Meta, type SyncMLMessage } from "../../syncml/index.js";
import { PushError } from "../errors.js";
import { accountAdds, chr, type DmaccAdd } from "./dmacc-adds.js";

const FORMATS = ["b64", "bin", "bool", "chr", "int", "node", "null", "xml", "date", "time", "float"];
const ADDR_TYPES: Record<string, string> = { "1": "URI", "2": "IPv4", "3": "OBEX" };
const AUTH_PREF: Record<string, string> = { "syncml:auth-basic": "BASIC", "syncml:auth-md5": "DIGEST", "syncml:auth-mac": "HMAC" };
const CL = "AppAuth/CLCRED/";
const SRV = "AppAuth/SRVCRED/";
/** 1.1.2 leaf -> 1.2 path under the account. */
const V11: Record<string, string> = {
  ServerId: "ServerID", Name: "Name", ConRef: "PrefConRef", Addr: "AppAddr/1/Addr", AddrType: "AppAddr/1/AddrType",
  PortNbr: "AppAddr/1/Port/1/PortNbr", AuthPref: "AAuthPref", UserName: CL + "AAuthName", ClientPW: CL + "AAuthSecret",
  ClientNonce: CL + "AAuthData", ServerPW: SRV + "AAuthSecret", ServerNonce: SRV + "AAuthData",
};

/** The item's value; undefined for an interior node, false for data this cannot carry. */
function valueOf(item: Item, meta: Meta | undefined): DmValue | undefined | false {
  const format = (item.meta?.format ?? meta?.format ?? "chr").trim().toLowerCase() as DmValue["format"];
  const type = item.meta?.type ?? meta?.type;
  const data = item.data ?? "";
  if (format === "node") return undefined;
  if (FORMATS.indexOf(format) < 0 || (typeof data !== "string" && !(data instanceof Uint8Array))) return false;
  return type === undefined ? { format, data } : { format, type, data };
}

const text = (v: DmValue | undefined) => (v && typeof v.data === "string" ? v.data.trim() : "");

export interface DmBootstrapOptions {
  readonly ignored?: string[];
  /** Decoder limits for a message given as bytes. */
  readonly limits?: Partial<Limits>;
}

/** The DMAcc Adds of a SyncML DM bootstrap message (bytes in either syntax, or already decoded). */
export function dmBootstrapToDmacc(message: Uint8Array | SyncMLMessage, options: DmBootstrapOptions = {}): DmaccAdd[] {
  let msg: SyncMLMessage;
  try {
    msg = message instanceof Uint8Array ? decodeMessage(message, options.limits) : message;
    if (!msg || !msg.body || !Array.isArray(msg.body.commands)) throw new Error("not a SyncML message");
  } catch (e) {
    throw new PushError("bad-bootstrap", `SyncML DM bootstrap: ${e instanceof Error ? e.message : String(e)}`);
  }
  const ignored = options.ignored ?? [];
  const out: DmaccAdd[] = [];
  /** 1.1.2 accounts by <x>: their 1.2 leaves. */
  const old = new Map<string, Map<string, DmValue | undefined>>();

  const visit = (commands: readonly Command[], depth: number): void => {
    for (const c of commands) {
      if ((c.kind === "Atomic" || c.kind === "Sequence") && depth < 8) visit(c.commands, depth + 1);
      else if (c.kind !== "Add" && c.kind !== "Replace") ignored.push(c.kind === "Unsupported" ? c.name : c.kind);
      else for (const item of c.items) {
        const target = item.target?.locURI ?? "";
        const uri = parseUri(target);
        const value = valueOf(item, c.meta);
        const s = typeof uri === "string" || uri.query ? [] : uri.segments;
        if (value === false) ignored.push(`${target.slice(0, 64)} (data)`);
        else if (s[0] === "DMAcc" && s.length > 1) out.push(value ? { uri: formatUri(s), value } : { uri: formatUri(s) });
        else if (s[0] === "SyncML" && s[1] === "DMAcc" && s.length > 2 && s.length < 5) {
          const account = old.get(s[2]) ?? new Map<string, DmValue | undefined>();
          old.set(s[2], account);
          const to = s.length === 3 ? "" : V11[s[3]];
          if (to === undefined) ignored.push(target.slice(0, 64));
          else if (to) account.set(to, value);
        } else if (!(s.length <= 2 && (s[0] === "DMAcc" || (s[0] === "SyncML" && (s.length === 1 || s[1] === "DMAcc"))))) {
          ignored.push(target.slice(0, 64)); // the DMAcc and SyncML/DMAcc roots themselves need no Add
        }
      }
    }
  };
  visit(msg.body.commands, 0);

  old.forEach((v, x) => {
    const pref = AUTH_PREF[text(v.get("AAuthPref")).toLowerCase()];
    const addrType = text(v.get("AppAddr/1/AddrType"));
    v.set("AAuthPref", pref ? chr(pref) : undefined);
    v.set("AppAddr/1/AddrType", addrType ? chr(ADDR_TYPES[addrType] ?? addrType) : v.get("AppAddr/1/Addr") && chr("URI"));
    const leaves: [string, DmValue][] = [["AppID", chr("w7")]];
    const put = (path: string) => {
      const value = v.get(path);
      // Nonces were b64 or bin in 1.1.2; AAuthData is b64 text in 1.2.
      const bin = value && value.data instanceof Uint8Array && /Data$/.test(path);
      if (value) leaves.push([path, bin ? { format: "b64", data: base64Encode(value.data as Uint8Array) } : value]);
    };
    "ServerID Name PrefConRef AppAddr/1/Addr AppAddr/1/AddrType AppAddr/1/Port/1/PortNbr AAuthPref".split(" ").forEach(put);
    for (const [side, type] of [[CL, pref], [SRV, "DIGEST"]]) {
      if (!v.get(side + "AAuthName") && !v.get(side + "AAuthSecret") && !v.get(side + "AAuthData")) continue;
      leaves.push([side + "AAuthLevel", chr(side.slice(8, -1))]);
      if (type) leaves.push([side + "AAuthType", chr(type)]);
      ["AAuthName", "AAuthSecret", "AAuthData"].forEach((k) => put(side + k));
    }
    out.push(...accountAdds(x, leaves));
  });
  return out;
}
