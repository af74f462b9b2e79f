// Client messages this project did not produce, written from public documentation (test/fixtures/server/, the
// source is noted at the top of each file): a Windows client's package 1 with auth-md5 credentials and its
// package 3, and the package 1 of the OMA DM protocol example. The server must answer them per the protocol.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Command, StatusCommand, SyncMLMessage } from "../../../agent/syncml/index.js";
import { decodeMessage, decodeXml, encodeWbxml } from "../../../agent/syncml/index.js";
import { RecordStore } from "../../../server/records.js";
import { ROOT } from "../../support/temp.js";
import { startHarness } from "./harness.js";
import { post } from "./scripted-client.js";

const fixture = (name: string) => readFileSync(join(ROOT, "test", "fixtures", "server", name));
const WINDOWS_ID = "42B8C4C15E9D4D639C1F0A1B2C3D4E5F";
const WIN = {
  serverId: "contoso-dm", clientName: "win-user", clientSecret: "win-password", serverSecret: "contoso-secret",
  clientNonce: Buffer.from("Windows-nonce-01").toString("base64"), serverNonce: Buffer.from("server-nonce-01").toString("base64"),
};
const JOBS = {
  jobs: [{
    id: "windows-inventory", device: WINDOWS_ID,
    commands: [
      { Get: "./DevDetail/SwV" },
      { Get: "./DevDetail/Ext/Microsoft/DeviceName" },
      { Replace: { uri: "./Vendor/MSFT/Policy/Config/Update/ActiveHoursStart", format: "int", data: "9" } },
    ],
  }],
};

const statusOf = (m: SyncMLMessage, cmdRef: string) => m.body.commands.find((c): c is StatusCommand => c.kind === "Status" && c.cmdRef === cmdRef);
const md5b64 = (s: Buffer | string) => createHash("md5").update(s).digest("base64");

async function send(url: string, ca: string, body: Uint8Array, wbxml = false): Promise<SyncMLMessage> {
  const r = await post(url, ca, body, { "Content-Type": `application/vnd.syncml.dm+${wbxml ? "wbxml" : "xml"}` });
  assert.equal(r.status, 200, Buffer.from(r.body).toString("utf8"));
  assert.equal(r.headers["content-type"], `application/vnd.syncml.dm+${wbxml ? "wbxml" : "xml"}`);
  return decodeMessage(r.body);
}

for (const wbxml of [false, true]) {
  test(`the Windows client's package 1 and package 3 get package 2 and the closing message${wbxml ? " (re-encoded as WBXML)" : ""}`, async () => {
    const h = await startHarness({ jobs: JOBS });
    try {
      h.registry.put(WINDOWS_ID, { ...WIN, authScheme: "md5" });
      const body = (name: string) => (wbxml ? encodeWbxml(decodeXml(fixture(name))) : new Uint8Array(fixture(name)));
      const pkg2 = await send(h.server.url, h.server.caPem, body("windows-pkg1-md5.xml"), wbxml);

      assert.equal(pkg2.header.sessionId, "1");
      assert.equal(pkg2.header.msgId, "1");
      assert.equal(pkg2.header.target.locURI, WINDOWS_ID);
      assert.equal(pkg2.header.source.locURI, "https://contoso.com/management-server", "the URI the client addressed");
      // The server's Cred: MD5 digest of its name and secret with the nonce the device gave it.
      const expected = md5b64(Buffer.concat([Buffer.from(md5b64("contoso-dm:contoso-secret") + ":"), Buffer.from("server-nonce-01")]));
      assert.equal(pkg2.header.cred?.meta?.type, "syncml:auth-md5");
      assert.equal(pkg2.header.cred?.data, expected);

      const hdr = statusOf(pkg2, "0")!;
      assert.equal(hdr.cmd, "SyncHdr");
      assert.equal(hdr.msgRef, "1");
      assert.equal(hdr.data, "212", "credentials accepted for the session");
      assert.deepEqual(hdr.targetRefs, ["https://contoso.com/management-server"]);
      assert.deepEqual(hdr.sourceRefs, [WINDOWS_ID]);
      assert.equal(hdr.chal?.type, "syncml:auth-md5");
      assert.equal(hdr.chal?.format, "b64");
      assert.equal(h.registry.get(WINDOWS_ID)!.clientNonce, hdr.chal?.nextNonce, "the next session's nonce is persisted");
      assert.deepEqual([statusOf(pkg2, "1")?.cmd, statusOf(pkg2, "1")?.data], ["Alert", "200"]);
      assert.deepEqual([statusOf(pkg2, "2")?.cmd, statusOf(pkg2, "2")?.data], ["Alert", "200"]);
      assert.deepEqual([statusOf(pkg2, "3")?.cmd, statusOf(pkg2, "3")?.data], ["Replace", "200"]);
      const cmds = pkg2.body.commands.filter((c) => c.kind !== "Status");
      assert.deepEqual(cmds.map((c: Command) => [c.kind, c.cmdId]), [["Get", "5"], ["Get", "6"], ["Replace", "7"]], "the CmdIDs package 3 refers to");
      assert.equal(pkg2.body.final, true);

      const pkg4 = await send(h.server.url, h.server.caPem, body("windows-pkg3-results.xml"), wbxml);
      assert.deepEqual(pkg4.body.commands.map((c) => c.kind), ["Status"], "only Status: the session is over (§2.3.6)");
      assert.equal(statusOf(pkg4, "0")?.msgRef, "2");
      assert.equal(pkg4.body.final, true);
      assert.equal(pkg4.header.cred, undefined, "the client accepted the server (212): no Cred any more");

      const rec = new RecordStore(h.dir).load(WINDOWS_ID);
      assert.equal(rec.devInfo["./DevInfo/Man"], "Microsoft Corporation");
      assert.equal(rec.devInfo["./DevInfo/DmV"], "1.3");
      assert.equal(rec.alerts[0].code, "1224");
      assert.equal(rec.alerts[0].items[0].type, "com.microsoft/MDM/LoginStatus");
      assert.equal(rec.alerts[0].items[0].data, "user");
      const job = rec.jobs["windows-inventory"];
      assert.equal(job.state, "done");
      assert.equal(job.commands[0].results?.[0].data, "10.0.19045.2006");
      assert.equal(job.commands[1].results?.[0].data, "DESKTOP-42B8C4C");
      assert.equal(job.commands[2].status, "200");
      assert.equal(rec.sessions.at(-1)?.outcome, "completed");
    } finally {
      await h.close();
    }
  });
}

test("the Windows package 1 with a digest made from another nonce gets 401, a Chal and Status for each command", async () => {
  const h = await startHarness({ jobs: JOBS });
  try {
    h.registry.put(WINDOWS_ID, { ...WIN, authScheme: "md5", clientNonce: Buffer.from("another nonce").toString("base64") });
    const reply = await send(h.server.url, h.server.caPem, new Uint8Array(fixture("windows-pkg1-md5.xml")));
    const hdr = statusOf(reply, "0")!;
    assert.equal(hdr.data, "401");
    assert.equal(hdr.chal?.type, "syncml:auth-md5");
    assert.ok(hdr.chal?.nextNonce);
    assert.deepEqual(reply.body.commands.map((c) => [c.kind, (c as StatusCommand).cmdRef, (c as StatusCommand).data]), [
      ["Status", "0", "401"], ["Status", "1", "401"], ["Status", "2", "401"], ["Status", "3", "401"],
    ]);
    assert.equal(new RecordStore(h.dir).load(WINDOWS_ID).devInfo["./DevInfo/Man"], undefined, "nothing of a refused message is taken");
  } finally {
    await h.close();
  }
});

test("the OMA protocol example's package 1 (basic, server-initiated, MaxMsgSize 5000) is answered per the protocol", async () => {
  const jobs = { jobs: [{ id: "wap", device: "*", commands: Array.from({ length: 60 }, (_, i) => ({ Get: `./Settings/WAP/Access${i}/Name` })) }] };
  const h = await startHarness({ jobs });
  try {
    h.registry.put("IMEI:493005100592800", {
      serverId: "www.syncml.org", clientName: "Bruce1", clientSecret: "OhBehave", serverSecret: "server-pw", authScheme: "basic", clientNonce: "", serverNonce: "",
    });
    const r = await post(h.server.url, h.server.caPem, new Uint8Array(fixture("oma-pkg1-basic-server-initiated.xml")), { "Content-Type": "application/vnd.syncml.dm+xml" });
    assert.equal(r.status, 200);
    assert.ok(r.body.length <= 5000, `package 2 of ${r.body.length} octets respects MaxMsgSize 5000`);
    const pkg2 = decodeMessage(r.body);
    assert.equal(statusOf(pkg2, "0")?.data, "212");
    assert.equal(statusOf(pkg2, "0")?.chal, undefined, "basic has no nonce to renew");
    assert.equal(statusOf(pkg2, "1")?.data, "200");
    assert.equal(statusOf(pkg2, "3")?.data, "200");
    assert.equal(pkg2.header.cred?.data, Buffer.from("www.syncml.org:server-pw").toString("base64"), "the server's basic Cred");
    const gets = pkg2.body.commands.filter((c) => c.kind === "Get").length;
    assert.ok(gets > 0 && gets < 60, `${gets} of 60 Gets fit in 5000 octets; the rest waits for the next package`);
    const rec = new RecordStore(h.dir).load("IMEI:493005100592800");
    assert.equal(rec.sessions.at(-1)?.alert, "1200");
    assert.equal(rec.devInfo["./DevInfo/Mod"], "SmartPhone2000");
  } finally {
    await h.close();
  }
});
