// The session engine without any I/O: server messages in, client messages out. Package 1, authentication in
// both directions with nonce handling, the end of a session, aborts, and what reaches the DPU.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DmSession, type CommandRunner, type SessionHooks, type SessionSettings, type Step } from "../../../agent/dm/session.js";
import { md5Digest, hmacHeader } from "../../../agent/dm/auth.js";
import { statusFor } from "../../../agent/dpu/status.js";
import { decodeMessage, encodeXmlBytes, type Command, type Cred, type StatusCommand, type SyncMLMessage } from "../../../agent/syncml/index.js";

class FakeDpu implements CommandRunner {
  executed = 0;
  readonly seen: Command[] = [];
  beginMessage(): void {}
  async command(c: Command, msgRef: string, emit: (c: Command) => void): Promise<void> {
    this.seen.push(c);
    this.executed++;
    emit(statusFor(c, msgRef, 200));
  }
  endPackage(): void {}
}

interface Recorder {
  clientNonces: Uint8Array[];
  serverNonces: Uint8Array[];
  delivered: string[][];
  order: string[];
}

const CLIENT_NONCE = new Uint8Array([1, 1, 1]);
const SERVER_NONCE = new Uint8Array([2, 2, 2]);
const DEV = "IMEI:490154203237518";

function engine(over: Partial<SessionSettings> = {}): { session: DmSession; dpu: FakeDpu; rec: Recorder } {
  const dpu = new FakeDpu();
  const rec: Recorder = { clientNonces: [], serverNonces: [], delivered: [], order: [] };
  let counter = 10;
  const hooks: SessionHooks = {
    dpu,
    random: (n) => new Uint8Array(n).fill(counter++),
    saveClientNonce: async (n) => { rec.clientNonces.push(n); rec.order.push("client-nonce"); },
    saveServerNonce: async (n) => { rec.serverNonces.push(n); rec.order.push("server-nonce"); },
    alertsDelivered: async (ids) => { rec.delivered.push(ids); },
    trace: () => undefined,
  };
  const session = new DmSession({
    sessionId: "4A1", alert: "1201", encoding: "xml", deviceId: DEV, serverUri: "https://dm.example.net/dm",
    clientAuth: { id: "c", level: "CLCRED", type: "DIGEST", name: "dev", secret: "pw", data: CLIENT_NONCE },
    serverAuth: { id: "s", level: "SRVCRED", type: "DIGEST", name: "srv", secret: "spw", data: SERVER_NONCE },
    clientNonce: CLIENT_NONCE, serverNonce: SERVER_NONCE,
    devInfo: [{ source: { locURI: "./DevInfo/DevId" }, meta: { format: "chr" }, data: DEV }],
    alerts: [], maxMsgSize: 65536, maxObjSize: 262144,
    ...over,
  }, hooks);
  return { session, dpu, rec };
}

let serverMsgId = 0;
function fromServer(commands: Command[], o: { final?: boolean; cred?: Cred | null; nonce?: Uint8Array } = {}): Uint8Array {
  const cred = o.cred === null ? undefined : o.cred ?? { meta: { type: "syncml:auth-md5", format: "b64" }, data: md5Digest("srv", "spw", o.nonce ?? SERVER_NONCE) };
  const msg: SyncMLMessage = {
    header: { verDTD: "1.2", verProto: "DM/1.2", sessionId: "4A1", msgId: String(++serverMsgId), target: { locURI: DEV }, source: { locURI: "https://dm.example.net/dm" }, cred },
    body: { commands, final: o.final ?? true },
  };
  return encodeXmlBytes(msg);
}
const hdrStatus = (code: string, chal?: { type: string; nonce?: Uint8Array }): StatusCommand => ({
  kind: "Status", cmdId: "1", msgRef: "1", cmdRef: "0", cmd: "SyncHdr", targetRefs: [], sourceRefs: [], data: code, items: [],
  chal: chal && { type: chal.type, format: "b64", nextNonce: chal.nonce ? Buffer.from(chal.nonce).toString("base64") : undefined },
});
const get = (id: string): Command => ({ kind: "Get", cmdId: id, items: [{ target: { locURI: "./DevInfo/Man" } }] });
const sent = (step: Step): SyncMLMessage => {
  assert.equal(step.kind, "send");
  return decodeMessage((step as { message: { body: Uint8Array } }).message.body);
};

describe("the session engine", () => {
  it("opens with package 1: Alert, DevInfo as Replace, queued generic alerts, credentials and size limits", () => {
    const { session } = engine({
      alert: "1200",
      alerts: [{ id: "00000001", alert: { kind: "Alert", cmdId: "", data: "1226", items: [{ meta: { type: "x.y", format: "chr" }, data: "done" }] } }],
    });
    const out = session.start();
    const m = decodeMessage(out.body);
    assert.equal(out.headers.get("content-type"), "application/vnd.syncml.dm+xml");
    assert.deepEqual(m.header.source, { locURI: DEV, locName: "dev" });
    assert.deepEqual(m.header.meta, { maxMsgSize: 65536, maxObjSize: 262144 });
    assert.equal(m.header.cred?.data, md5Digest("dev", "pw", CLIENT_NONCE));
    assert.deepEqual(m.body.commands.map((c) => `${c.kind}${c.kind === "Alert" ? c.data : ""}`), ["Alert1200", "Replace", "Alert1226"]);
    assert.equal(m.body.final, true);
  });

  it("authenticates the server (212), renews its nonce before sending it, and runs its commands", async () => {
    const { session, dpu, rec } = engine();
    session.start();
    const reply = sent(await session.receive({ body: fromServer([hdrStatus("212"), get("2")]) }));
    const hs = reply.body.commands[0] as StatusCommand;
    assert.equal(hs.cmd, "SyncHdr");
    assert.equal(hs.data, "212");
    assert.deepEqual(Buffer.from(hs.chal!.nextNonce!, "base64"), Buffer.from(rec.serverNonces[0]), "the nonce sent is the one stored");
    assert.equal(dpu.seen.length, 1);
    assert.equal(reply.header.cred, undefined, "no Cred after the server's 212");
  });

  it("challenges a server without credentials (407, fresh nonce) and runs nothing until it proves itself", async () => {
    const { session, dpu, rec } = engine();
    session.start();
    let reply = sent(await session.receive({ body: fromServer([hdrStatus("212"), get("2")], { cred: null }) }));
    assert.deepEqual(reply.body.commands.map((c) => (c as StatusCommand).data), ["407", "407"]);
    assert.equal(dpu.seen.length, 0, "no command executed before the server is authenticated");
    const fresh = rec.serverNonces[0];
    assert.deepEqual(Buffer.from((reply.body.commands[0] as StatusCommand).chal!.nextNonce!, "base64"), Buffer.from(fresh));
    reply = sent(await session.receive({ body: fromServer([get("2")], { nonce: SERVER_NONCE }) }));
    assert.equal((reply.body.commands[0] as StatusCommand).data, "401", "the old nonce no longer works");
    reply = sent(await session.receive({ body: fromServer([get("2")], { nonce: rec.serverNonces[1] }) }));
    assert.equal((reply.body.commands[0] as StatusCommand).data, "212");
    assert.equal(dpu.seen.length, 1);
    const end = await session.receive({ body: fromServer([get("3")], { nonce: rec.serverNonces[0] }) });
    assert.equal(end.kind, "send", "once authenticated, later messages need no Cred");
  });

  it("gives up on a server that fails to authenticate three times", async () => {
    const { session } = engine();
    session.start();
    await session.receive({ body: fromServer([], { cred: null }) });
    await session.receive({ body: fromServer([], { cred: null }) });
    const last = await session.receive({ body: fromServer([], { cred: null }) });
    assert.deepEqual(last, { kind: "done", status: "failed", reason: "server authentication failed" });
  });

  it("sends package 1 again once, with the scheme and nonce of the server's challenge, then gives up", async () => {
    const { session, rec } = engine();
    session.start();
    const nonce = new Uint8Array([9, 9, 9, 9]);
    const again = sent(await session.receive({ body: fromServer([hdrStatus("401", { type: "syncml:auth-md5", nonce })]) }));
    assert.equal(again.header.cred?.data, md5Digest("dev", "pw", nonce));
    assert.deepEqual(again.body.commands.map((c) => c.kind), ["Status", "Alert", "Replace"]);
    assert.deepEqual(rec.clientNonces, [], "a nonce is not stored on a failure");
    const end = await session.receive({ body: fromServer([hdrStatus("401", { type: "syncml:auth-basic" })]) });
    assert.deepEqual(end, { kind: "done", status: "failed", reason: "client authentication failed" });
  });

  it("stores the nonce for the next session only from an authenticated server", async () => {
    const { session, rec } = engine();
    session.start();
    const next = new Uint8Array([7, 7]);
    await session.receive({ body: fromServer([hdrStatus("212", { type: "syncml:auth-md5", nonce: next }), get("2")], { cred: null }) });
    assert.deepEqual(rec.clientNonces, [], "not from a server that has not proved itself");
    await session.receive({ body: fromServer([get("3")], { nonce: rec.serverNonces[0] }) });
    assert.deepEqual(rec.clientNonces, [next]);
    assert.ok(rec.order.indexOf("server-nonce") < rec.order.indexOf("client-nonce"));
  });

  it("completes when the server's final message asks for nothing more", async () => {
    const { session } = engine();
    session.start();
    await session.receive({ body: fromServer([hdrStatus("212"), get("2")]) });
    const end = await session.receive({ body: fromServer([{ ...hdrStatus("200"), msgRef: "2" }]) });
    assert.deepEqual(end, { kind: "done", status: "completed", reason: undefined });
  });

  it("ends as aborted on the server's Alert 1223", async () => {
    const { session } = engine();
    session.start();
    const end = await session.receive({ body: fromServer([hdrStatus("212"), { kind: "Alert", cmdId: "2", data: "1223", items: [] }]) });
    assert.equal(end.kind === "done" && end.status, "aborted");
  });

  it("aborts with Alert 1223 on a message it cannot decode or that is over its MaxMsgSize", async () => {
    let { session } = engine();
    session.start();
    let step = await session.receive({ body: new TextEncoder().encode("<SyncML><SyncHdr>") });
    assert.equal(step.kind, "abort");
    const m = decodeMessage((step as { message: { body: Uint8Array } }).message.body);
    assert.deepEqual(m.body.commands.map((c) => c.kind === "Alert" && c.data), ["1223"]);
    ({ session } = engine({ maxMsgSize: 2000 }));
    session.start();
    step = await session.receive({ body: new Uint8Array(3000) });
    assert.equal(step.kind === "abort" && /over MaxMsgSize/.test(step.reason), true);
  });

  it("asks for the rest of a server package (1222) and closes its own only after the server's Final", async () => {
    const { session } = engine();
    session.start();
    let reply = sent(await session.receive({ body: fromServer([hdrStatus("212"), get("2")], { final: false }) }));
    assert.equal(reply.body.final, false);
    const last = reply.body.commands[reply.body.commands.length - 1];
    assert.equal(last.kind === "Alert" && last.data, "1222");
    reply = sent(await session.receive({ body: fromServer([get("3")], { final: true }) }));
    assert.equal(reply.body.final, true);
  });

  it("removes generic alerts from the queue once the server answered them", async () => {
    const { session, rec } = engine({ alerts: [{ id: "00000007", alert: { kind: "Alert", cmdId: "", data: "1226", items: [{ data: "x" }] } }] });
    session.start();
    const answer: StatusCommand = { kind: "Status", cmdId: "2", msgRef: "1", cmdRef: "3", cmd: "Alert", targetRefs: [], sourceRefs: [], data: "200", items: [] };
    await session.receive({ body: fromServer([hdrStatus("212"), answer, get("4")]) });
    assert.deepEqual(rec.delivered, [["00000007"]]);
  });

  it("signs every message with HMAC and checks the server's HMAC on each", async () => {
    const hmacC = { id: "c", level: "CLCRED" as const, type: "HMAC" as const, name: "dev", secret: "pw" };
    const hmacS = { id: "s", level: "SRVCRED" as const, type: "HMAC" as const, name: "srv", secret: "spw" };
    const { session, dpu } = engine({ clientAuth: hmacC, serverAuth: hmacS });
    const first = session.start();
    assert.equal(decodeMessage(first.body).header.cred, undefined);
    assert.equal(first.headers.get("x-syncml-hmac"), hmacHeader("dev", "pw", CLIENT_NONCE, first.body));
    const body = fromServer([hdrStatus("212"), get("2")], { cred: null });
    let step = await session.receive({ body, hmac: hmacHeader("srv", "spw", SERVER_NONCE, body) });
    assert.equal((sent(step).body.commands[0] as StatusCommand).data, "212");
    assert.equal(dpu.seen.length, 1);
    const tampered = fromServer([get("3")], { cred: null });
    step = await session.receive({ body: tampered, hmac: hmacHeader("srv", "spw", SERVER_NONCE, body) });
    assert.equal((sent(step).body.commands[0] as StatusCommand).data, "401", "each message is checked");
    assert.equal(dpu.seen.length, 1);
  });
});
