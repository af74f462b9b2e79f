// DM notification ("package 0", OMA-TS-DM_Notification-V1_2 §6): decoding the trigger message and checking
// its MD5 digest with the server credentials (SRVCRED) and nonce of the DM account.
import { base64Encode } from "../bytes/base64.js";
import { utf8Decode, utf8Encode } from "../bytes/utf8.js";
import { md5 } from "../crypto/md5.js";
import { concatBytes } from "../bytes/concat.js";
import { ByteReader, checkBytes } from "./reader.js";

export type UiMode = "not-specified" | "background" | "informative" | "user-interaction";

export interface Notification {
  /** The 16-octet MD5 digest that starts the message. */
  readonly digest: Uint8Array;
  /** Everything after the digest: what the digest covers. */
  readonly trigger: Uint8Array;
  /** The raw 10-bit value: DEC(version)/10 is the notification version (§6.2.2.6). */
  readonly version: number;
  readonly uiMode: UiMode;
  readonly initiator: "client" | "server";
  /** The 27 reserved bits; the spec says 0, but they are reported rather than refused. */
  readonly futureUse: number;
  readonly sessionId: number;
  readonly serverId: string;
  /** The trigger body: the rest of the message, with no length of its own in 1.2 (§6.2.1). */
  readonly vendorSpecific: Uint8Array;
}

/**
 * The version values accepted. §6.2.2.6 encodes version v as 10*v; for "this version of the specification"
 * the copies in circulation disagree: the 1.2 text most quoted requires '0000001011' (11, so 1.1), libdmclient
 * accepts exactly 11, and servers that follow the DS SAN convention (and this project's reference server)
 * send 12 for DM 1.2. Both mean the 1.x layout decoded here; anything else (1.0 had no such layout, 1.3 and
 * 2.0 use other formats) is refused.
 */
export const ACCEPTED_VERSIONS: readonly number[] = [11, 12];

const DIGEST_LENGTH = 16;
const HEADER_LENGTH = 8;
const UI_MODES: readonly UiMode[] = ["not-specified", "background", "informative", "user-interaction"];

/** Decodes a package 0 trigger message (§6.2.1). Throws PushError and nothing else. */
export function decodeNotification(bytes: Uint8Array): Notification {
  const r: ByteReader = new ByteReader(checkBytes(bytes, "DM notification"), "DM notification");
  const digest = r.take(DIGEST_LENGTH, "digest");
  const trigger = bytes.subarray(DIGEST_LENGTH);
  const h = r.take(HEADER_LENGTH, "trigger header");
  // version(10) ui-mode(2) initiator(1) future-use(27) sessionid(16) length-identifier(8), big-endian.
  const version = (h[0] << 2) | (h[1] >> 6);
  if (ACCEPTED_VERSIONS.indexOf(version) < 0) r.fail("bad-version", `version ${version} is not 11 or 12`);
  const idLength = h[7];
  if (idLength === 0) r.fail("bad-notification", "empty server identifier");
  const serverId = utf8Decode(r.take(idLength, "server identifier"), true);
  if (serverId === undefined) r.fail("bad-notification", "server identifier is not UTF-8");
  return {
    digest,
    trigger,
    version,
    uiMode: UI_MODES[(h[1] >> 4) & 3],
    initiator: h[1] & 8 ? "server" : "client",
    futureUse: (h[1] & 7) * 0x1000000 + ((h[2] << 16) | (h[3] << 8) | h[4]),
    sessionId: (h[5] << 8) | h[6],
    serverId,
    vendorSpecific: bytes.subarray(r.pos),
  };
}

/** The SessionID element text for a session this notification starts (§6.2.2.10): upper-case hex, no leading 0s. */
export function sessionIdText(sessionId: number): string {
  return sessionId.toString(16).toUpperCase();
}

const COLON = utf8Encode(":");


/** Digest = H(B64(H(server-identifier:password)):nonce:B64(H(trigger))), H = MD5 (§6.2.2.2); `nonce` as given. */
export function notificationDigest(trigger: Uint8Array, serverId: string, password: string, nonce: Uint8Array): Uint8Array {
  const credentials = utf8Encode(base64Encode(md5(utf8Encode(`${serverId}:${password}`))));
  const triggerHash = utf8Encode(base64Encode(md5(trigger)));
  return md5(concatBytes([credentials, COLON, nonce, COLON, triggerHash]));
}

export interface ServerCredentials {
  /** The server identifier the digest is keyed with (the SRVCRED AAuthName, which is normally the ServerID). */
  readonly serverId: string;
  /** SRVCRED AAuthSecret. */
  readonly serverPassword: string;
  /** SRVCRED AAuthData: the server nonce, binary as stored in the DMAcc. */
  readonly nonce: Uint8Array;
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

function matchesAny(n: Notification, serverId: string, password: string, nonces: readonly Uint8Array[]): boolean {
  let ok = false;
  for (const nonce of nonces) ok = same(notificationDigest(n.trigger, serverId, password, nonce), n.digest) || ok;
  return ok;
}

/**
 * Checks the digest with the stored nonce. The spec writes "nonce" without saying whether it enters the hash
 * as octets or as the Base64 text it travels in (NextNonce is b64, DM Protocol §4.1.1.2 Chal): Funambol's
 * server hashes the raw octets, other servers the text. The DMAcc keeps AAuthData binary, so both readings
 * are tried: the raw octets, then their Base64 text.
 */
export function verifyNotificationDigest(n: Notification, credentials: ServerCredentials): boolean {
  const { serverId, serverPassword, nonce } = credentials;
  const readings = nonce.length === 0 ? [nonce] : [nonce, utf8Encode(base64Encode(nonce))];
  return matchesAny(n, serverId, serverPassword, readings);
}

/**
 * Nonce re-synchronisation (OMA-TS-DM_Notification-V1_2 §6, "Nonce Resynchronisation", steps 1-6):
 * when the stored nonce fails, the client SHOULD re-verify with the special nonce 0x00000000; on success it
 * starts the session with credentials based on that nonce and the server sends a new one. Implementations
 * read "0x00000000" three ways: four zero octets (the plain reading, and Windows Mobile's), the ten
 * characters "0x00000000" (libdmclient), and the Base64 text of four zero octets ("AAAAAA=="). All three are tried.
 */
export const RESYNC_NONCES: readonly Uint8Array[] = [new Uint8Array(4), utf8Encode("0x00000000"), utf8Encode("AAAAAA==")];

export function verifyNotificationResync(n: Notification, credentials: Omit<ServerCredentials, "nonce">): boolean {
  return matchesAny(n, credentials.serverId, credentials.serverPassword, RESYNC_NONCES);
}

export type NotificationAuthentication = "verified" | "resync" | "bad-digest";

/**
 * The whole check the Push Router makes once it found the account: the stored nonce first, then (unless the
 * account disables it, as Windows Mobile's USENONCERESYNC does by default) the re-synchronisation nonce.
 * "resync" means: connect, authenticate with nonce 0x00000000, and expect the server to send a new nonce.
 */
export function authenticateNotification(
  n: Notification,
  credentials: ServerCredentials,
  allowResync = true,
): NotificationAuthentication {
  if (verifyNotificationDigest(n, credentials)) return "verified";
  if (allowResync && verifyNotificationResync(n, credentials)) return "resync";
  return "bad-digest";
}
