// Acceptance of issue 5 against the reference server (server/DmServer) over real TLS on loopback, in both
// encodings: every command and its status path, the user interaction alerts, an Atomic rolled back by a
// failing command, a 150 KB object each way (three messages or more each way: the server's package in chunks under
// the device's MaxMsgSize, the device's reply in chunks under the server's), and both authentication
// directions over two sessions, so that the nonces each side renewed must meet.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { DmServer } from "../../../server/dm-server.js";
import { DeviceRegistry, makeEntry, nonceBytes, type DeviceEntry } from "../../../server/registry.js";
import { RecordStore, type CommandRecord } from "../../../server/records.js";
import { decodeMessage, type SyncMLMessage } from "../../../agent/syncml/index.js";
import type { Handset } from "../../../hal/emulated/handset.js";
import { tempDir } from "../../support/temp.js";
import { bootDevice, provision, runSession } from "./support/device.js";

const DEVICE = "IMEI:490154203237518";
const BIG = "ABCDEFGHIJ".repeat(15_000); // 150 000 octets: three messages or more either way at these sizes
const TYPE = { basic: "BASIC", md5: "DIGEST", hmac: "HMAC" } as const;

const JOBS = {
  jobs: [{
    id: "acceptance", device: "*",
    commands: [
      { Get: "./DevInfo/Man" },
      { Replace: { uri: "./Vendor?prop=ACL", data: "Add=*&Delete=*&Get=*&Replace=*&Exec=*" } },
      { Add: { uri: "./Vendor/Acme", format: "node" } },
      { Add: { uri: "./Vendor/Acme/Colour", format: "chr", data: "blue" } },
      { Add: { uri: "./Vendor/Acme/Colour", format: "chr", data: "again" } },
      { Replace: { uri: "./Vendor/Acme/Colour", data: "red" } },
      { Copy: { target: "./Vendor/Acme/Shade", source: "./Vendor/Acme/Colour" } },
      { Get: ["./Vendor/Acme/Shade", "./Vendor/Acme?list=Struct"] },
      { Delete: "./Vendor/Acme/Shade" },
      { Exec: { uri: "./Vendor/Acme/Colour", correlator: "x-1" } },
      { Get: "./Vendor/Missing" },
      { Replace: { uri: "./DevInfo/Man", data: "other" } },
      { Get: "./Vendor/Acme?list=TNDS+Format+Value" },
      { Atomic: [{ Add: { uri: "./Vendor/Acme/A", format: "int", data: "1" } }, { Add: { uri: "./Vendor/Acme/Colour/Under", data: "x" } }, { Add: { uri: "./Vendor/Acme/B", data: "2" } }] },
      { Get: "./Vendor/Acme/A" },
      { Sequence: [{ Alert: { code: 1101, text: "Apply?" } }, { Replace: { uri: "./Vendor/Acme/Colour", data: "green" } }] },
      { Alert: { code: 1102, text: "Name?", maxLen: 10 } },
      { Alert: { code: 1103, text: "Pick", choices: ["One", "Two"] } },
      { Add: { uri: "./Vendor/Acme/Big", format: "chr", data: BIG } },
      { Get: "./Vendor/Acme/Big" },
    ],
  }],
};

function provisionFrom(e: DeviceEntry, url: string, caPem: string, encoding: "xml" | "wbxml") {
  const type = TYPE[e.authScheme];
  return {
    serverId: e.serverId, url, encoding,
    clientAuth: { type, name: e.clientName, secret: e.clientSecret, nonce: nonceBytes(e.clientNonce) },
    serverAuth: { type, name: e.serverName ?? e.serverId, secret: e.serverSecret, nonce: nonceBytes(e.serverNonce) },
    trustAnchors: [new Uint8Array(new X509Certificate(caPem).raw)],
  };
}

/** What crossed the emulated network, decoded: the device's messages and the server's. */
function traffic(h: Handset): Array<{ sent: SyncMLMessage; got?: SyncMLMessage }> {
  return h.control.network.exchanges.map((x) => ({
    sent: decodeMessage(new Uint8Array(x.requestBody)),
    got: x.responseBody?.length ? decodeMessage(new Uint8Array(x.responseBody)) : undefined,
  }));
}

const statuses = (cs: CommandRecord[]): Array<string | undefined> => cs.map((c) => c.status);

for (const encoding of ["xml", "wbxml"] as const) {
  describe(`the agent with the reference server (${encoding})`, () => {
    it("ACC-001 runs every command, each status path, the Atomic rollback and a 150 KB object both ways", async () => {
      // Procedure: one job of every command kind; the server's MaxMsgSize is 48 KB, the device's 64 KiB.
      // Pass criteria: the statuses below; a 150 KB value arrives in three chunk messages (213, 213, 200) and
      //   goes back in at least three messages, reassembled unchanged; the Atomic is 507 with 216/405/215.
      const dir = tempDir();
      const state = tempDir("dm-ref-");
      const server = await DmServer.start({ stateDir: state.path, jobs: JOBS, limits: { maxMsgSize: 48 * 1024 } });
      let h: Handset | undefined;
      try {
        const entry = makeEntry({ authScheme: "md5", serverId: "dm.example.net", clientName: "acceptance" });
        new DeviceRegistry(state.path).put(DEVICE, entry);
        await provision(dir.path, provisionFrom(entry, server.url, server.caPem, encoding));
        h = await bootDevice(dir.path, { ui: [{ outcome: "accepted", value: true }, { outcome: "accepted", value: "Alice" }, { outcome: "accepted", value: [1] }] });
        const summary = await runSession(h, { serverId: "dm.example.net" }, 1000);
        assert.equal(summary.status, "completed", summary.reason);
        const job = new RecordStore(state.path).load(DEVICE).jobs.acceptance;
        assert.equal(job.state, "done");
        assert.deepEqual(statuses(job.commands), [
          "200", "200", "200", "200", "418", "200", "200", "200", "200", "405", "404", "405", "200",
          "507", "404", "200", "200", "200", "200", "200",
        ]);
        assert.deepEqual(statuses(job.commands[13].children!), ["216", "405", "215"]);
        assert.deepEqual(statuses(job.commands[15].children!), ["200", "200"]);
        assert.deepEqual(job.commands[16].statusItems, ["Alice"]);
        assert.deepEqual(job.commands[17].statusItems, ["2"]);
        assert.equal(job.commands[7].results?.[0].data, "red");
        assert.equal(job.commands[19].results?.[0].data, BIG, "the 150 KB value came back whole");

        const t = traffic(h);
        const inChunks = t.filter((x) => x.got?.body.commands.some((c) => c.kind === "Add" && c.items[0]?.target?.locURI === "./Vendor/Acme/Big"));
        assert.ok(inChunks.length >= 3, `the server's package of the object spans ${inChunks.length} messages`);
        assert.deepEqual(inChunks.map((x) => x.got!.body.final), inChunks.map((_, i) => i === inChunks.length - 1));
        const outChunks = t.filter((x) => x.sent.body.commands.some((c) => c.kind === "Results" && c.items[0]?.source?.locURI === "./Vendor/Acme/Big"));
        assert.ok(outChunks.length >= 3, `the device's reply spans ${outChunks.length} messages`);
        assert.deepEqual(outChunks.map((x) => x.sent.body.final), outChunks.map((_, i) => i === outChunks.length - 1));
        assert.ok(h.control.network.exchanges.every((x) => x.requestBody.length <= 48 * 1024));
      } finally {
        h?.shutdown();
        await server.stop();
        state.remove();
        dir.remove();
      }
    });

    for (const scheme of ["basic", "md5", "hmac"] as const) {
      it(`ACC-002 authenticates both ways with ${scheme}, renews the nonces, and authenticates again with them`, async () => {
        const dir = tempDir();
        const state = tempDir("dm-ref-");
        const server = await DmServer.start({ stateDir: state.path, jobs: { jobs: [{ id: "one", device: "*", commands: [{ Get: "./DevDetail/FwV" }] }] } });
        let h: Handset | undefined;
        try {
          const registry = new DeviceRegistry(state.path);
          const entry = makeEntry({ authScheme: scheme, serverId: "dm.example.net", clientName: "auth" });
          registry.put(DEVICE, entry);
          await provision(dir.path, provisionFrom(entry, server.url, server.caPem, encoding));
          h = await bootDevice(dir.path);
          assert.equal((await runSession(h, { serverId: "dm.example.net" })).status, "completed");
          const after = registry.get(DEVICE)!;
          if (scheme !== "basic") {
            assert.notEqual(after.clientNonce, entry.clientNonce, "the server gave a new client nonce");
            assert.notEqual(after.serverNonce, entry.serverNonce, "the device gave a new server nonce");
          }
          server.setJobs({ jobs: [{ id: "two", device: "*", commands: [{ Get: "./DevDetail/SwV" }] }] });
          const second = await runSession(h, { serverId: "dm.example.net", sessionId: 0x2a, alert: 1200 });
          assert.equal(second.status, "completed", second.reason);
          const rec = new RecordStore(state.path).load(DEVICE);
          assert.deepEqual(rec.sessions.map((s) => [s.outcome, s.auth]), [["completed", scheme], ["completed", scheme]]);
          const authRetries = traffic(h).filter((x) => x.got?.body.commands.some((c) => c.kind === "Status" && c.cmdRef === "0" && (c.data === "401" || c.data === "407")));
          assert.equal(authRetries.length, 0, "no challenge needed: both sides kept the other's nonce");
        } finally {
          h?.shutdown();
          await server.stop();
          state.remove();
          dir.remove();
        }
      });
    }
  });
}
