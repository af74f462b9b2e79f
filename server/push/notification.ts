// The DM notification, package 0 (OMA-TS-DM_Notification-V1_2 §6): a 128-bit MD5 digest, then the trigger:
//   version(10) ui-mode(2) initiator(1) future-use(27) sessionid(16) length-identifier(8) server-identifier
//   vendor-specific (the rest of the message, no length of its own)
// Digest = H(B64(H(server-identifier:password)):nonce:B64(H(trigger))), H = MD5, nonce as octets (§6.2.2.2).
import { base64Encode } from "../../agent/bytes/base64.js";
import { utf8Encode } from "../../agent/bytes/utf8.js";
import { md5 } from "../../agent/crypto/md5.js";

export type UiMode = "not-specified" | "background" | "informative" | "user-interaction";
export const UI_MODES: readonly UiMode[] = ["not-specified", "background", "informative", "user-interaction"];

export interface NotificationInput {
  /** The ServerID (server-identifier), also the name the digest is keyed with. */
  serverId: string;
  /** SRVCRED AAuthSecret. */
  serverPassword: string;
  /** SRVCRED AAuthData: the nonce the device holds for this server, as octets. */
  serverNonce: Uint8Array;
  /** 0..65535; the device puts it in SyncHdr SessionID as upper-case hex. */
  sessionId: number;
  /** Default "not-specified" (0). */
  uiMode?: UiMode;
  /** Default "server" (1): the server asks for the session. */
  initiator?: "server" | "client";
  /**
   * The 10-bit version field. Default 12: DM 1.2 written as 10*1.2 (§6.2.2.6); some 1.2 copies print 11, which the
   * agent also accepts.
   */
  version?: number;
  vendorSpecific?: Uint8Array;
}

export class NotificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotificationError";
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The trigger: everything the digest covers. */
export function buildTrigger(n: NotificationInput): Uint8Array {
  const version = n.version ?? 12;
  if (!Number.isInteger(version) || version < 0 || version > 1023) throw new NotificationError(`version ${version} does not fit 10 bits`);
  const ui = UI_MODES.indexOf(n.uiMode ?? "not-specified");
  if (ui < 0) throw new NotificationError(`ui-mode must be one of ${UI_MODES.join(", ")}`);
  if (!Number.isInteger(n.sessionId) || n.sessionId < 0 || n.sessionId > 0xffff) throw new NotificationError(`session id ${n.sessionId} does not fit 16 bits`);
  const id = utf8Encode(n.serverId);
  if (id.length === 0 || id.length > 255) throw new NotificationError(`server identifier must be 1..255 octets (is ${id.length})`);
  const initiator = (n.initiator ?? "server") === "server" ? 1 : 0;
  const h = new Uint8Array(8);
  h[0] = version >> 2;
  h[1] = ((version & 3) << 6) | (ui << 4) | (initiator << 3); // low 3 bits: start of the 27 future-use bits, 0
  // h[2..4]: future use, 0
  h[5] = n.sessionId >> 8;
  h[6] = n.sessionId & 0xff;
  h[7] = id.length;
  return concat([h, id, n.vendorSpecific ?? new Uint8Array(0)]);
}

export function notificationDigest(trigger: Uint8Array, serverId: string, password: string, nonce: Uint8Array): Uint8Array {
  const credentials = utf8Encode(base64Encode(md5(utf8Encode(`${serverId}:${password}`))));
  const colon = utf8Encode(":");
  return md5(concat([credentials, colon, nonce, colon, utf8Encode(base64Encode(md5(trigger)))]));
}

/** Package 0: digest, then trigger. */
export function buildNotification(n: NotificationInput): Uint8Array {
  const trigger = buildTrigger(n);
  return concat([notificationDigest(trigger, n.serverId, n.serverPassword, n.serverNonce), trigger]);
}

/** The SessionID text the device will use for `sessionId` (§6.2.2.10: hexadecimal, upper case). */
export function sessionIdText(sessionId: number): string {
  return sessionId.toString(16).toUpperCase();
}
