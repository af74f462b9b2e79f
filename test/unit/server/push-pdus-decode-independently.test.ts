// The push initiator's output, read back by a small decoder written here from the specifications (3GPP TS 23.040
// SMS-DELIVER and UDH, WAP-230-WSP Push, OMA-TS-DM_Notification-V1_2 §6) and with the digest recomputed with
// node:crypto; then cross-checked with the agent's own decoders (agent/push), the other side of the wire.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildDmPush, DEFAULT_SMS, pushFileText } from "../../../server/push/initiator.js";
import { buildNotification, NotificationError } from "../../../server/push/notification.js";
import { parsePushFile } from "../../../server/push/push-file.js";
import { buildPushSms, encodeTimestamp, SmsError } from "../../../server/push/sms-deliver.js";
import { buildWspPush, uintvar } from "../../../server/push/wsp.js";
import { ROOT } from "../../support/temp.js";

// ---------------------------------------------------------------- the independent decoder

function semiOctets(b: Buffer, digits: number): string {
  let s = "";
  for (const x of b) s += (x & 0x0f).toString(16) + (x >> 4).toString(16);
  return s.slice(0, digits);
}

interface Sms {
  smsc?: string;
  first: number;
  originator: string;
  pid: number;
  dcs: number;
  scts: Buffer;
  ies: Map<number, Buffer>;
  payload: Buffer;
  udl: number;
}

function decodeSms(pdu: Buffer): Sms {
  let i = 0;
  const smscLen = pdu[i++];
  const smsc = smscLen ? (pdu[i] === 0x91 ? "+" : "") + semiOctets(pdu.subarray(i + 1, i + smscLen), 2 * (smscLen - 1)).replace(/f$/, "") : undefined;
  i += smscLen;
  const first = pdu[i++];
  const oaDigits = pdu[i++];
  const oaType = pdu[i++];
  const originator = (oaType === 0x91 ? "+" : "") + semiOctets(pdu.subarray(i, i + Math.ceil(oaDigits / 2)), oaDigits);
  i += Math.ceil(oaDigits / 2);
  const pid = pdu[i++];
  const dcs = pdu[i++];
  const scts = pdu.subarray(i, i + 7);
  i += 7;
  const udl = pdu[i++];
  const ud = pdu.subarray(i);
  assert.equal(ud.length, udl, "UDL counts the octets of 8-bit user data");
  const ies = new Map<number, Buffer>();
  let payload = ud;
  if (first & 0x40) {
    const udhl = ud[0];
    for (let k = 1; k < 1 + udhl; ) {
      const iei = ud[k];
      const len = ud[k + 1];
      ies.set(iei, ud.subarray(k + 2, k + 2 + len));
      k += 2 + len;
    }
    payload = ud.subarray(1 + udhl);
  }
  return { ...(smsc ? { smsc } : {}), first, originator, pid, dcs, scts, ies, payload, udl };
}

function decodeWsp(b: Buffer): { tid: number; type: number; contentType: number; headers: Buffer; body: Buffer } {
  let i = 2;
  let len = 0;
  for (;;) {
    const x = b[i++];
    len = len * 128 + (x & 0x7f);
    if (!(x & 0x80)) break;
  }
  return { tid: b[0], type: b[1], contentType: b[i], headers: b.subarray(i + 1, i + len), body: b.subarray(i + len) };
}

function decodeNotification(b: Buffer) {
  const h = b.subarray(16, 24);
  const idLen = h[7];
  return {
    digest: b.subarray(0, 16),
    trigger: b.subarray(16),
    version: (h[0] << 2) | (h[1] >> 6),
    uiMode: (h[1] >> 4) & 3,
    initiator: (h[1] >> 3) & 1,
    futureUse: ((h[1] & 7) << 24) | (h[2] << 16) | (h[3] << 8) | h[4],
    sessionId: (h[5] << 8) | h[6],
    serverId: b.subarray(24, 24 + idLen).toString("utf8"),
    vendor: b.subarray(24 + idLen),
  };
}

const md5 = (x: Buffer | string) => createHash("md5").update(x).digest();
/** OMA-TS-DM_Notification §6.2.2.2: H(B64(H(server-identifier:password)):nonce:B64(H(trigger))). */
const digestOf = (serverId: string, password: string, nonce: Buffer, trigger: Buffer) =>
  md5(Buffer.concat([Buffer.from(md5(`${serverId}:${password}`).toString("base64") + ":"), nonce, Buffer.from(":" + md5(trigger).toString("base64"))]));

// ---------------------------------------------------------------- tests

test("the same inputs as samples/notification.push give the same PDU", () => {
  const sample = parsePushFile(readFileSync(join(ROOT, "samples", "notification.push"), "utf8"));
  const push = buildDmPush("dm.example.net", "server-secret", new Uint8Array(Buffer.from("nonce-0")), {
    sessionId: 0x1234, sms: { timestamp: new Date(Date.UTC(2026, 10, 25, 12, 34, 0)) },
  });
  assert.equal(push.pdus.length, 1);
  assert.equal(Buffer.from(push.pdus[0]).toString("hex"), Buffer.from(sample[0]).toString("hex"));
});

test("one SMS-DELIVER: SMSC prefix, UDHI, 8-bit DCS, ports 2948 <- 9200, WSP push of package 0 with a valid digest", () => {
  const nonce = Buffer.from([0x10, 0x20, 0x30, 0x00, 0xff]);
  const push = buildDmPush("dm.operator.example", "pw", new Uint8Array(nonce), {
    sessionId: 0xbeef, uiMode: "user-interaction", vendorSpecific: new Uint8Array([1, 2, 3]), tid: 0x42,
    sms: { timestamp: new Date(Date.UTC(2031, 0, 2, 3, 4, 5)), timezoneMinutes: -90 },
  });
  assert.equal(push.sessionIdText, "BEEF");
  const sms = decodeSms(Buffer.from(push.pdus[0]));
  assert.equal(sms.smsc, DEFAULT_SMS.smsc);
  assert.equal(sms.first & 0x03, 0, "TP-MTI SMS-DELIVER");
  assert.ok(sms.first & 0x40, "TP-UDHI");
  assert.equal(sms.originator, DEFAULT_SMS.originator);
  assert.equal(sms.dcs, 0xf5, "8-bit data, class 1");
  // SCTS 2031-01-02 01:34:05 local, TZ -6 quarter hours: swapped semi-octets, sign bit 3 of the last octet.
  assert.deepEqual([...sms.scts], [0x13, 0x10, 0x20, 0x10, 0x43, 0x50, 0x68]);
  assert.deepEqual([...sms.ies.get(0x05)!], [0x0b, 0x84, 0x23, 0xf0]);
  assert.equal(sms.ies.has(0x00), false, "no concatenation for one part");
  const wsp = decodeWsp(sms.payload);
  assert.equal(wsp.tid, 0x42);
  assert.equal(wsp.type, 0x06, "Push PDU");
  assert.equal(wsp.contentType, 0xc4, "application/vnd.syncml.notification (0x44)");
  assert.deepEqual([...wsp.headers], [0xaf, 0x87], "X-Wap-Application-Id: x-wap-application:syncml.dm");
  const n = decodeNotification(wsp.body);
  assert.equal(n.version, 12);
  assert.equal(n.uiMode, 3);
  assert.equal(n.initiator, 1);
  assert.equal(n.futureUse, 0);
  assert.equal(n.sessionId, 0xbeef);
  assert.equal(n.serverId, "dm.operator.example");
  assert.deepEqual([...n.vendor], [1, 2, 3]);
  assert.deepEqual(n.digest, digestOf("dm.operator.example", "pw", nonce, n.trigger));
  assert.notDeepEqual(n.digest, digestOf("dm.operator.example", "pw", Buffer.from(nonce.toString("base64")), n.trigger), "the nonce enters as octets");
});

test("a long server id and vendor part are split into concatenated SMS with one reference", () => {
  const serverId = "dm-" + "x".repeat(200) + ".example";
  const vendor = new Uint8Array(Array.from({ length: 300 }, (_, i) => i & 0xff));
  const push = buildDmPush(serverId, "secret", new Uint8Array([7, 7, 7]), { sessionId: 1, vendorSpecific: vendor, sms: { reference: 0xa5 } });
  const parts = push.pdus.map((p) => decodeSms(Buffer.from(p)));
  assert.equal(parts.length, Math.ceil(push.wsp.length / 128));
  parts.forEach((s, k) => {
    assert.ok(s.udl <= 140, `part ${k + 1}: ${s.udl} octets of user data`);
    assert.deepEqual([...s.ies.get(0x05)!], [0x0b, 0x84, 0x23, 0xf0], "ports in every part");
    assert.deepEqual([...s.ies.get(0x00)!], [0xa5, parts.length, k + 1], "8-bit reference, total, sequence");
  });
  const datagram = Buffer.concat(parts.map((s) => s.payload));
  assert.deepEqual(datagram, Buffer.from(push.wsp));
  const n = decodeNotification(decodeWsp(datagram).body);
  assert.equal(n.serverId, serverId);
  assert.deepEqual(new Uint8Array(n.vendor), vendor);
  assert.deepEqual(n.digest, digestOf(serverId, "secret", Buffer.from([7, 7, 7]), n.trigger));
});

test("133 octets of WSP fit one SMS, 134 need two of at most 128 each", () => {
  const o = { originator: "12345", timestamp: new Date(0) };
  assert.equal(buildPushSms(o, new Uint8Array(133)).length, 1);
  const two = buildPushSms(o, new Uint8Array(134)).map((p) => decodeSms(Buffer.from(p)));
  assert.deepEqual(two.map((s) => s.payload.length), [128, 6]);
  const noSmsc = decodeSms(Buffer.from(buildPushSms({ ...o, smsc: undefined }, new Uint8Array(1))[0]));
  assert.equal(noSmsc.smsc, undefined);
  assert.equal(noSmsc.originator, "12345", "a national number, odd digit count padded with F");
  assert.throws(() => buildPushSms(o, new Uint8Array(128 * 256)), SmsError);
  assert.throws(() => buildPushSms({ ...o, dcs: 0x00 }, new Uint8Array(1)), /8-bit/);
  assert.throws(() => encodeTimestamp(new Date(0), 10), SmsError);
});

test("out-of-range fields are refused rather than truncated", () => {
  const base = { serverId: "s", serverPassword: "p", serverNonce: new Uint8Array(0), sessionId: 1 };
  assert.throws(() => buildNotification({ ...base, serverId: "x".repeat(256) }), NotificationError);
  assert.throws(() => buildNotification({ ...base, serverId: "" }), NotificationError);
  assert.throws(() => buildNotification({ ...base, sessionId: 0x10000 }), NotificationError);
  assert.throws(() => buildNotification({ ...base, version: 1024 }), NotificationError);
  assert.deepEqual([...uintvar(0)], [0]);
  assert.deepEqual([...uintvar(128)], [0x81, 0x00]);
  assert.deepEqual([...uintvar(0xffffffff)], [0x8f, 0xff, 0xff, 0xff, 0x7f]);
  assert.deepEqual([...buildWspPush({ body: new Uint8Array([9]) })], [1, 6, 3, 0xc4, 0xaf, 0x87, 9]);
});

test("the push file has comments and one hex PDU per line, and reads back", () => {
  const push = buildDmPush("dm.example.net", "p", new Uint8Array(1), { sessionId: 0x0a, vendorSpecific: new Uint8Array(200) });
  const text = pushFileText(push, "IMEI:1", "dm.example.net");
  assert.match(text, /^# DM notification \(package 0\) for IMEI:1 .* session A /);
  const back = parsePushFile(text);
  assert.deepEqual(back.map((b) => Buffer.from(b).toString("hex")), push.pdus.map((b) => Buffer.from(b).toString("hex")));
  assert.throws(() => parsePushFile("abc\n"), /line 1/);
});

test("the agent's push decoders read the initiator's PDUs (both sides check each other)", async (t) => {
  let sms: typeof import("../../../agent/push/sms-pdu.js");
  let wsp: typeof import("../../../agent/push/wsp.js");
  let notif: typeof import("../../../agent/push/notification.js");
  try {
    sms = await import("../../../agent/push/sms-pdu.js");
    wsp = await import("../../../agent/push/wsp.js");
    notif = await import("../../../agent/push/notification.js");
  } catch (e) {
    return t.skip(`agent/push not loadable: ${(e as Error).message}`);
  }
  const nonce = new Uint8Array(Buffer.from("device-nonce"));
  const push = buildDmPush("dm." + "y".repeat(150), "pw", nonce, { sessionId: 0x2a, uiMode: "informative", vendorSpecific: new Uint8Array(40), sms: { reference: 3 } });
  const decoded = push.pdus.map((p) => sms.decodeSmsDeliver(p));
  assert.ok(decoded.length > 1);
  decoded.forEach((d, k) => {
    assert.deepEqual({ destination: d.ports?.destination, origin: d.ports?.origin }, { destination: 2948, origin: 9200 });
    assert.equal(d.concat?.seq, k + 1);
    assert.equal(d.concat?.total, decoded.length);
    assert.equal(d.dcs.alphabet, "8bit");
  });
  const datagram = Buffer.concat(decoded.map((d) => Buffer.from(d.userData)));
  const w = wsp.decodeWspPush(new Uint8Array(datagram));
  assert.equal(w.contentType, "application/vnd.syncml.notification");
  assert.equal(w.applicationId, "x-wap-application:syncml.dm");
  const n = notif.decodeNotification(w.body);
  assert.equal(n.sessionId, 0x2a);
  assert.equal(n.uiMode, "informative");
  assert.equal(n.initiator, "server");
  assert.equal(notif.sessionIdText(n.sessionId), push.sessionIdText);
  assert.ok(notif.verifyNotificationDigest(n, { serverId: n.serverId, serverPassword: "pw", nonce }));
});
