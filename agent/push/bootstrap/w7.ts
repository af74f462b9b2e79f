// The w7 APPLICATION characteristic (OMNA registration OMA-SUP-ac_w7_dm, APPLICATION parameters of ProvCont) as the Adds
// that make a DM 1.2 account under ./DMAcc/<x> (OMA-TS-DM_StdObj-V1_2 §5.3, csp/dmacc/dmacc.ts). The readings
// taken where the registration leaves room:
// - PROVIDER-ID is the ServerID and must be there; the first of a single-valued parm wins.
// - ADDR in APPLICATION is an AppAddr of AddrType URI; each APPADDR is one more, ADDRTYPE IPV4/IPV6 written as
//   DM's IPv4/IPv6, PORT/PORTNBR as Port/<n>/PortNbr (an int).
// - AAUTHLEVEL APPSRV (credentials for the application server: what the client presents) is CLCRED, CLIENT
//   (what the server presents to the client) is SRVCRED, as Windows' w7 CSP documents it; DM's own level
//   names pass through. No AAUTHLEVEL reads as APPSRV.
// - AAUTHDATA is base64 (the nonce's bytes); text that is not base64 is taken as the bytes themselves.
// - TO-NAPID/TO-PROXY: the first is PrefConRef; with more than one, all are ToConRef/<n>/ConRef.
// - Windows' DEFAULTENCODING (application/vnd.syncml.dm+wbxml or +xml) is Ext/Encoding "wbxml" or "xml".
// - Nodes <n> are numbered from 1 in document order. Everything else is left out and named in `ignored`.
import type { DmValue } from "../../../csp/csp.js";
import { parseUri } from "../../cm/uri.js";
import { base64Decode, base64Encode } from "../../bytes/base64.js";
import { utf8Encode } from "../../bytes/utf8.js";
import { PushError } from "../errors.js";
import { parm, type Characteristic } from "./prov-model.js";
import { accountAdds, chr, type DmaccAdd } from "./dmacc-adds.js";

export type { DmaccAdd } from "./dmacc-adds.js";

export interface W7Options {
  /** The <x> of ./DMAcc/<x>: the caller picks one no account uses yet. */
  readonly accountName: string;
  /** Receives "APPLICATION/APPAUTH/FOO"-style names of what was not mapped, for the trace. */
  readonly ignored?: string[];
}

export function isW7(c: Characteristic): boolean {
  return c.type === "APPLICATION" && parm(c, "APPID") === "w7";
}

/** INIT: the server asks for a session as soon as the account is in place. */
export function w7Init(c: Characteristic): boolean {
  return c.parms.some((p) => p.name === "INIT");
}

/** Names the parms of `c` outside `single` and `many` (space-separated), and repeats of single-valued ones. */
function leftovers(c: Characteristic, path: string, single: string, many: string, ignored: string[]): void {
  const seen: string[] = [];
  for (const p of c.parms) {
    const one = single.split(" ").indexOf(p.name) >= 0;
    if (one ? seen.indexOf(p.name) >= 0 : many.split(" ").indexOf(p.name) < 0) ignored.push(`${path}/${p.name}`);
    seen.push(p.name);
  }
}

const all = (c: Characteristic, names: string[]) => c.parms.filter((p) => names.indexOf(p.name) >= 0 && p.value).map((p) => p.value!);

export function w7ToDmacc(c: Characteristic, options: W7Options): DmaccAdd[] {
  if (!isW7(c)) throw new PushError("bad-bootstrap", "not a w7 APPLICATION");
  const x = options.accountName;
  const uri = typeof x === "string" ? parseUri(`./DMAcc/${x}`) : "malformed";
  if (typeof uri === "string" || uri.segments.length !== 2 || uri.segments[1] !== x || uri.query) {
    throw new PushError("bad-input", `account name ${JSON.stringify(x)}`);
  }
  const serverId = parm(c, "PROVIDER-ID");
  if (!serverId) throw new PushError("bad-bootstrap", "w7 without PROVIDER-ID");
  const ignored = options.ignored ?? [];
  const leaves: [string, DmValue][] = [["AppID", chr("w7")], ["ServerID", chr(serverId)]];
  const put = (path: string, value: string | undefined) => value && leaves.push([path, chr(value)]);
  leftovers(c, "APPLICATION", "APPID PROVIDER-ID NAME AAUTHPREF DEFAULTENCODING INIT", "ADDR TO-NAPID TO-PROXY", ignored);

  put("Name", parm(c, "NAME"));
  const refs = all(c, ["TO-NAPID", "TO-PROXY"]);
  put("PrefConRef", refs[0]);
  if (refs.length > 1) refs.forEach((r, i) => put(`ToConRef/${i + 1}/ConRef`, r));

  // AppAddr: each ADDR parm, then each APPADDR characteristic.
  const addrs = all(c, ["ADDR"]).map((addr) => ({ addr, type: "URI", ports: [] as string[] }));
  for (const a of c.characteristics) {
    if (a.type !== "APPADDR") continue;
    const addr = parm(a, "ADDR");
    leftovers(a, "APPLICATION/APPADDR", "ADDR ADDRTYPE", "", ignored);
    if (!addr) {
      ignored.push("APPLICATION/APPADDR (no ADDR)");
      continue;
    }
    const ports: string[] = [];
    for (const port of a.characteristics) {
      const nbr = port.type === "PORT" ? parm(port, "PORTNBR") : undefined;
      if (nbr && /^[0-9]{1,5}$/.test(nbr) && +nbr <= 65535) ports.push(String(+nbr));
      else ignored.push(`APPLICATION/APPADDR/${port.type}${nbr ? "/PORTNBR " + nbr.slice(0, 16) : ""}`);
      if (port.type === "PORT") leftovers(port, "APPLICATION/APPADDR/PORT", "PORTNBR", "", ignored);
    }
    const t = (parm(a, "ADDRTYPE") ?? "URI").toUpperCase();
    addrs.push({ addr, type: t === "IPV4" ? "IPv4" : t === "IPV6" ? "IPv6" : t, ports });
  }
  addrs.forEach((a, i) => {
    put(`AppAddr/${i + 1}/Addr`, a.addr);
    put(`AppAddr/${i + 1}/AddrType`, a.type);
    a.ports.forEach((p, k) => leaves.push([`AppAddr/${i + 1}/Port/${k + 1}/PortNbr`, { format: "int", data: p }]));
  });

  put("AAuthPref", parm(c, "AAUTHPREF")?.toUpperCase());

  let n = 0;
  for (const a of c.characteristics) {
    if (a.type !== "APPAUTH") continue;
    leftovers(a, "APPLICATION/APPAUTH", "AAUTHLEVEL AAUTHTYPE AAUTHNAME AAUTHSECRET AAUTHDATA", "", ignored);
    const given = (parm(a, "AAUTHLEVEL") ?? "APPSRV").toUpperCase();
    const level = given === "APPSRV" ? "CLCRED" : given === "CLIENT" ? "SRVCRED" : given;
    if (["CLCRED", "SRVCRED", "OBEX", "HTTP"].indexOf(level) < 0) {
      ignored.push(`APPLICATION/APPAUTH (AAUTHLEVEL ${given.slice(0, 16)})`);
      continue;
    }
    const p = `AppAuth/${++n}/`;
    put(p + "AAuthLevel", level);
    put(p + "AAuthType", parm(a, "AAUTHTYPE")?.toUpperCase());
    put(p + "AAuthName", parm(a, "AAUTHNAME"));
    put(p + "AAuthSecret", parm(a, "AAUTHSECRET"));
    const data = parm(a, "AAUTHDATA");
    if (data) {
      const bytes = base64Decode(data);
      if (!bytes) ignored.push("APPLICATION/APPAUTH/AAUTHDATA (not base64: its text taken as the bytes)");
      leaves.push([p + "AAuthData", { format: "b64", data: base64Encode(bytes ?? utf8Encode(data)) }]);
    }
  }

  const encoding = (parm(c, "DEFAULTENCODING") ?? "").toLowerCase();
  if (encoding) {
    const e = /wbxml$/.test(encoding) ? "wbxml" : /xml$/.test(encoding) ? "xml" : "";
    if (e) put("Ext/Encoding", e);
    else ignored.push(`APPLICATION/DEFAULTENCODING ${encoding.slice(0, 40)}`);
  }
  for (const k of c.characteristics) if (k.type !== "APPADDR" && k.type !== "APPAUTH") ignored.push(`APPLICATION/${k.type}`);
  return accountAdds(x, leaves);
}
