// One entry for both bootstrap forms DESIGN.md §3 names, as a pushed body or as `dm-device run --bootstrap FILE`:
// an OMA CP wap-provisioningdoc (WBXML or XML) with w7 APPLICATION characteristics, or a SyncML DM bootstrap
// message. Authentication (cp-security.ts) is the caller's step before this one; the plan is what to write.
import { PushError } from "../errors.js";
import { dmBootstrapToDmacc } from "./dm-bootstrap.js";
import { decodeNapdef, type Napdef } from "./napdef.js";
import { decodeProvisioningDoc, provSyntax, type ProvLimits } from "./provisioning-doc.js";
import { parm } from "./prov-model.js";
import { isW7, w7Init, w7ToDmacc, type DmaccAdd } from "./w7.js";

export interface BootstrapPlan {
  readonly source: "cp" | "syncml";
  /** Adds for ./DMAcc, in order (for a SyncML bootstrap also its Replaces: a leaf that exists is replaced). */
  readonly adds: DmaccAdd[];
  /** ServerIDs whose w7 has INIT: start a session with them once the plan is committed. */
  readonly init: string[];
  readonly napdefs: Napdef[];
  /** What was left out, for the trace. */
  readonly ignored: string[];
}

export interface BootstrapOptions {
  /** The <x> of ./DMAcc/<x> for the `index`th w7 account (ServerID `serverId`) of a CP document. */
  accountName(serverId: string, index: number): string;
  readonly limits?: Partial<ProvLimits>;
}

/** Which form `bytes` is: the WBXML public id, or the XML document element. */
export function bootstrapKind(bytes: Uint8Array): "cp" | "syncml" | undefined {
  const syntax = bytes instanceof Uint8Array ? provSyntax(bytes) : undefined;
  if (syntax === "wbxml") {
    if (bytes[1] !== 0) return bytes[1] === 0x0b || bytes[1] === 1 ? "cp" : "syncml";
    // A literal public id: index, charset and table length (one octet each in practice), then the table.
    const literal = bytes.subarray(5 + bytes[2], 5 + bytes[4]);
    return /SYNCML/i.test(String.fromCharCode.apply(null, Array.from(literal))) ? "syncml" : "cp";
  }
  if (syntax !== "xml") return undefined;
  let head = "";
  for (let i = 0; i < bytes.length && i < 4096; i++) head += String.fromCharCode(bytes[i]);
  const m = /<(wap-provisioningdoc|SyncML)[\s>/]/.exec(head);
  return m ? (m[1] === "SyncML" ? "syncml" : "cp") : undefined;
}

export function planBootstrap(bytes: Uint8Array, options: BootstrapOptions): BootstrapPlan {
  const kind = bootstrapKind(bytes);
  const ignored: string[] = [];
  if (kind === "syncml") {
    const limits = options.limits?.maxBytes ? { maxBytes: options.limits.maxBytes } : undefined;
    return { source: "syncml", adds: dmBootstrapToDmacc(bytes, { ignored, limits }), init: [], napdefs: [], ignored };
  }
  if (!kind) throw new PushError("bad-bootstrap", "neither a wap-provisioningdoc nor a SyncML DM message");
  const doc = decodeProvisioningDoc(bytes, options.limits);
  const adds: DmaccAdd[] = [];
  const init: string[] = [];
  const napdefs: Napdef[] = [];
  let n = 0;
  for (const c of doc.characteristics) {
    if (isW7(c)) {
      const serverId = parm(c, "PROVIDER-ID") ?? "";
      adds.push(...w7ToDmacc(c, { accountName: options.accountName(serverId, n++), ignored }));
      if (w7Init(c)) init.push(serverId);
    } else if (c.type === "NAPDEF") napdefs.push(decodeNapdef(c, ignored));
    else ignored.push(c.type === "APPLICATION" ? `APPLICATION ${(parm(c, "APPID") ?? "").slice(0, 32)}` : c.type);
  }
  return { source: "cp", adds, init, napdefs, ignored };
}
