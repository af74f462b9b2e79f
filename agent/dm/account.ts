// DM accounts (OMA DM 1.2 DMAcc, AppID w7) as the session and the Push Router read them. The DMAcc CSP
// (csp/dmacc) keeps each account in the native store under DMAcc/<x>/ with the node names of the
// standard object, so both sides agree on this layout:
//   DMAcc/<x>/ServerID, Name, PrefConRef, AAuthPref                    string
//   DMAcc/<x>/AppAddr/<y>/Addr, AddrType, Port/<z>/PortNbr              string
//   DMAcc/<x>/AppAuth/<y>/AAuthLevel, AAuthType, AAuthName, AAuthSecret string; AAuthData buffer (nonce)
//   DMAcc/<x>/Ext/Encoding                                              "xml" | "wbxml" (agent extension)
//   DMAcc/<x>/Ext/TrustAnchors/<n>                                      buffer (DER certificate)
import type { ConfigReader, ConfigTransaction, ConfigValue } from "../../hal/config.js";

export const ACCOUNTS = "DMAcc";

export type AuthLevel = "CLCRED" | "SRVCRED" | "OBEX" | "HTTP";
export type AuthType = "BASIC" | "DIGEST" | "HMAC";

export interface AuthEntry {
  /** The AppAuth/<y> node name. */
  readonly id: string;
  readonly level: AuthLevel;
  readonly type: AuthType;
  readonly name?: string;
  readonly secret?: string;
  /** The nonce (AAuthData), binary. */
  readonly data?: Uint8Array;
}

export interface DmAccount {
  /** The DMAcc/<x> node name. */
  readonly id: string;
  readonly serverId: string;
  readonly name?: string;
  /** The server's URL (AppAddr Addr with AddrType URI), e.g. "https://dm.example.net:8443/dm". */
  readonly address?: string;
  readonly port?: number;
  readonly authPreference?: AuthType;
  readonly auth: readonly AuthEntry[];
  readonly encoding: "xml" | "wbxml";
  readonly trustAnchors: readonly Uint8Array[];
}

function text(value: ConfigValue | undefined): string | undefined {
  if (!value) return undefined;
  if (value.type === "string") return value.value;
  if (value.type === "int32" || value.type === "float64" || value.type === "boolean") return String(value.value);
  if (value.type === "int64") return value.value.toString();
  return undefined;
}

function bytes(value: ConfigValue | undefined): Uint8Array | undefined {
  return value && value.type === "buffer" ? new Uint8Array(value.value) : undefined;
}

export function readAccount(reader: ConfigReader, id: string): DmAccount | undefined {
  const base = `${ACCOUNTS}/${id}`;
  const serverId = text(reader.read(`${base}/ServerID`));
  if (!serverId) return undefined;
  const auth: AuthEntry[] = [];
  for (const y of reader.children(`${base}/AppAuth`)) {
    const k = `${base}/AppAuth/${y}`;
    const level = (text(reader.read(`${k}/AAuthLevel`)) ?? "").toUpperCase() as AuthLevel;
    const type = (text(reader.read(`${k}/AAuthType`)) ?? "").toUpperCase() as AuthType;
    auth.push({ id: y, level, type, name: text(reader.read(`${k}/AAuthName`)), secret: text(reader.read(`${k}/AAuthSecret`)), data: bytes(reader.read(`${k}/AAuthData`)) });
  }
  let address: string | undefined;
  let port: number | undefined;
  const addrs = reader.children(`${base}/AppAddr`);
  if (addrs.length) {
    const a = `${base}/AppAddr/${addrs[0]}`;
    address = text(reader.read(`${a}/Addr`));
    const ports = reader.children(`${a}/Port`);
    if (ports.length) port = Number(text(reader.read(`${a}/Port/${ports[0]}/PortNbr`))) || undefined;
  }
  const anchors: Uint8Array[] = [];
  for (const n of reader.children(`${base}/Ext/TrustAnchors`)) {
    const der = bytes(reader.read(`${base}/Ext/TrustAnchors/${n}`));
    if (der) anchors.push(der);
  }
  const preference = (text(reader.read(`${base}/AAuthPref`)) ?? "").toUpperCase();
  return {
    id, serverId, name: text(reader.read(`${base}/Name`)), address, port,
    authPreference: preference === "BASIC" || preference === "DIGEST" || preference === "HMAC" ? preference : undefined,
    auth,
    encoding: text(reader.read(`${base}/Ext/Encoding`)) === "wbxml" ? "wbxml" : "xml",
    trustAnchors: anchors,
  };
}

export function listAccounts(reader: ConfigReader): DmAccount[] {
  const out: DmAccount[] = [];
  for (const id of reader.children(ACCOUNTS)) {
    const account = readAccount(reader, id);
    if (account) out.push(account);
  }
  return out;
}

export function findAccount(reader: ConfigReader, serverId: string): DmAccount | undefined {
  for (const account of listAccounts(reader)) if (account.serverId === serverId) return account;
  return undefined;
}

/** The credentials of one direction: CLCRED (client to server) or SRVCRED (server to client). */
export function authFor(account: DmAccount, level: AuthLevel): AuthEntry | undefined {
  const entries = account.auth.filter((a) => a.level === level);
  return entries.find((a) => a.type === account.authPreference) ?? entries[0];
}

/** Stores a new nonce (AAuthData) for an account's credentials, in the caller's transaction. */
export function writeNonce(tx: ConfigTransaction, account: DmAccount, entry: AuthEntry, nonce: Uint8Array): void {
  const copy = nonce.slice().buffer;
  tx.write(`${ACCOUNTS}/${account.id}/AppAuth/${entry.id}/AAuthData`, { type: "buffer", value: copy });
}
