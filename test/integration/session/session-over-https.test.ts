// DM sessions end to end: the real bundle in QuickJS over the emulated HAL, against a scripted DM server over
// real TLS on 127.0.0.1, in XML and in WBXML. Test cases are named after OMA DM Enabler Test Specification
// style IDs (DM-SESS-nnn, this project's own numbering).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Command, StatusCommand } from "../../../agent/syncml/index.js";
import { tempDir } from "../../support/temp.js";
import type { Handset } from "../../../hal/emulated/handset.js";
import { ScriptedServer, add, chunked, cmdId, del, get, replace, target, type Credentials, type ScriptedServerOptions } from "./support/scripted-server.js";
import { bootDevice, provision, readKey, runSession, CA_DIR, type AccountSpec } from "./support/device.js";

const SECRET_WORDS = ["pw-client", "pw-server"];

interface Rig {
  server: ScriptedServer;
  handset: Handset;
  dir: ReturnType<typeof tempDir>;
  close(): Promise<void>;
}

async function rig(o: Partial<ScriptedServerOptions> & { account?: Partial<AccountSpec>; ui?: NonNullable<Parameters<typeof bootDevice>[1]>["ui"] }, encoding: "xml" | "wbxml"): Promise<Rig> {
  const dir = tempDir();
  const server = await new ScriptedServer({ caDir: CA_DIR, ...o }).start();
  await provision(dir.path, {
    serverId: "dm.test", url: server.url, encoding, clientAuth: o.clientAuth, serverAuth: o.serverAuth, trustAnchors: [server.ca.caDer], ...o.account,
  });
  const handset = await bootDevice(dir.path, { ui: o.ui });
  const r: Rig = {
    server, handset, dir,
    async close() {
      r.handset.shutdown();
      await server.stop();
      dir.remove();
    },
  };
  return r;
}

const aclForAll = (uri: string, id = cmdId()): Command => replace(`${uri}?prop=ACL`, "Add=*&Delete=*&Get=*&Replace=*&Exec=*", "chr", id);

for (const encoding of ["xml", "wbxml"] as const) {
  describe(`DM sessions over HTTPS (${encoding})`, () => {
    it("DM-SESS-001 runs every command and answers each with its status", async () => {
      // Procedure: a client-initiated session; the server sends Add, Get, Replace, Copy, Delete, Exec, a Get of
      //   a missing node, an unsupported command, a NoResp Replace, a successful Atomic, a Sequence stopped by a
      //   failure, a display and a confirmation alert (answered Yes by the user), and Get ?list=TNDS.
      // Pass criteria: every command has the OMA status the spec gives; Results carry the values; the device's
      //   messages use the account's encoding and content type; the session completes.
      const r = await rig({
        clientAuth: { type: "BASIC", name: "dev", secret: "pw-client" },
        ui: [{ outcome: "accepted", value: true }],
        packages: [
          [aclForAll("./Vendor", "1"), add("./Vendor/Acme", undefined, "chr", "2"), add("./Vendor/Acme/Colour", "blue", "chr", "3"), get("./Vendor/Acme/Colour", "4")],
          [
            replace("./Vendor/Acme/Colour", "red", "chr", "5"),
            { kind: "Copy", cmdId: "6", items: [{ target: { locURI: "./Vendor/Acme/Shade" }, source: { locURI: "./Vendor/Acme/Colour" } }] },
            get("./Vendor/Acme/Shade", "7"),
            del("./Vendor/Acme/Shade", "8"),
            { kind: "Exec", cmdId: "9", items: [target("./DevInfo/Man")] }, // the root's factory ACL grants no Exec: 425
            get("./Vendor/Nothing", "10"),
            { kind: "Unsupported", name: "Put", cmdId: "11" },
            { ...replace("./Vendor/Acme/Colour", "green", "chr", "12"), noResp: true } as Command,
            { kind: "Atomic", cmdId: "13", commands: [add("./Vendor/Acme/A1", "1", "int", "14"), add("./Vendor/Acme/A2", "2", "int", "15")] },
            { kind: "Sequence", cmdId: "16", commands: [replace("./Vendor/Acme/None", "x", "chr", "17"), add("./Vendor/Acme/S1", "x", "chr", "18")] },
            { kind: "Alert", cmdId: "19", data: "1100", items: [{ data: "MINDT=0" }, { data: "Configuring your phone" }] },
            { kind: "Alert", cmdId: "20", data: "1101", items: [{ data: "" }, { data: "Apply settings?" }] },
            get("./Vendor/Acme?list=TNDS+Format+Value", "21"),
            get("./Vendor/Acme/Colour", "22"),
          ],
        ],
      }, encoding);
      try {
        // Virtual time moves so the display's minimum time passes.
        const summary = await runSession(r.handset, { serverId: "dm.test" }, 100);
        assert.equal(summary.status, "completed", summary.reason);
        const s = (id: string) => r.server.statusOf(id)[0];
        assert.deepEqual(
          ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "13", "14", "15", "16", "17", "18", "19", "20", "21", "22"].map((id) => `${id}:${s(id)}`),
          ["1:200", "2:200", "3:200", "4:200", "5:200", "6:200", "7:200", "8:200", "9:425", "10:404", "11:406", "13:200", "14:200", "15:200",
            "16:200", "17:404", "18:215", "19:200", "20:200", "21:200", "22:200"],
        );
        assert.deepEqual(r.server.statusOf("12"), [], "NoResp: no Status");
        assert.equal(r.server.resultsOf("4")[0].items[0].data, "blue");
        assert.equal(r.server.resultsOf("7")[0].items[0].data, "red");
        assert.equal(r.server.resultsOf("22")[0].items[0].data, "green");
        const tnds = r.server.resultsOf("21")[0].items[0];
        assert.equal(tnds.meta?.type, "application/vnd.syncml.dmtnds+xml");
        assert.equal(typeof tnds.data === "object" && !(tnds.data instanceof Uint8Array) && tnds.data.name, "MgmtTree");
        const type = encoding === "wbxml" ? "application/vnd.syncml.dm+wbxml" : "application/vnd.syncml.dm+xml";
        assert.ok(r.server.exchanges.every((e) => e.contentType === type));
        assert.deepEqual(r.handset.control.ui!.shown.map((p) => p.kind), ["display", "confirm"]);
      } finally {
        await r.close();
      }
    });

    for (const type of ["BASIC", "DIGEST", "HMAC"] as const) {
      it(`DM-SESS-002 authenticates both ways with ${type} and renews the nonces for the next session`, async () => {
        // Procedure: two sessions; the account holds CLCRED and SRVCRED of type ${type}; the server gives a new
        //   client nonce in each Status for the SyncHdr.
        // Pass criteria: the device sends the right credentials (Cred or x-syncml-hmac), accepts the server's
        //   (212), stores the nonce the server gave and the one it gave the server, and the second session
        //   authenticates with those nonces. No secret, nonce or digest reaches the trace or the log.
        const client: Credentials & { nonce: Uint8Array } = { type, name: "dev", secret: "pw-client", nonce: new Uint8Array([1, 2, 3, 4]) };
        const server: Credentials & { nonce: Uint8Array } = { type, name: "srv", secret: "pw-server", nonce: new Uint8Array([5, 6, 7, 8]) };
        const r = await rig({ clientAuth: client, serverAuth: server, packages: [[get("./DevInfo/Mod", "1")]] }, encoding);
        try {
          const first = await runSession(r.handset, { serverId: "dm.test" });
          assert.equal(first.status, "completed", first.reason);
          const hdr = (e: { reply?: { body: { commands: Command[] } } }) => e.reply?.body.commands[0] as StatusCommand;
          assert.equal(hdr(r.server.exchanges[0]).data, "212", "the server accepted the device");
          const deviceSaid = r.server.exchanges[1].request!.body.commands[0] as StatusCommand;
          assert.equal(deviceSaid.data, "212", "the device accepted the server");
          const clientNonce = readKey(r.handset, "DMAcc/acc1/AppAuth/c/AAuthData");
          const serverNonce = readKey(r.handset, "DMAcc/acc1/AppAuth/s/AAuthData");
          if (type === "BASIC") {
            assert.deepEqual(clientNonce, { type: "buffer", value: client.nonce.slice().buffer });
          } else {
            const given = r.server.exchanges.map(hdr).filter((s) => s?.chal?.nextNonce).pop()!.chal!.nextNonce!;
            assert.deepEqual(Buffer.from((clientNonce as { value: ArrayBuffer }).value), Buffer.from(given, "base64"), "the nonce the server gave last");
            assert.deepEqual(Buffer.from((serverNonce as { value: ArrayBuffer }).value), Buffer.from(deviceSaid.chal!.nextNonce!, "base64"), "the nonce the device gave");
          }
          const second = await runSession(r.handset, { serverId: "dm.test" });
          assert.equal(second.status, "completed", second.reason);
          const text = JSON.stringify(r.handset.control.trace) + JSON.stringify(r.handset.control.log);
          for (const w of SECRET_WORDS) assert.ok(!text.includes(w), `"${w}" leaked`);
          for (const e of r.server.exchanges) {
            const c = e.request?.header.cred?.data;
            if (c) assert.ok(!text.includes(c), "a digest leaked");
          }
        } finally {
          await r.close();
        }
      });
    }

    it("DM-SESS-003 answers a challenge once with the server's scheme and nonce (stale nonce on the device)", async () => {
      // Procedure: the device holds an old client nonce; the server answers package 1 with 401 and a Chal.
      // Pass criteria: the device sends package 1 again with a digest over the new nonce; the session completes.
      const r = await rig({
        clientAuth: { type: "DIGEST", name: "dev", secret: "pw-client", nonce: new Uint8Array([9]) },
        account: { clientAuth: { type: "DIGEST", name: "dev", secret: "pw-client", nonce: new Uint8Array([1]) } },
        packages: [[get("./DevInfo/DmV", "1")]],
      }, encoding);
      try {
        const summary = await runSession(r.handset, { serverId: "dm.test" });
        assert.equal(summary.status, "completed", summary.reason);
        const kinds = r.server.exchanges.map((e) => e.request!.body.commands.map((c) => c.kind).join(","));
        assert.deepEqual(kinds.slice(0, 2), ["Alert,Replace", "Status,Alert,Replace"]);
        assert.equal(r.server.statusOf("1")[0], "200");
      } finally {
        await r.close();
      }
    });

    it("DM-SESS-004 receives a 3-message package and sends a 3-message package", async () => {
      // Procedure: the server sends a package in three messages (no Final on the first two), then a Get whose
      //   Results do not fit in one message of the server's MaxMsgSize (4 KB).
      // Pass criteria: the device answers the first two with Status and Alert 1222 and no Final; its own reply
      //   spans three or more messages, each within 4 KB, Final only on the last.
      const gets = Array.from({ length: 60 }, (_, i) => get(`./DevInfo/${["Man", "Mod", "Lang"][i % 3]}`, String(100 + i)));
      const r = await rig({
        maxMsgSize: 4096,
        packages: [[[get("./DevInfo/Man", "1")], [get("./DevInfo/Mod", "2")], [get("./DevInfo/Lang", "3")]], gets],
      }, encoding);
      try {
        const summary = await runSession(r.handset, { serverId: "dm.test" });
        assert.equal(summary.status, "completed", summary.reason);
        const req = r.server.exchanges.map((e) => e.request!);
        assert.deepEqual(req.slice(1, 4).map((m) => [m.body.final, m.body.commands.some((c) => c.kind === "Alert" && c.data === "1222")]), [[false, true], [false, true], [true, false]]);
        const replies = r.server.exchanges.slice(4).filter((e) => e.request!.body.commands.some((c) => c.kind === "Results"));
        assert.ok(replies.length >= 3, `${replies.length} messages`);
        assert.ok(replies.every((e) => e.requestBytes <= 4096));
        assert.deepEqual(replies.map((e) => e.request!.body.final), replies.map((_, i) => i === replies.length - 1));
        assert.equal(r.server.results.filter((x) => Number(x.cmdRef) >= 100).length, 60);
      } finally {
        await r.close();
      }
    });

    it("DM-SESS-005 takes a 100 KB object in chunks and returns it in chunks, under MaxObjSize", async () => {
      // Procedure: the server adds a 100 KB value in four chunks (MoreData, Size on the first), then reads it back
      //   with a MaxMsgSize of 16 KB.
      // Pass criteria: 213 for each chunk but the last, 200 for the last; the device returns the value as a large
      //   object (Size = 102400, MoreData until the last chunk) and the server reassembles it unchanged.
      const big = "0123456789abcdef".repeat(6400);
      const r = await rig({
        maxMsgSize: 16 * 1024,
        packages: [[aclForAll("./Vendor", "1")], chunked("Replace", "./Vendor/Big", big, 30000).map((m) => m).slice(0, 0).concat(chunked("Add", "./Vendor/Big", big, 30000)), [get("./Vendor/Big", "900")]],
      }, encoding);
      try {
        const summary = await runSession(r.handset, { serverId: "dm.test" });
        assert.equal(summary.status, "completed", summary.reason);
        const chunkStatuses = r.server.statuses.filter((s) => s.cmd === "Add").map((s) => s.data);
        assert.deepEqual(chunkStatuses, ["213", "213", "213", "200"]);
        const back = r.server.resultsOf("900")[0].items[0];
        assert.equal(back.data, big);
        assert.equal(back.meta?.size, 102400);
        const sentChunks = r.server.exchanges.flatMap((e) => e.request!.body.commands).filter((c) => c.kind === "Results" && c.cmdRef === "900");
        assert.ok(sentChunks.length >= 7, `${sentChunks.length} chunks`);
      } finally {
        await r.close();
      }
    });

    it("DM-SESS-006 sends queued generic alerts (1226) in the next session, and forgets them once answered", async () => {
      // Procedure: the host raises two generic alerts through dmAgent (one for this server, one for another);
      //   the device reboots; a session with this server runs.
      // Pass criteria: the alert for this server goes as Alert 1226 with its Type, Format, Mark, Source and
      //   Correlator; after the server's Status it is gone from the store; the other one stays.
      const r = await rig({ packages: [] }, encoding);
      try {
        await r.handset.vm.call("genericAlert", { serverId: "dm.test", type: "org.openmobilealliance.dm.firmwareupdate.downloadandupdate", format: "int", data: "200", source: "./FUMO/Pkg1/DownloadAndUpdate", mark: "critical", correlator: "c-42" });
        await r.handset.vm.call("genericAlert", { serverId: "other", type: "x", format: "chr", data: "later" });
        r.handset.shutdown();
        r.handset = await bootDevice(r.dir.path);
        const summary = await runSession(r.handset, { serverId: "dm.test" });
        assert.equal(summary.status, "completed", summary.reason);
        const alerts = r.server.clientCommands.filter((c) => c.kind === "Alert" && c.data === "1226");
        assert.equal(alerts.length, 1);
        const a = alerts[0] as Extract<Command, { kind: "Alert" }>;
        assert.equal(a.correlator, "c-42");
        assert.deepEqual(a.items[0].meta, { type: "org.openmobilealliance.dm.firmwareupdate.downloadandupdate", format: "int", mark: "critical" });
        assert.equal(a.items[0].source?.locURI, "./FUMO/Pkg1/DownloadAndUpdate");
        assert.equal(a.items[0].data, "200");
        const left = r.handset.control.store.open({ path: "", mode: "r" }).children("dm-agent/alerts");
        assert.equal(left.length, 1, "only the other server's alert is left");
      } finally {
        await r.close();
      }
    });

    it("DM-SESS-007 starts a server-initiated session with the notification's session id and Alert 1200", async () => {
      // Procedure: the host (as the Push Router will) starts a session with session id 0x4A1 and alert 1200.
      // Pass criteria: package 1 carries SessionID 4A1 and Alert 1200; later messages go to the RespURI.
      const r = await rig({ respPath: "/dm/session-4A1", packages: [[get("./DevInfo/DevId", "1")]] }, encoding);
      try {
        const summary = await runSession(r.handset, { serverId: "dm.test", sessionId: 0x4a1, alert: 1200 });
        assert.equal(summary.status, "completed", summary.reason);
        const first = r.server.exchanges[0].request!;
        assert.equal(first.header.sessionId, "4A1");
        assert.equal(first.body.commands[0].kind === "Alert" && first.body.commands[0].data, "1200");
        assert.deepEqual(r.server.exchanges.map((e) => e.path), ["/dm", "/dm/session-4A1"]);
        const steps = new Set(r.handset.control.trace.filter((e) => e.step).map((e) => e.step));
        for (let step = 4; step <= 13; step++) assert.ok(steps.has(step), `step ${step} traced`);
      } finally {
        await r.close();
      }
    });

    it("DM-SESS-008 rolls back an Atomic that a command fails, and commits the one that follows", async () => {
      // Procedure: an Atomic of three Adds whose second fails (its parent is a leaf), then an Atomic that works.
      // Pass criteria: 507 for the first Atomic, 216 for the Add rolled back, the failure's own status, 215 for
      //   the one never run, nothing of it in the tree; 200 for the second Atomic and its commands.
      const r = await rig({
        packages: [[
          aclForAll("./Vendor", "1"),
          { kind: "Atomic", cmdId: "2", commands: [add("./Vendor/At/One", "1", "chr", "3"), add("./DevInfo/Man/Under", "x", "chr", "4"), add("./Vendor/At/Two", "2", "chr", "5")] },
          get("./Vendor/At/One", "6"),
          { kind: "Atomic", cmdId: "7", commands: [add("./Vendor/Ok/One", "1", "chr", "8")] },
          get("./Vendor/Ok/One", "9"),
        ]],
      }, encoding);
      try {
        await runSession(r.handset, { serverId: "dm.test" });
        assert.deepEqual(["2", "3", "4", "5", "6", "7", "8", "9"].map((id) => r.server.statusOf(id)[0]), ["507", "216", "405", "215", "404", "200", "200", "200"]);
      } finally {
        await r.close();
      }
    });
  });
}
