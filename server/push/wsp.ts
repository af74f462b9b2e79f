// The connectionless WSP Push PDU that carries a DM notification (WAP-230-WSP §8.2.4.1, §8.4.2; OMA-TS-DM_Notification
// §7.1): TID, PDU type 0x06 (Push), HeadersLen as uintvar, Content-Type, headers, body.
//   Content-Type application/vnd.syncml.notification: well-known 0x44, written as short-integer 0xC4
//   X-Wap-Application-Id (field 0x2F -> 0xAF): x-wap-application:syncml.dm, assigned number 0x07 -> 0x87

export const PUSH_PDU = 0x06;
export const CONTENT_TYPE_NOTIFICATION = 0x44;
export const FIELD_X_WAP_APPLICATION_ID = 0x2f;
export const APP_ID_SYNCML_DM = 0x07;

/** WSP uintvar (§8.1.2): 7 bits per octet, most significant first, high bit set on all but the last. */
export function uintvar(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError(`uintvar out of range: ${value}`);
  const out = [value & 0x7f];
  for (let v = Math.floor(value / 128); v > 0; v = Math.floor(v / 128)) out.unshift((v & 0x7f) | 0x80);
  return new Uint8Array(out);
}

export interface WspPushInput {
  /** Transaction id, one octet (default 1). */
  tid?: number;
  /** Well-known content type number (default 0x44, the DM notification). */
  contentType?: number;
  /** X-Wap-Application-Id assigned number (default 0x07, syncml.dm). */
  applicationId?: number;
  body: Uint8Array;
}

export function buildWspPush(p: WspPushInput): Uint8Array {
  const tid = p.tid ?? 1;
  const ct = p.contentType ?? CONTENT_TYPE_NOTIFICATION;
  const app = p.applicationId ?? APP_ID_SYNCML_DM;
  if (!Number.isInteger(tid) || tid < 0 || tid > 255) throw new RangeError(`TID must be one octet: ${tid}`);
  if (ct > 0x7f || app > 0x7f) throw new RangeError("well-known values are short integers (0..127)");
  const headers = new Uint8Array([ct | 0x80, FIELD_X_WAP_APPLICATION_ID | 0x80, app | 0x80]);
  const headersLen = uintvar(headers.length); // HeadersLen: the Content-Type and Headers fields together
  const out = new Uint8Array(2 + headersLen.length + headers.length + p.body.length);
  out[0] = tid;
  out[1] = PUSH_PDU;
  out.set(headersLen, 2);
  out.set(headers, 2 + headersLen.length);
  out.set(p.body, 2 + headersLen.length + headers.length);
  return out;
}
