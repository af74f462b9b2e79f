// The Push Router end to end on its own: SMS-DELIVER PDUs in (built here with node:crypto, independently of
// the agent's code), decisions out: a verified notification starts one session, everything else is refused
// with its reason, and the decision survives a reboot (state committed before the SMS is acknowledged).
import { describe, it, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import type { ConfigDomain } from "../../../hal/config.js";
import { settle } from "../../../hal/async.js";
import { openConfigStore, type EmulatedConfigStore } from "../../../hal/emulated/config-store.js";
import { PushRouter, type SessionRequest } from "../../../agent/push/router.js";
import { tempDir } from "../../support/temp.js";

const md5 = (b: Buffer | string) => createHash("md5").update(b).digest();
const b64md5 = (b: Buffer | string) => Buffer.from(md5(b).toString("base64"));

/** Package 0 in a one-part SMS-DELIVER (8-bit, 16-bit ports 2948 <- 9200), as DM_Notification §6 lays it out. */
function notificationPdu(o: { serverId?: string; password?: string; nonce?: Buffer; session?: number; uiMode?: number; version?: number }): string {
  const serverId = Buffer.from(o.serverId ?? "dm.example.net");
  const header = Buffer.alloc(8);
  const bits = (BigInt(o.version ?? 12) << 30n) | (BigInt(o.uiMode ?? 1) << 28n) | (1n << 27n);
  header.writeUIntBE(Number(bits), 0, 5);
  header.writeUInt16BE(o.session ?? 0x1234, 5);
  header[7] = serverId.length;
  const trigger = Buffer.concat([header, serverId]);
  const digest = md5(Buffer.concat([b64md5(`${serverId}:${o.password ?? "server-secret"}`), Buffer.from(":"), o.nonce ?? Buffer.from("nonce-0"), Buffer.from(":"), b64md5(trigger)]));
  const wsp = Buffer.concat([Buffer.from([0x01, 0x06, 0x03, 0xc4, 0xaf, 0x87]), digest, trigger]);
  const ud = Buffer.concat([Buffer.from([0x06, 0x05, 0x04, 0x0b, 0x84, 0x23, 0xf0]), wsp]);
  const tpdu = Buffer.concat([Buffer.from("440b914477009021f300f562115221430000", "hex"), Buffer.from([ud.length]), ud]);
  return Buffer.concat([Buffer.from("07914477581006 50".replace(" ", ""), "hex"), tpdu]).toString("hex");
}

const sms = (hex: string, id = "1") => ({ id, pdu: new Uint8Array(Buffer.from(hex, "hex")).buffer, standard: "3gpp" as const, receivedAt: 0 });

describe("the Push Router", () => {
  let dir: ReturnType<typeof tempDir>;
  let store: EmulatedConfigStore;
  let domain: ConfigDomain;
  let sessions: SessionRequest[];
  let traces: Array<{ name: string; detail: Record<string, unknown> }>;
  let answers: Array<{ outcome: "accepted" | "rejected"; value?: boolean }>;

  const router = () =>
    new PushRouter({
      reader: domain,
      transact: async (change) => {
        const tx = domain.begin();
        change(tx);
        await settle((done) => tx.commit(done));
      },
      now: () => 0,
      trace: (name, detail) => traces.push({ name, detail }),
      startSession: async (request) => { sessions.push(request); },
      ui: {
        display: (_o, cb) => { setImmediate(() => cb(null, { outcome: "accepted" })); return { close() {} }; },
        confirm: (_o, cb) => { const a = answers.shift() ?? { outcome: "rejected" }; setImmediate(() => cb(null, a)); return { close() {} }; },
        input: () => { throw new Error("unused"); },
        choose: () => { throw new Error("unused"); },
      },
    });
  const rejected = () => traces.filter((t) => t.name === "push.rejected").map((t) => t.detail.reason);

  beforeEach(async () => {
    dir = tempDir();
    store = openConfigStore({ directory: dir.path });
    domain = store.open({ path: "" });
    sessions = [];
    traces = [];
    answers = [];
    const tx = domain.begin();
    const s = (k: string, v: string) => tx.write(`DMAcc/op/${k}`, { type: "string", value: v });
    s("ServerID", "dm.example.net");
    s("AppAuth/srv/AAuthLevel", "SRVCRED");
    s("AppAuth/srv/AAuthType", "DIGEST");
    s("AppAuth/srv/AAuthName", "dm.example.net");
    s("AppAuth/srv/AAuthSecret", "server-secret");
    tx.write("DMAcc/op/AppAuth/srv/AAuthData", { type: "buffer", value: new Uint8Array(Buffer.from("nonce-0")).buffer });
    await settle((done) => tx.commit(done));
  });
  afterEach(() => {
    store.close();
    dir.remove();
  });

  it("starts one session for a verified notification, with its session id, and acknowledges the SMS", async () => {
    const acks = await router().receive(sms(notificationPdu({})));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(acks, ["1"]);
    assert.deepEqual(sessions, [{ serverId: "dm.example.net", sessionId: "1234", resync: false }]);
    assert.deepEqual(rejected(), []);
  });

  it("refuses a replay, also after a reboot", async () => {
    const pdu = notificationPdu({});
    await router().receive(sms(pdu));
    const again = router(); // a new router over the same store: the reboot
    await again.receive(sms(pdu, "2"));
    assert.equal(sessions.length, 1);
    assert.deepEqual(rejected(), ["replay"]);
  });

  it("refuses a bad digest, an unknown server, a wrong version and garbage, each with its reason", async () => {
    const r = router();
    await r.receive(sms(notificationPdu({ password: "wrong" }), "1"));
    await r.receive(sms(notificationPdu({ serverId: "evil.example" }), "2"));
    await r.receive(sms(notificationPdu({ version: 20 }), "3"));
    const acks = await r.receive(sms("0791447758100650440b9144", "4"));
    assert.deepEqual(acks, ["4"], "garbage is acknowledged: there is nothing to keep");
    assert.deepEqual(rejected(), ["bad-digest", "unknown-server", "bad-version", "truncated"]);
    assert.equal(sessions.length, 0);
  });

  it("accepts the re-synchronisation nonce and says so", async () => {
    await router().receive(sms(notificationPdu({ nonce: Buffer.alloc(4) })));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(sessions, [{ serverId: "dm.example.net", sessionId: "1234", resync: true }]);
  });

  it("asks the user in user-interaction mode and honours the answer", async () => {
    answers.push({ outcome: "rejected" }, { outcome: "accepted", value: true });
    const r = router();
    await r.receive(sms(notificationPdu({ uiMode: 3, session: 1 }), "1"));
    await r.receive(sms(notificationPdu({ uiMode: 3, session: 2 }), "2"));
    await new Promise((res) => setImmediate(res));
    assert.deepEqual(rejected(), ["user-declined"]);
    assert.deepEqual(sessions.map((s) => s.sessionId), ["2"]);
  });

  it("lets the store's policy accept unauthenticated notifications", async () => {
    const tx = domain.begin();
    tx.write("dm-agent/push/policy/application/vnd.syncml.notification", { type: "string", value: "unauthenticated" });
    await settle((done) => tx.commit(done));
    await router().receive(sms(notificationPdu({ password: "wrong" })));
    await new Promise((r) => setImmediate(r));
    assert.equal(sessions.length, 1);
  });

  it("ignores SMS that are not WAP pushes", async () => {
    assert.deepEqual(await router().receive(sms("0791447758100650040b914477009021f3000062115221430000" + "05c8329bfd06")), ["1"]);
    assert.equal(traces.some((t) => t.name === "sms.ignored"), true);
  });
});
