// The NAPDEF characteristic (ProvCont: a network access point) as a plain record for the caller to store;
// no CSP owns connectivity yet. NAPAUTHINFO gives the credentials; VALIDITY and the QoS parms are not kept.
import { parm, type Characteristic } from "./prov-model.js";

export interface NapAuth {
  /** PAP, CHAP, MD5 … (AUTHTYPE). */
  readonly type?: string;
  readonly name?: string;
  readonly secret?: string;
}

export interface Napdef {
  /** NAPID: what TO-NAPID in an APPLICATION refers to. */
  readonly napId?: string;
  readonly name?: string;
  /** NAP-ADDRESS (an APN for GPRS) and NAP-ADDRTYPE (APN, E164, IPV4 …). */
  readonly address?: string;
  readonly addressType?: string;
  readonly bearers: string[];
  readonly dns: string[];
  readonly auth: NapAuth[];
}

const KNOWN = ["NAPID", "NAME", "NAP-ADDRESS", "NAP-ADDRTYPE", "BEARER", "DNS-ADDR"];

export function decodeNapdef(c: Characteristic, ignored: string[] = []): Napdef {
  const all = (k: Characteristic, name: string) => k.parms.filter((p) => p.name === name && p.value).map((p) => p.value!);
  for (const p of c.parms) if (KNOWN.indexOf(p.name) < 0) ignored.push(`NAPDEF/${p.name}`);
  const auth: NapAuth[] = [];
  for (const k of c.characteristics) {
    if (k.type !== "NAPAUTHINFO") {
      ignored.push(`NAPDEF/${k.type}`);
      continue;
    }
    for (const p of k.parms) if (["AUTHTYPE", "AUTHNAME", "AUTHSECRET"].indexOf(p.name) < 0) ignored.push(`NAPDEF/NAPAUTHINFO/${p.name}`);
    auth.push({ type: parm(k, "AUTHTYPE"), name: parm(k, "AUTHNAME"), secret: parm(k, "AUTHSECRET") });
  }
  return {
    napId: parm(c, "NAPID"), name: parm(c, "NAME"), address: parm(c, "NAP-ADDRESS"), addressType: parm(c, "NAP-ADDRTYPE"),
    bearers: all(c, "BEARER"), dns: all(c, "DNS-ADDR"), auth,
  };
}
