// Credential computations of OMA-TS-DM_Security-V1_2 §5.1.3 (basic and MD5 digest in Cred) and §5.1.4 (HMAC in
// the x-syncml-hmac transport header), shared by the server (checking the client, proving itself) and its tests.
// A nonce is always the raw octets: the digest hashes the decoded NextNonce, not its Base64 text.
import { base64Decode, base64Encode } from "../agent/bytes/base64.js";
import { utf8Decode, utf8Encode } from "../agent/bytes/utf8.js";
import { md5 } from "../agent/crypto/md5.js";

export type AuthScheme = "basic" | "md5" | "hmac";
export const AUTH_SCHEMES: readonly AuthScheme[] = ["basic", "md5", "hmac"];

/** Meta Type of Cred and Chal per scheme (OMA-TS-DM_Security §5.1.3, §5.1.4.1: HMAC is `syncml:auth-MAC`). */
export const AUTH_TYPE: Readonly<Record<AuthScheme, string>> = {
  basic: "syncml:auth-basic",
  md5: "syncml:auth-md5",
  hmac: "syncml:auth-MAC",
};

export function schemeOfType(type: string | undefined): AuthScheme | undefined {
  const t = (type ?? "").toLowerCase();
  if (t === "syncml:auth-basic") return "basic";
  if (t === "syncml:auth-md5") return "md5";
  if (t === "syncml:auth-mac") return "hmac";
  return undefined;
}

const COLON = utf8Encode(":");

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** B64(H(name:password)): the shared secret both digests start from. */
function secretHash(name: string, password: string): Uint8Array {
  return utf8Encode(base64Encode(md5(utf8Encode(`${name}:${password}`))));
}

/** syncml:auth-basic Cred Data: B64(name:password). */
export function basicCredential(name: string, password: string): string {
  return base64Encode(utf8Encode(`${name}:${password}`));
}

/** The name and password of a basic Cred, or undefined when Data is not Base64 of "name:password". */
export function parseBasicCredential(data: string): { name: string; password: string } | undefined {
  const bytes = base64Decode(data);
  const text = bytes && utf8Decode(bytes, true);
  if (text === undefined) return undefined;
  const colon = text.indexOf(":");
  return colon < 0 ? undefined : { name: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** syncml:auth-md5 Cred Data: B64(H(B64(H(name:password)):nonce)) (§5.1.3.2). */
export function md5Credential(name: string, password: string, nonce: Uint8Array): string {
  return base64Encode(md5(concat(secretHash(name, password), COLON, nonce)));
}

function hmacDigest(name: string, password: string, nonce: Uint8Array, body: Uint8Array): Uint8Array {
  return md5(concat(secretHash(name, password), COLON, nonce, COLON, utf8Encode(base64Encode(md5(body)))));
}

/** The x-syncml-hmac mac: B64(H(B64(H(name:password)):nonce:B64(H(body)))) (§5.1.4.2). */
export function hmacMac(name: string, password: string, nonce: Uint8Array, body: Uint8Array): string {
  return base64Encode(hmacDigest(name, password, nonce, body));
}

/**
 * Whether `mac` is the HMAC of `body`. §5.1.4.2 says B64 of the digest, which is what this server sends; the
 * example in §5.1.4.3 however shows Base64 of the digest's lower-case hex text without padding, and clients
 * copied it, so that reading is accepted too.
 */
export function hmacMatches(mac: string, name: string, password: string, nonce: Uint8Array, body: Uint8Array): boolean {
  const digest = hmacDigest(name, password, nonce, body);
  const hex = base64Encode(utf8Encode(Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("")));
  let ok = sameText(mac, base64Encode(digest));
  ok = sameText(mac, hex) || ok;
  ok = sameText(mac, hex.replace(/=+$/, "")) || ok;
  return ok;
}

export interface HmacHeader {
  /** Absent means MD5 (§5.1.4.3). */
  algorithm?: string;
  username: string;
  mac: string;
}

/** `algorithm=MD5, username="name", mac=...` (§5.1.4.3: username is a quoted-string, mac a base64-string). */
export function formatHmacHeader(username: string, mac: string): string {
  return `algorithm=MD5, username="${username.replace(/["\\]/g, (c) => "\\" + c)}", mac=${mac}`;
}

/**
 * Parses the x-syncml-hmac value: a comma-separated list of attribute=value pairs, values as HTTP tokens or
 * quoted-strings (RFC 2616 #rule). Unknown attributes are ignored; username and mac are required.
 */
export function parseHmacHeader(value: string): HmacHeader | undefined {
  const params: Record<string, string> = {};
  let i = 0;
  const n = value.length;
  const skipSpace = () => {
    while (i < n && (value[i] === " " || value[i] === "\t")) i++;
  };
  while (i < n) {
    skipSpace();
    if (value[i] === ",") {
      i++;
      continue;
    }
    const eq = value.indexOf("=", i);
    if (eq < 0) return undefined;
    const key = value.slice(i, eq).trim().toLowerCase();
    if (!/^[a-z0-9_-]+$/.test(key)) return undefined;
    i = eq + 1;
    skipSpace();
    let v = "";
    if (value[i] === '"') {
      i++;
      while (i < n && value[i] !== '"') {
        if (value[i] === "\\" && i + 1 < n) i++;
        v += value[i++];
      }
      if (i >= n) return undefined; // unterminated quoted-string
      i++;
    } else {
      // A token, or a base64-string, which may end in "=" padding.
      const comma = value.indexOf(",", i);
      v = value.slice(i, comma < 0 ? n : comma).trim();
      i = comma < 0 ? n : comma;
    }
    params[key] = v;
  }
  if (params.username === undefined || !params.mac) return undefined;
  return { algorithm: params.algorithm, username: params.username, mac: params.mac };
}

/** Equality of two texts that does not stop at the first difference (credentials are compared with it). */
export function sameText(a: string, b: string): boolean {
  const x = utf8Encode(a);
  const y = utf8Encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}
