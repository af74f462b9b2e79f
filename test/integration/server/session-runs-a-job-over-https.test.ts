// A scripted client drives the server over real HTTPS on 127.0.0.1 with the test CA: package 1 -> package 2 with
// the job's commands -> package 3 with Status and Results -> the server closes with a Status-only message.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { AlertCommand, Command, StatusCommand, SyncMLMessage } from "../../../agent/syncml/index.js";
import { buildReport, formatReport } from "../../../server/report.js";
import { startHarness } from "./harness.js";
import { ScriptedClient, type Encoding } from "./scripted-client.js";

const JOBS = {
  jobs: [
    {
      id: "inventory",
      device: "*",
      commands: [
        { Get: "./DevInfo/Man" },
        { Get: ["./DevDetail/FwV", "./DevDetail/SwV"] },
        { Replace: { uri: "./Vendor/Acme/Greeting", format: "chr", type: "text/plain", data: "Hello & <welcome>" } },
        { Add: { uri: "./Vendor/Acme/Blob", format: "bin", dataBase64: "AAECAwQFBgc=" } },
        { Delete: "./Vendor/Acme/Old" },
        { Exec: { uri: "./Vendor/Acme/Reboot", correlator: "c-1" } },
        { Copy: { target: "./Vendor/Acme/Copy", source: "./Vendor/Acme/Greeting" } },
        { Atomic: [{ Replace: { uri: "./Vendor/Acme/A", data: "1" } }, { Replace: { uri: "./Vendor/Acme/B", data: "2" } }] },
        { Sequence: [{ Alert: { code: 1101, text: "Proceed?", maxDT: 30, defaultResponse: "1" } }, { Get: "./Vendor/Acme/A" }] },
        { Alert: { code: 1103, text: "Pick one", choices: ["red", "green"] } },
        { Get: "./Missing/Node" },
      ],
    },
  ],
};

const TREE = { "./DevInfo/Man": "Scripted Handsets", "./DevDetail/FwV": "7.0.1", "./DevDetail/SwV": "2.4", "./Vendor/Acme/Old": "x" };

const kinds = (m: SyncMLMessage) => m.body.commands.map((c: Command) => (c.kind === "Alert" ? `Alert ${c.data}` : c.kind));

for (const encoding of ["xml", "wbxml"] as Encoding[]) {
  test(`a job runs in one package and the server closes the session (${encoding})`, async () => {
    const h = await startHarness({ jobs: JOBS });
    try {
      h.register("IMEI:490154203237518", "md5");
      const c = h.client("IMEI:490154203237518", { encoding, tree: TREE, ui: { confirm: "200", choices: ["2"] } });
      const replies = await c.run("1201");
      assert.equal(c.closedBy, "server");
      assert.equal(replies.length, 2, "package 2 with the commands, then the closing message");
      for (const x of c.exchanges) assert.equal(x.http.headers["content-type"], `application/vnd.syncml.dm+${encoding}`);

      const [pkg2, pkg4] = replies;
      const hdr = pkg2.body.commands[0] as StatusCommand;
      assert.equal(hdr.cmd, "SyncHdr");
      assert.equal(hdr.data, "212");
      assert.ok(hdr.chal?.nextNonce, "a nonce for the next session");
      assert.deepEqual(kinds(pkg2).slice(0, 3), ["Status", "Status", "Status"], "SyncHdr, Alert 1201, Replace DevInfo");
      assert.deepEqual(kinds(pkg2).slice(3), ["Get", "Get", "Replace", "Add", "Delete", "Exec", "Copy", "Atomic", "Sequence", "Alert 1103", "Get"]);
      assert.equal(pkg2.body.final, true);
      assert.equal(pkg2.header.target.locURI, "IMEI:490154203237518");
      assert.ok(pkg2.header.meta?.maxMsgSize, "the server's MaxMsgSize");
      const ui = pkg2.body.commands.find((x): x is AlertCommand => x.kind === "Alert" && x.data === "1103")!;
      assert.deepEqual(ui.items.map((i) => i.data), [undefined, "Pick one", "red", "green"]);
      const add = pkg2.body.commands.find((x) => x.kind === "Add")!;
      assert.equal((add as { items: { meta?: { format?: string } }[] }).items[0].meta?.format, encoding === "wbxml" ? "bin" : "b64");
      assert.ok(c.serverCredOk.every(Boolean), "the server's Cred checks out");

      // The closing message: Status on our SyncHdr only, Final, no commands (step 13).
      assert.deepEqual(kinds(pkg4), ["Status"]);
      assert.equal(pkg4.body.final, true);

      const report = buildReport(h.dir);
      const dev = report.devices.find((d) => d.deviceId === "IMEI:490154203237518")!;
      assert.equal(dev.devInfo["./DevInfo/Man"], "Scripted Handsets");
      assert.equal(dev.sessions.at(-1)?.outcome, "completed");
      assert.equal(dev.sessions.at(-1)?.alert, "1201");
      const job = dev.jobs.inventory;
      assert.equal(job.state, "done");
      const by = (p: string) => {
        const find = (rs: typeof job.commands): (typeof job.commands)[number] | undefined => {
          for (const r of rs) {
            if (r.path === p) return r;
            const x = r.children && find(r.children);
            if (x) return x;
          }
          return undefined;
        };
        return find(job.commands)!;
      };
      assert.equal(by("1").status, "200");
      assert.equal(by("1").results?.[0].data, "Scripted Handsets");
      assert.deepEqual(by("2").results?.map((r) => [r.source, r.data]), [["./DevDetail/FwV", "7.0.1"], ["./DevDetail/SwV", "2.4"]]);
      assert.equal(by("5").status, "200");
      assert.equal(by("8").status, "200");
      assert.equal(by("8.1").status, "200");
      assert.equal(by("9.1").status, "200");
      assert.equal(by("9.2").results?.[0].data, "1");
      assert.deepEqual(by("10").statusItems, ["2"]);
      assert.equal(by("11").status, "404");
      assert.equal(c.tree.get("./Vendor/Acme/Greeting"), "Hello & <welcome>");
      const text = formatReport(report);
      assert.match(text, /job inventory: done/);
      assert.match(text, /404 not found/);
    } finally {
      await h.close();
    }
  });
}

test("a finished job is not sent again; a device with nothing to do is closed in package 2", async () => {
  const h = await startHarness({ jobs: { jobs: [{ id: "once", device: "IMEI:1", commands: [{ Get: "./DevInfo/Man" }] }] } });
  try {
    h.register("IMEI:1", "basic");
    const first = await h.client("IMEI:1", { tree: TREE }).run();
    assert.equal(first.length, 2);
    const second = h.client("IMEI:1", { tree: TREE });
    const replies = await second.run();
    assert.equal(replies.length, 1, "package 2 is the closing message");
    assert.deepEqual(kinds(replies[0]), ["Status", "Status", "Status"]);
    assert.equal(second.closedBy, "server");
  } finally {
    await h.close();
  }
});

test("generic alerts and client events of package 1 are recorded and answered 200", async () => {
  const h = await startHarness();
  try {
    h.register("IMEI:2", "md5");
    const c = h.client("IMEI:2");
    const p1 = c.package1("1201");
    p1.body.commands.push({
      kind: "Alert", cmdId: "9", data: "1226", correlator: "fumo-1",
      items: [{ source: { locURI: "./FUMO/Pkg1" }, meta: { type: "org.openmobilealliance.dm.firmwareupdate.update", format: "int", mark: "critical" }, data: "200" }],
    });
    const x = await c.send(p1);
    const st = x.reply.body.commands.find((s): s is StatusCommand => s.kind === "Status" && s.cmdRef === "9")!;
    assert.equal(st.data, "200");
    assert.equal(st.cmd, "Alert");
    const dev = buildReport(h.dir).devices.find((d) => d.deviceId === "IMEI:2")!;
    assert.equal(dev.alerts[0].code, "1226");
    assert.equal(dev.alerts[0].correlator, "fumo-1");
    assert.equal(dev.alerts[0].items[0].type, "org.openmobilealliance.dm.firmwareupdate.update");
  } finally {
    await h.close();
  }
});

test("Alert 1223 from the device ends the session; unanswered commands go back to pending", async () => {
  const h = await startHarness({ jobs: { jobs: [{ id: "j", device: "*", commands: [{ Get: "./A" }, { Get: "./B" }] }] } });
  try {
    h.register("IMEI:3", "md5");
    const c = h.client("IMEI:3");
    const x = await c.send(c.package1());
    c.takeHeaderStatus(x.reply);
    assert.equal(ScriptedClient.managementCommands(x.reply).length, 2);
    const abort: SyncMLMessage = {
      header: { ...x.sent.header, msgId: "2", cred: undefined },
      body: { commands: [c.headerStatus(x.reply, "1", "212"), { kind: "Alert", cmdId: "2", data: "1223", items: [] }], final: true },
    };
    delete abort.header.cred;
    const y = await c.send(abort);
    assert.deepEqual(kinds(y.reply), ["Status", "Status"]);
    const dev = buildReport(h.dir).devices.find((d) => d.deviceId === "IMEI:3")!;
    assert.equal(dev.sessions.at(-1)?.outcome, "aborted-by-client");
    assert.equal(dev.jobs.j.state, "pending");
    assert.ok(dev.jobs.j.commands.every((r) => r.state === "pending"));
    // The next session sends them again.
    const again = await h.client("IMEI:3").run();
    assert.equal(ScriptedClient.managementCommands(again[0]).length, 2);
  } finally {
    await h.close();
  }
});
