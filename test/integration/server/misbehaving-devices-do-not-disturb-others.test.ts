// Robustness: every request is bounded, garbage gets a clean error, and one device's failure never touches another
// device's session: 50 emulated devices at once, some sending garbage, stalling or dropping mid-session.
import { test } from "node:test";
import assert from "node:assert/strict";
import { connect as tlsConnect, type TLSSocket } from "node:tls";
import { connect as netConnect } from "node:net";
import type { StatusCommand, SyncMLMessage } from "../../../agent/syncml/index.js";
import { decodeMessage, encodeXmlBytes } from "../../../agent/syncml/index.js";
import { RecordStore } from "../../../server/records.js";
import { startHarness, type Harness } from "./harness.js";
import { post, ScriptedClient, type Encoding, type Scheme } from "./scripted-client.js";

const XML = "application/vnd.syncml.dm+xml";
const JOBS = { jobs: [{ id: "probe", device: "*", commands: [{ Get: "./DevInfo/Man" }, { Replace: { uri: "./Vendor/Acme/Flag", data: "on" } }] }] };
const TREE = { "./DevInfo/Man": "Acme" };

function port(h: Harness): number {
  return Number(new URL(h.server.url).port);
}

/** Opens a TLS connection, writes `text`, and resolves with what the server sent and whether it closed. */
function rawTls(h: Harness, text: string | Buffer, opts: { destroyAfterWrite?: boolean; waitMs?: number } = {}): Promise<{ data: string; closed: boolean; ms: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    let data = "";
    let done = false;
    const sock: TLSSocket = tlsConnect({ host: "127.0.0.1", port: port(h), ca: h.server.caPem, servername: "localhost" }, () => {
      sock.write(text);
      if (opts.destroyAfterWrite) {
        sock.destroy();
        finish(false);
      }
    });
    const timer = setTimeout(() => {
      sock.destroy();
      finish(false);
    }, opts.waitMs ?? 10_000);
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ data, closed, ms: Date.now() - started });
    };
    sock.on("data", (d) => (data += d.toString("latin1")));
    sock.on("close", () => finish(true));
    sock.on("error", () => undefined);
  });
}

test("requests that are not SyncML DM messages get a clean HTTP error and no session", async () => {
  const h = await startHarness();
  try {
    const url = h.server.url;
    const ca = h.server.caPem;
    const ascii = (b: Uint8Array) => Buffer.from(b).toString("utf8");
    let r = await post(url, ca, new Uint8Array(Buffer.from("\x00\x01garbage\xff")), { "Content-Type": XML });
    assert.equal(r.status, 400);
    r = await post(url, ca, new Uint8Array(Buffer.from("<SyncML><SyncHdr>")), { "Content-Type": XML });
    assert.equal(r.status, 400);
    r = await post(url, ca, new Uint8Array(Buffer.from('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><SyncML>&a;</SyncML>')), { "Content-Type": XML });
    assert.equal(r.status, 400, "no DTDs, no entities");
    r = await post(url, ca, new Uint8Array([0x02, 0xa4, 0x01, 0x6a, 0x00, 0x6d, 0x6c, 0x71]), { "Content-Type": "application/vnd.syncml.dm+wbxml" });
    assert.equal(r.status, 400, "truncated WBXML");
    r = await post(url, ca, new Uint8Array(Buffer.from("<SyncML/>")), { "Content-Type": "text/plain" });
    assert.equal(r.status, 415);
    const noSession = encodeXmlBytes({ header: { verDTD: "1.2", verProto: "DM/1.2", sessionId: "", msgId: "1", target: { locURI: "x" }, source: { locURI: "IMEI:1" } }, body: { commands: [], final: true } });
    r = await post(url, ca, noSession, { "Content-Type": XML });
    assert.equal(r.status, 400);
    assert.match(ascii(r.body), /SessionID/);
    const ds = encodeXmlBytes({ header: { verDTD: "1.2", verProto: "SyncML/1.2", sessionId: "1", msgId: "1", target: { locURI: "x" }, source: { locURI: "IMEI:1" } }, body: { commands: [], final: true } });
    r = await post(url, ca, ds, { "Content-Type": XML });
    assert.equal(r.status, 200);
    const st = decodeMessage(r.body).body.commands[0] as StatusCommand;
    assert.equal(st.data, "505", "a DS message: protocol version not supported");
    r = await post(url, ca, new Uint8Array(2 * 1024 * 1024), { "Content-Type": XML });
    assert.equal(r.status, 413);
    const get = await rawTls(h, "GET /dm HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    assert.match(get.data, /^HTTP\/1\.1 405/);
    const chunked = await rawTls(h, `POST /dm HTTP/1.1\r\nHost: localhost\r\nContent-Type: ${XML}\r\nTransfer-Encoding: chunked\r\n\r\n` + `100000\r\n${"a".repeat(0x100000)}\r\n100000\r\n${"a".repeat(0x100000)}\r\n0\r\n\r\n`);
    assert.match(chunked.data, /^HTTP\/1\.1 413/, "a streamed body over the limit is cut off");
    assert.equal(h.server.sessionCount(false), 0, "none of these opened a session");
  } finally {
    await h.close();
  }
});

test("a garbage body gets 400 while a concurrent good session completes", async () => {
  const h = await startHarness({ jobs: JOBS });
  try {
    h.register("IMEI:20", "md5");
    const good = h.client("IMEI:20", { tree: TREE }).run();
    const bad = Promise.all(Array.from({ length: 5 }, (_, i) => post(h.server.url, h.server.caPem, new Uint8Array(Buffer.from(`<SyncML>${"<".repeat(i)}`)), { "Content-Type": XML })));
    const [replies, bads] = await Promise.all([good, bad]);
    assert.ok(bads.every((r) => r.status === 400));
    assert.equal(replies.length, 2);
    assert.equal(new RecordStore(h.dir).load("IMEI:20").jobs.probe.state, "done");
  } finally {
    await h.close();
  }
});

test("50 devices at once, some sending garbage, stalling or dropping mid-session: the good ones all complete", async () => {
  const h = await startHarness({ jobs: JOBS, limits: { requestTimeoutMs: 1500, headersTimeoutMs: 1000, handshakeTimeoutMs: 1000 } });
  try {
    const started = Date.now();
    const schemes: Scheme[] = ["basic", "md5", "hmac"];
    const encodings: Encoding[] = ["xml", "wbxml"];
    const good: Promise<SyncMLMessage[]>[] = [];
    const goodIds: string[] = [];
    const misbehaving: Promise<unknown>[] = [];
    for (let i = 0; i < 50; i++) {
      const id = `IMEI:35${String(i).padStart(13, "0")}`;
      h.register(id, schemes[i % 3]);
      const kind = i % 10;
      if (kind < 6) {
        goodIds.push(id);
        good.push(h.client(id, { encoding: encodings[i % 2], tree: TREE }).run());
      } else if (kind === 6) {
        // Garbage: random octets as XML, and as WBXML.
        const junk = new Uint8Array(Buffer.from(Array.from({ length: 300 }, (_, k) => (k * 31 + i) & 0xff)));
        misbehaving.push(post(h.server.url, h.server.caPem, junk, { "Content-Type": i % 2 ? XML : "application/vnd.syncml.dm+wbxml" }).then((r) => assert.equal(r.status, 400)));
      } else if (kind === 7) {
        // Stalls: headers, a bit of body, then nothing: the server cuts it off after requestTimeout.
        misbehaving.push(
          rawTls(h, `POST /dm HTTP/1.1\r\nHost: localhost\r\nContent-Type: ${XML}\r\nContent-Length: 5000\r\n\r\n<SyncML>`).then((r) => {
            assert.ok(r.closed, "the server closed the stalled connection");
            assert.ok(r.ms < 6000, `closed after ${r.ms} ms`);
          }),
        );
      } else if (kind === 8) {
        // Drops mid-session: package 1, then never answers package 2; and another drops during its upload.
        const c = h.client(id, { tree: TREE });
        misbehaving.push(c.send(c.package1()).then((x) => assert.ok(ScriptedClient.managementCommands(x.reply).length > 0)));
        misbehaving.push(rawTls(h, `POST /dm HTTP/1.1\r\nHost: localhost\r\nContent-Type: ${XML}\r\nContent-Length: 9000\r\n\r\n<SyncML><SyncHdr>`, { destroyAfterWrite: true }));
      } else {
        // Connects and never starts TLS: the handshake timeout ends it.
        misbehaving.push(
          new Promise<void>((resolve) => {
            const s = netConnect(port(h), "127.0.0.1");
            const t = setTimeout(() => s.destroy(), 8000);
            s.on("close", () => {
              clearTimeout(t);
              resolve();
            });
            s.on("error", () => undefined);
          }),
        );
      }
    }
    const results = await Promise.all(good);
    const goodMs = Date.now() - started;
    await Promise.all(misbehaving);
    assert.equal(results.length, 30);
    assert.ok(goodMs < 10_000, `the good sessions took ${goodMs} ms`);
    const store = new RecordStore(h.dir);
    for (const id of goodIds) {
      const rec = store.load(id);
      assert.equal(rec.jobs.probe?.state, "done", `${id} finished its job`);
      assert.equal(rec.sessions.at(-1)?.outcome, "completed");
    }
  } finally {
    await h.close();
  }
});

test("an idle session expires: its unanswered commands go back to pending for the next session", async () => {
  let clock = 1_000_000;
  const h = await startHarness({ jobs: JOBS, now: () => clock, limits: { sessionIdleMs: 60_000, closedGraceMs: 1000 } });
  try {
    h.register("IMEI:30", "md5");
    const c = h.client("IMEI:30", { tree: TREE });
    const x = await c.send(c.package1());
    assert.equal(ScriptedClient.managementCommands(x.reply).length, 2);
    assert.equal(h.server.sessionCount(true), 1);
    clock += 61_000;
    h.server.sweep();
    assert.equal(h.server.sessionCount(true), 0);
    const rec = new RecordStore(h.dir).load("IMEI:30");
    assert.equal(rec.sessions.at(-1)?.outcome, "expired");
    assert.ok(rec.jobs.probe.commands.every((r) => r.state === "pending"));
    clock += 2000;
    h.server.sweep();
    assert.equal(h.server.sessionCount(false), 0, "forgotten after the grace period");
    // The device's late answer belongs to no session any more: the server aborts it (Alert 1223).
    c.takeHeaderStatus(x.reply);
    const late = await c.send(c.answer(x.reply));
    assert.ok(late.reply.body.commands.some((k) => k.kind === "Alert" && k.data === "1223"));
    // A new session gets the job again and completes it.
    await h.client("IMEI:30", { tree: TREE }).run();
    assert.equal(new RecordStore(h.dir).load("IMEI:30").jobs.probe.state, "done");
  } finally {
    await h.close();
  }
});

test("a retransmitted message gets the same reply and is not processed twice", async () => {
  const h = await startHarness({ jobs: JOBS });
  try {
    h.register("IMEI:31", "md5");
    const c = h.client("IMEI:31", { tree: TREE });
    const x = await c.send(c.package1());
    c.takeHeaderStatus(x.reply);
    const answer = c.answer(x.reply);
    const first = await c.send(answer);
    const again = await c.send(answer);
    assert.deepEqual(again.http.body, first.http.body);
    const rec = new RecordStore(h.dir).load("IMEI:31");
    assert.equal(rec.sessions.length, 1);
    assert.equal(rec.sessions[0].messages, 2);
    assert.equal(rec.jobs.probe.state, "done");
  } finally {
    await h.close();
  }
});
