// OMA DM application-layer authentication (OMA-TS-DM_Security §5.1.3, DM_Protocol §9): syncml:auth-basic,
// syncml:auth-md5 in SyncHdr Cred, and the HMAC of the whole message in the x-syncml-hmac transport header.
//   basic:  B64(name:secret)
//   md5:    B64(H(B64(H(name:secret)):nonce))
//   HMAC:   B64(H(B64(H(name:secret)):nonce:B64(H(body))))      H = MD5
// The nonce is the bytes the peer sent in NextNonce (b64 on the wire), as the Security spec defines it.
import type { Cred, Meta } from "../syncml/index.js";
import type { AuthEntry, AuthType } from "./account.js";
import { md5 } from "../crypto/md5.js";
import { base64Decode, base64Encode } from "../bytes/base64.js";
import { utf8Encode } from "../bytes/utf8.js";
import { concatBytes } from "../bytes/concat.js";

export const AUTH_BASIC = "syncml:auth-basic";
export const AUTH_MD5 = "syncml:auth-md5";
export const AUTH_MAC = "syncml:auth-MAC";

export function schemeName(type: AuthType): string {
  return type === "BASIC" ? AUTH_BASIC : type === "DIGEST" ? AUTH_MD5 : AUTH_MAC;
}

/** The auth type a Meta Type names (servers vary the case: syncml:auth-mac, syncml:auth-MD5). */
export function schemeType(name: string | undefined): AuthType | undefined {
  const n = (name ?? "").trim().toLowerCase();
  return n === "syncml:auth-basic" ? "BASIC" : n === "syncml:auth-md5" ? "DIGEST" : n === "syncml:auth-mac" ? "HMAC" : undefined;
}

const join = (...parts: Uint8Array[]): Uint8Array => concatBytes(parts);

const b64md5 = (bytes: Uint8Array): string => base64Encode(md5(bytes));
const secretHash = (name: string, secret: string): string => b64md5(utf8Encode(`${name}:${secret}`));

export function basicDigest(name: string, secret: string): string {
  return base64Encode(utf8Encode(`${name}:${secret}`));
}

export function md5Digest(name: string, secret: string, nonce: Uint8Array): string {
  return b64md5(join(utf8Encode(secretHash(name, secret) + ":"), nonce));
}

export function hmacDigest(name: string, secret: string, nonce: Uint8Array, body: Uint8Array): string {
  return b64md5(join(utf8Encode(secretHash(name, secret) + ":"), nonce, utf8Encode(":" + b64md5(body))));
}

/** The x-syncml-hmac header value for a message body. */
export function hmacHeader(name: string, secret: string, nonce: Uint8Array, body: Uint8Array): string {
  return `algorithm=MD5, username="${name}", mac=${hmacDigest(name, secret, nonce, body)}`;
}

/** Parses `algorithm=MD5, username="x", mac=...` (quotes optional, any order, names in any case). */
export function parseHmacHeader(value: string | undefined): { algorithm: string; username: string; mac: string } | undefined {
  if (!value) return undefined;
  const out: Record<string, string> = {};
  const re = /([A-Za-z]+)\s*=\s*("([^"]*)"|[^,\s]*)/g;
  for (let m = re.exec(value); m; m = re.exec(value)) out[m[1].toLowerCase()] = m[3] !== undefined ? m[3] : m[2];
  if (!out.mac || out.username === undefined) return undefined;
  return { algorithm: (out.algorithm || "MD5").toUpperCase(), username: out.username, mac: out.mac };
}

/** The SyncHdr Cred for client credentials of type basic or md5 (HMAC travels in the header instead). */
export function credFor(entry: AuthEntry, type: AuthType, nonce: Uint8Array): Cred | undefined {
  const name = entry.name ?? "";
  const secret = entry.secret ?? "";
  if (type === "BASIC") return { meta: { format: "b64", type: AUTH_BASIC }, data: basicDigest(name, secret) };
  if (type === "DIGEST") return { meta: { format: "b64", type: AUTH_MD5 }, data: md5Digest(name, secret, nonce) };
  return undefined;
}

export type Verdict = "ok" | "missing" | "wrong";

/**
 * Checks the server's SyncHdr Cred against the SRVCRED entry. Real servers compute the md5 digest over the
 * nonce bytes (the Security spec) or over its base64 text: both are accepted. A Cred without a Meta Type is
 * read as the type the account expects; Data without Format b64 is taken as it is.
 */
export function verifyCred(cred: Cred | undefined, entry: AuthEntry, nonce: Uint8Array): Verdict {
  if (!cred || !cred.data) return "missing";
  const type = schemeType(cred.meta?.type) ?? entry.type;
  if (type !== entry.type) return "wrong";
  const name = entry.name ?? "";
  const secret = entry.secret ?? "";
  const data = cred.data.trim();
  if (type === "BASIC") return data === basicDigest(name, secret) ? "ok" : "wrong";
  if (type === "DIGEST") {
    if (data === md5Digest(name, secret, nonce)) return "ok";
    return data === md5Digest(name, secret, utf8Encode(base64Encode(nonce))) ? "ok" : "wrong";
  }
  return "wrong";
}

/** Checks the server's x-syncml-hmac header over `body` (nonce bytes or their base64 text, as above). */
export function verifyHmac(header: string | undefined, entry: AuthEntry, nonce: Uint8Array, body: Uint8Array): Verdict {
  const h = parseHmacHeader(header);
  if (!h) return "missing";
  const name = entry.name ?? "";
  const secret = entry.secret ?? "";
  if (h.algorithm !== "MD5" || h.username !== name) return "wrong";
  if (h.mac === hmacDigest(name, secret, nonce, body)) return "ok";
  return h.mac === hmacDigest(name, secret, utf8Encode(base64Encode(nonce)), body) ? "ok" : "wrong";
}

/** A challenge (Chal Meta) for `type`, with a fresh nonce for md5 and HMAC. */
export function challenge(type: AuthType, nonce: Uint8Array | undefined): Meta {
  const meta: Meta = { type: schemeName(type), format: "b64" };
  if (type !== "BASIC" && nonce) meta.nextNonce = base64Encode(nonce);
  return meta;
}

/** The nonce bytes of a NextNonce (b64; a server that sends plain text gets its text bytes). */
export function nonceBytes(text: string): Uint8Array {
  return base64Decode(text.trim()) ?? utf8Encode(text.trim());
}
