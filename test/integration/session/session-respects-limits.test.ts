// Limits: a server message over the device's MaxMsgSize, URIs deeper than MaxDepth or longer than MaxTotLen,
// and a package of 10,000 commands. Each gets its status or a clean abort, within the QuickJS memory limit.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Command, SyncMLMessage } from "../../../agent/syncml/index.js";
import { DEFAULT_URI_LIMITS } from "../../../agent/cm/uri.js";
import { tempDir } from "../../support/temp.js";
import { ScriptedServer, add, get, type ScriptedServerOptions } from "./support/scripted-server.js";
import { bootDevice, provision, runSession, CA_DIR } from "./support/device.js";

/** The VM memory limit the handsets run with (the bridge's default). */
const VM_LIMIT = 4 * 1024 * 1024;

async function withDevice(o: Partial<ScriptedServerOptions>, run: (s: ScriptedServer, h: Awaited<ReturnType<typeof bootDevice>>) => Promise<void>, encoding: "xml" | "wbxml" = "xml"): Promise<void> {
  const dir = tempDir();
  const server = await new ScriptedServer({ caDir: CA_DIR, ...o }).start();
  try {
    await provision(dir.path, { serverId: "dm.test", url: server.url, encoding, trustAnchors: [server.ca.caDer] });
    const h = await bootDevice(dir.path, { memoryLimit: VM_LIMIT });
    try {
      await run(server, h);
      assert.equal(h.vm.fatal, undefined, "the agent was never stopped by a limit");
    } finally {
      h.shutdown();
    }
  } finally {
    await server.stop();
    dir.remove();
  }
}

const gets = (n: number, from = 1): Command[] => Array.from({ length: n }, (_, i) => get(["./DevInfo/Man", "./DevInfo/Mod", "./DevInfo/Lang"][i % 3], String(from + i)));

describe("session limits", () => {
  it("LIMIT-001 aborts cleanly (Alert 1223) when a server message is over the device's MaxMsgSize", async () => {
    // Procedure: the server answers package 1 with a message of 2,000 Gets (well over 64 KB).
    // Pass criteria: the device does not read it all: it sends Alert 1223 and ends the session as aborted.
    await withDevice({ packages: [gets(2000).map((c, i) => ({ ...c, cmdId: String(i + 1) }))] }, async (server, h) => {
      const summary = await runSession(h, { serverId: "dm.test" });
      assert.equal(summary.status, "aborted");
      assert.match(summary.reason ?? "", /over 65536/);
      const last = server.exchanges[server.exchanges.length - 1].request!;
      assert.deepEqual(last.body.commands.map((c) => c.kind === "Alert" && c.data), ["1223"]);
      assert.equal(h.status().busy, 0);
    });
  });

  it("LIMIT-002 answers 414 for URIs deeper than MaxDepth or longer than MaxTotLen or MaxSegLen", async () => {
    const deep = "./Vendor/" + Array.from({ length: DEFAULT_URI_LIMITS.maxDepth }, (_, i) => `d${i}`).join("/");
    const justDeep = "./Vendor/" + Array.from({ length: DEFAULT_URI_LIMITS.maxDepth - 1 }, (_, i) => `d${i}`).join("/");
    const long = "./Vendor/" + "L".repeat(DEFAULT_URI_LIMITS.maxTotalLength);
    const segment = "./Vendor/" + "S".repeat(DEFAULT_URI_LIMITS.maxSegmentLength + 1);
    await withDevice({ packages: [[add(deep, "x", "chr", "1"), add(justDeep, "x", "chr", "2"), get(long, "3"), add(segment, "x", "chr", "4")]] }, async (server, h) => {
      const summary = await runSession(h, { serverId: "dm.test" });
      assert.equal(summary.status, "completed", summary.reason);
      assert.deepEqual(["1", "2", "3", "4"].map((id) => server.statusOf(id)[0]), ["414", "200", "414", "414"]);
    });
  });

  // The XML variant with 16 KB messages takes about a minute on a 2-core machine: it runs with DM_SOAK=1 only.
  const variants: Array<{ encoding: "xml" | "wbxml"; per: number; maxMsgSize: number }> = [{ encoding: "wbxml", per: 500, maxMsgSize: 60 * 1024 }];
  if (process.env.DM_SOAK) variants.push({ encoding: "xml", per: 250, maxMsgSize: 16 * 1024 });
  for (const v of variants) {
    it(`LIMIT-003 answers each of 10,000 commands of one package sent in ${10000 / v.per} messages (${v.encoding}), within the memory limit`, async () => {
      // Procedure: one server package of 10,000 Gets in messages of ${v.per} (each within the device's MaxMsgSize).
      // Pass criteria: 10,000 statuses 200 and 10,000 Results reach the server; the device's replies respect the
      //   server's MaxMsgSize; the VM's heap stays under its limit; the session completes.
      const all = gets(10000).map((c, i) => ({ ...c, cmdId: String((i % v.per) + 1) }));
      const messages: Command[][] = [];
      for (let i = 0; i < all.length; i += v.per) messages.push(all.slice(i, i + v.per));
      await withDevice({ maxMsgSize: v.maxMsgSize, packages: [messages] }, async (server, h) => {
        const summary = await runSession(h, { serverId: "dm.test" });
        assert.equal(summary.status, "completed", summary.reason);
        assert.equal(summary.commands, 10000);
        const ok = server.statuses.filter((s) => s.cmd === "Get" && s.data === "200").length;
        assert.equal(ok, 10000);
        assert.equal(server.results.length, 10000);
        assert.ok(server.exchanges.every((e) => e.requestBytes <= v.maxMsgSize));
        assert.ok(h.vm.peakMemory < VM_LIMIT, `peak ${h.vm.peakMemory}`);
      }, v.encoding);
    });
  }

  it("LIMIT-004 aborts cleanly when the 10,000 commands come in one message", async () => {
    const one: SyncMLMessage["body"]["commands"] = gets(10000);
    await withDevice({ packages: [one] }, async (server, h) => {
      const summary = await runSession(h, { serverId: "dm.test" });
      assert.equal(summary.status, "aborted");
      assert.equal(server.exchanges.length, 2, "package 1, then the abort");
    });
  });
});
