// Client authentication per OMA-TS-DM_Security §5.1 and OMA-TS-DM_Protocol §2.4: basic, MD5 digest and HMAC,
// in both encodings; wrong or missing credentials get 401/407 with a Chal and a fresh nonce, the retry works;
// nonces are renewed and persisted in the state directory; the server proves itself to the device.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import type { StatusCommand, SyncMLMessage } from "../../../agent/syncml/index.js";
import { RecordStore } from "../../../server/records.js";
import { nonceBytes } from "../../../server/registry.js";
import { startHarness } from "./harness.js";
import { ScriptedClient, type Encoding, type Scheme } from "./scripted-client.js";

const hdrStatus = (m: SyncMLMessage) => m.body.commands.find((c): c is StatusCommand => c.kind === "Status" && c.cmd === "SyncHdr")!;
const TYPE: Record<Scheme, string> = { basic: "syncml:auth-basic", md5: "syncml:auth-md5", hmac: "syncml:auth-MAC" };
const JOBS = { jobs: [{ id: "probe", device: "*", commands: [{ Get: "./DevInfo/Man" }, { Replace: { uri: "./Vendor/X", data: "y" } }] }] };

for (const scheme of ["basic", "md5", "hmac"] as Scheme[]) {
  for (const encoding of ["xml", "wbxml"] as Encoding[]) {
    test(`${scheme} (${encoding}): a wrong password gets 401 with a Chal, the retry with the right one is accepted`, async () => {
      const h = await startHarness({ jobs: JOBS });
      try {
        const entry = h.register("IMEI:100000000000001", scheme);
        const c = h.client("IMEI:100000000000001", { encoding, secret: "not-the-password", tree: { "./DevInfo/Man": "Acme" } });
        const x = await c.send(c.package1());
        const s = hdrStatus(x.reply);
        assert.equal(s.data, "401");
        assert.equal(s.chal?.type, TYPE[scheme]);
        assert.equal(s.chal?.format, "b64");
        if (scheme !== "basic") {
          assert.ok(s.chal?.nextNonce);
          assert.equal(h.registry.get("IMEI:100000000000001")!.clientNonce, s.chal!.nextNonce, "the issued nonce is persisted");
        }
        // Only Status in a refusal, one per command, none executed (§2.4.1).
        assert.ok(x.reply.body.commands.every((k) => k.kind === "Status"));
        assert.deepEqual(x.reply.body.commands.map((k) => (k as StatusCommand).data), ["401", "401", "401"]);

        c.takeHeaderStatus(x.reply);
        c.o.secret = entry.clientSecret;
        const y = await c.send(c.package1("1201", x.reply));
        const ok = hdrStatus(y.reply);
        assert.equal(ok.data, scheme === "hmac" ? "200" : "212");
        assert.equal(ScriptedClient.managementCommands(y.reply).length, 2, "the job follows the accepted package 1");
        // And the session completes.
        c.takeHeaderStatus(y.reply);
        const z = await c.send(c.answer(y.reply));
        assert.deepEqual(z.reply.body.commands.map((k) => k.kind), ["Status"]);
        assert.ok(c.serverCredOk.length > 0 && c.serverCredOk.every(Boolean), "the server's credentials check out on the device side");
        const rec = new RecordStore(h.dir).load("IMEI:100000000000001");
        assert.equal(rec.sessions.at(-1)?.outcome, "completed");
        assert.equal(rec.sessions.at(-1)?.auth, scheme);
      } finally {
        await h.close();
      }
    });
  }

  test(`${scheme}: no credentials at all get 407 with a Chal`, async () => {
    const h = await startHarness();
    try {
      h.register("IMEI:2", scheme);
      const c = h.client("IMEI:2", { noCredentials: true });
      const x = await c.send(c.package1());
      const s = hdrStatus(x.reply);
      assert.equal(s.data, "407");
      assert.equal(s.chal?.type, TYPE[scheme]);
      const replies = await h.client("IMEI:2", { nonce: nonceBytes(s.chal?.nextNonce ?? "") }).run();
      assert.ok(["200", "212"].includes(hdrStatus(replies[0]).data));
    } finally {
      await h.close();
    }
  });
}

test("md5: the nonce of the 212 Chal is persisted and is the one the next session must use", async () => {
  const h = await startHarness();
  try {
    h.register("IMEI:3", "md5");
    const first = h.client("IMEI:3");
    const replies = await first.run();
    const next = hdrStatus(replies[0]).chal!.nextNonce!;
    assert.equal(h.registry.get("IMEI:3")!.clientNonce, next);
    // A device that kept the old nonce is refused once, with a new challenge, then gets in (§5.1.3.3).
    const stale = h.client("IMEI:3", { nonce: new Uint8Array([1, 2, 3]) });
    const x = await stale.send(stale.package1());
    assert.equal(hdrStatus(x.reply).data, "401");
    const again = await h.client("IMEI:3").run();
    assert.equal(hdrStatus(again[0]).data, "212");
  } finally {
    await h.close();
  }
});

test("a NextNonce the device gives the server is persisted and used for the server's Cred next time", async () => {
  const h = await startHarness({ jobs: JOBS });
  try {
    h.register("IMEI:4", "md5");
    const renewed = new Uint8Array([9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6]);
    await h.client("IMEI:4", { renewServerNonce: renewed, tree: { "./DevInfo/Man": "Acme" } }).run();
    assert.equal(h.registry.get("IMEI:4")!.serverNonce, Buffer.from(renewed).toString("base64"));
    const c = h.client("IMEI:4", { tree: { "./DevInfo/Man": "Acme" } });
    assert.deepEqual(c.o.server!.nonce, renewed);
    await c.run();
    assert.ok(c.serverCredOk[0], "the server's Cred is computed with the renewed nonce");
  } finally {
    await h.close();
  }
});

test("hmac: every message is checked; a message whose body does not match its mac is refused", async () => {
  const h = await startHarness({ jobs: JOBS });
  try {
    h.register("IMEI:5", "hmac");
    const c = h.client("IMEI:5", { tree: { "./DevInfo/Man": "Acme" } });
    const x = await c.send(c.package1());
    assert.equal(hdrStatus(x.reply).data, "200");
    c.takeHeaderStatus(x.reply);
    const answer = c.answer(x.reply);
    const otherBody = c.encode({ ...answer, body: { ...answer.body, commands: answer.body.commands.slice(0, 1) } });
    const { creds } = await import("./scripted-client.js");
    const forged = `algorithm=MD5, username="${c.o.name}", mac=${creds.hmac(c.o.name, c.o.secret, c.o.nonce, otherBody)}`;
    const y = await c.send(answer, { "x-syncml-hmac": forged });
    assert.equal(hdrStatus(y.reply).data, "401");
    assert.equal(hdrStatus(y.reply).chal?.type, "syncml:auth-MAC");
  } finally {
    await h.close();
  }
});

test("an unknown device is challenged like a wrong password and leaves no record", async () => {
  const h = await startHarness();
  try {
    h.register("IMEI:6", "md5");
    const c = h.client("IMEI:6");
    const stranger = new ScriptedClient({ ...c.o, deviceId: "IMEI:999999999999999" });
    const x = await stranger.send(stranger.package1());
    assert.equal(hdrStatus(x.reply).data, "401");
    assert.ok(hdrStatus(x.reply).chal?.nextNonce);
    assert.equal(x.reply.header.cred, undefined, "no server credentials for a device it does not know");
    assert.equal(existsSync(new RecordStore(h.dir).fileOf("IMEI:999999999999999")), false);
  } finally {
    await h.close();
  }
});

test("after three failed attempts the session is closed as auth-failed", async () => {
  const h = await startHarness();
  try {
    h.register("IMEI:7", "basic");
    const c = h.client("IMEI:7", { secret: "wrong" });
    let x = await c.send(c.package1());
    for (let i = 0; i < 2; i++) x = await c.send(c.package1("1201", x.reply));
    assert.equal(hdrStatus(x.reply).data, "401");
    const rec = new RecordStore(h.dir).load("IMEI:7");
    assert.equal(rec.sessions.at(-1)?.outcome, "auth-failed");
    assert.equal(h.server.sessionCount(true), 0);
  } finally {
    await h.close();
  }
});

test("a device that refuses the server's Cred with 401 and a new nonce gets the same commands again, with a Cred from that nonce", async () => {
  const h = await startHarness({ jobs: JOBS });
  try {
    const entry = h.register("IMEI:8", "md5");
    const c = h.client("IMEI:8", { tree: { "./DevInfo/Man": "Acme" } });
    const x = await c.send(c.package1());
    c.takeHeaderStatus(x.reply);
    const firstCommands = ScriptedClient.managementCommands(x.reply).map((k) => k.kind);
    // The device holds another server nonce than the server: it refuses and challenges (OMA-TS-DM_Protocol §2.4.1).
    const fresh = new Uint8Array([0xde, 0xad, 0xbe, 0xef]);
    const refusal: SyncMLMessage = {
      header: { ...x.sent.header, msgId: "2" },
      body: {
        commands: [{ ...c.headerStatus(x.reply, "1", "401"), chal: { type: "syncml:auth-md5", format: "b64", nextNonce: Buffer.from(fresh).toString("base64") } }],
        final: true,
      },
    };
    delete refusal.header.cred;
    const y = await c.send(refusal);
    assert.equal(h.registry.get("IMEI:8")!.serverNonce, Buffer.from(fresh).toString("base64"));
    const { creds } = await import("./scripted-client.js");
    assert.equal(y.reply.header.cred?.data, creds.md5(entry.serverName ?? entry.serverId, entry.serverSecret, fresh));
    assert.deepEqual(ScriptedClient.managementCommands(y.reply).map((k) => k.kind), firstCommands, "the refused commands, again");
    c.o.server!.nonce = fresh;
    const z = await c.send(c.answer(y.reply));
    assert.deepEqual(z.reply.body.commands.map((k) => k.kind), ["Status"]);
    const rec = new RecordStore(h.dir).load("IMEI:8");
    assert.equal(rec.jobs.probe.state, "done");
    assert.deepEqual(rec.jobs.probe.commands.map((r) => r.status), ["200", "200"]);
  } finally {
    await h.close();
  }
});
