// The push initiator (the operator side of steps 1-2): package 0 with the server's credentials and the nonce the
// device holds, in a WSP push, in SMS-DELIVER PDUs. Delivered to an emulated modem or written as a push file.
import { nonceBytes, type DeviceEntry } from "../registry.js";
import { buildNotification, sessionIdText, type UiMode } from "./notification.js";
import { formatPushFile } from "./push-file.js";
import { buildPushSms, type SmsDeliverOptions } from "./sms-deliver.js";
import { buildWspPush } from "./wsp.js";

export interface DmPush {
  sessionId: number;
  /** What the device will put in SyncHdr SessionID. */
  sessionIdText: string;
  notification: Uint8Array;
  wsp: Uint8Array;
  pdus: Uint8Array[];
}

export interface PushOptions {
  sessionId: number;
  uiMode?: UiMode;
  vendorSpecific?: Uint8Array;
  /** WSP transaction id (default 1). */
  tid?: number;
  sms?: Partial<SmsDeliverOptions>;
}

/** The SMS side defaults: an operator SMSC and originator, as in samples/notification.push. */
export const DEFAULT_SMS: SmsDeliverOptions = { smsc: "+447785016005", originator: "+44770009123" };

export function buildDmPush(serverId: string, serverPassword: string, serverNonce: Uint8Array, o: PushOptions): DmPush {
  const notification = buildNotification({
    serverId, serverPassword, serverNonce, sessionId: o.sessionId,
    ...(o.uiMode ? { uiMode: o.uiMode } : {}), ...(o.vendorSpecific ? { vendorSpecific: o.vendorSpecific } : {}),
  });
  const wsp = buildWspPush({ body: notification, ...(o.tid !== undefined ? { tid: o.tid } : {}) });
  const pdus = buildPushSms({ ...DEFAULT_SMS, ...o.sms }, wsp);
  return { sessionId: o.sessionId, sessionIdText: sessionIdText(o.sessionId), notification, wsp, pdus };
}

/** Package 0 for a registered device: its ServerID, the server password and the nonce it gave the server. */
export function buildDevicePush(entry: DeviceEntry, o: PushOptions): DmPush {
  return buildDmPush(entry.serverId, entry.serverSecret, nonceBytes(entry.serverNonce), o);
}

/** Anything with the emulated modem's inject(hex) (handset.control.modem). */
export interface SmsInjector {
  inject(pduHex: string): unknown;
}

export function deliverPush(push: DmPush, modem: SmsInjector): void {
  for (const p of push.pdus) modem.inject(Buffer.from(p.buffer, p.byteOffset, p.length).toString("hex"));
}

export function pushFileText(push: DmPush, deviceId: string, serverId: string): string {
  return formatPushFile(push.pdus, [
    `DM notification (package 0) for ${deviceId} from server ${serverId}, session ${push.sessionIdText} (0x${push.sessionIdText}),`,
    `${push.pdus.length} SMS-DELIVER PDU(s): WSP push, application/vnd.syncml.notification, x-wap-application:syncml.dm.`,
  ]);
}
