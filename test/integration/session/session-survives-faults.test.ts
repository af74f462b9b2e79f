// Faults through the emulated HAL and the network: the connection dropped before and after each package, an
// HTTP 500, a TLS failure, the store crashing at every file-system step of an Atomic's commit. Each time the
// session ends cleanly, the store holds whole commands only, the nonces still authenticate, and the next
// session (started as a notification would start it: Alert 1200 and the notification's session id) is good.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Command } from "../../../agent/syncml/index.js";
import type { Handset } from "../../../hal/emulated/handset.js";
import { wrongCA } from "../../../server/tls/test-ca.js";
import { tempDir } from "../../support/temp.js";
import { ScriptedServer, add, get, replace, type Credentials, type ScriptedServerOptions } from "./support/scripted-server.js";
import { bootDevice, provision, readKey, runSession, CA_DIR, type Summary } from "./support/device.js";

const client: Credentials & { nonce: Uint8Array } = { type: "DIGEST", name: "dev", secret: "pw-c", nonce: new Uint8Array([1, 2]) };
const serverCred: Credentials & { nonce: Uint8Array } = { type: "DIGEST", name: "srv", secret: "pw-s", nonce: new Uint8Array([3, 4]) };

/** Three management packages after package 1: the Atomic is in the second. */
function script(): Array<Command[]> {
  return [
    [replace("./Vendor?prop=ACL", "Add=*&Delete=*&Get=*&Replace=*", "chr", "1"), add("./Vendor/F/Before", "b", "chr", "2")],
    [{ kind: "Atomic", cmdId: "3", commands: [add("./Vendor/F/A", "1", "chr", "4"), add("./Vendor/F/B", "2", "chr", "5"), replace("./Vendor/F/Before", "c", "chr", "6")] }],
    [get("./Vendor/F/A", "7")],
  ];
}

interface Rig {
  server: ScriptedServer;
  handset: Handset;
  dir: ReturnType<typeof tempDir>;
  reboot(): Promise<void>;
  close(): Promise<void>;
}

async function rig(o: Partial<ScriptedServerOptions> = {}, encoding: "xml" | "wbxml" = "xml", anchors?: Uint8Array[]): Promise<Rig> {
  const dir = tempDir();
  const server = await new ScriptedServer({ caDir: CA_DIR, clientAuth: client, serverAuth: serverCred, packages: script(), ...o }).start();
  await provision(dir.path, { serverId: "dm.test", url: server.url, encoding, clientAuth: client, serverAuth: serverCred, trustAnchors: anchors ?? [server.ca.caDer] });
  const r: Rig = {
    server, dir,
    handset: await bootDevice(dir.path),
    async reboot() {
      try { r.handset.shutdown(); } catch { /* a crashed store: the device is powered off anyway */ }
      r.handset = await bootDevice(dir.path);
    },
    async close() {
      try { r.handset.shutdown(); } catch { /* as above */ }
      await server.stop();
      dir.remove();
    },
  };
  return r;
}

/** The generic subtree as the store holds it. */
function vendor(h: Handset): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const k of ["Before", "A", "B"]) {
    const v = readKey(h, `dm-agent/data/Vendor/F/${k}`);
    out[k] = v && v.type === "string" ? (JSON.parse(v.value) as { data: string }).data : undefined;
  }
  return out;
}

/** A whole session the way a notification starts one, against a fresh script; it must complete. */
async function nextSessionIsGood(r: Rig): Promise<Summary> {
  const summary = await runSession(r.handset, { serverId: "dm.test", sessionId: 0x1234, alert: 1200 }, 1000);
  assert.equal(summary.status, "completed", `the next session: ${summary.reason}`);
  assert.equal(r.server.exchanges[r.server.exchanges.length - 1].request?.header.sessionId, "1234");
  return summary;
}

describe("sessions under faults", () => {
  for (let k = 0; k < 3; k++) {
    it(`FAULT-001 resends package ${k + 1} when the network was down before it left (retry)`, async () => {
      // Procedure: the data connection is down when the device sends its k-th message (the request never leaves).
      // Pass criteria: the device tries again after a back-off and the session completes as without the fault.
      const r = await rig();
      try {
        if (k === 0) r.handset.control.network.failNext("ENETUNREACH");
        r.server.options = { ...r.server.options, fault: (n) => { if (n === k - 1) r.handset.control.network.failNext("ENETUNREACH"); return undefined; } };
        const summary = await runSession(r.handset, { serverId: "dm.test" }, 1000);
        assert.equal(summary.status, "completed", summary.reason);
        assert.deepEqual(vendor(r.handset), { Before: "c", A: "1", B: "2" });
      } finally {
        await r.close();
      }
    });

    it(`FAULT-002 ends cleanly when the connection drops after package ${k + 1} reached the server`, async () => {
      // Procedure: the server reads the device's k-th message, acts on it, and drops the connection unanswered.
      // Pass criteria: the session fails (no retry: the server may have acted), the store holds only whole
      //   commands, and the next session authenticates with the stored nonces and completes.
      const r = await rig();
      try {
        r.server.options = { ...r.server.options, fault: (n) => (n === k ? "drop" : undefined) };
        const summary = await runSession(r.handset, { serverId: "dm.test" }, 1000);
        assert.deepEqual([summary.status, summary.reason], ["failed", "transport: ECONNRESET"]);
        const expected = [{}, { Before: "b" }, { Before: "c", A: "1", B: "2" }][k];
        assert.deepEqual(vendor(r.handset), { Before: undefined, A: undefined, B: undefined, ...expected });
        assert.equal(r.handset.status().busy, 0);
        r.server.options = { ...r.server.options, fault: undefined, packages: script() };
        await nextSessionIsGood(r);
        assert.deepEqual(vendor(r.handset), { Before: "c", A: "1", B: "2" });
      } finally {
        await r.close();
      }
    });
  }

  it("FAULT-003 ends cleanly on an HTTP 500 from the server, and the next session is good", async () => {
    const r = await rig();
    try {
      r.server.options = { ...r.server.options, fault: (n) => (n === 1 ? 500 : undefined) };
      const summary = await runSession(r.handset, { serverId: "dm.test" });
      assert.deepEqual([summary.status, summary.reason], ["failed", "HTTP status 500"]);
      r.server.options = { ...r.server.options, fault: undefined, packages: script() };
      await nextSessionIsGood(r);
    } finally {
      await r.close();
    }
  });

  it("FAULT-006 ends a session whose server stops answering when its time limit comes, leaving nothing open", async () => {
    // Procedure: the server reads the device's second message and never answers; virtual time moves on.
    // Pass criteria: after the session time limit the session fails ("time limit"), no request is in flight,
    //   the VM holds no more HAL callbacks than before the session, and the next session is good.
    const r = await rig();
    try {
      const held = r.handset.vm.pendingCallbacks();
      r.server.options = { ...r.server.options, fault: (n) => (n === 1 ? "hang" : undefined) };
      const summary = await runSession(r.handset, { serverId: "dm.test" }, 60_000, true);
      assert.deepEqual([summary.status, summary.reason], ["failed", "time limit"]);
      assert.equal(r.handset.control.network.inFlight(), 0);
      assert.equal(r.handset.vm.pendingCallbacks(), held);
      r.server.options = { ...r.server.options, fault: undefined, packages: script() };
      await nextSessionIsGood(r);
      assert.equal(r.handset.vm.pendingCallbacks(), held, "a completed session leaves nothing behind either");
    } finally {
      await r.close();
    }
  });

  it("FAULT-004 refuses a server its trust anchors do not vouch for (TLS), writing nothing", async () => {
    // Procedure: the account's trust anchor is another CA than the one that signed the server's certificate.
    // Pass criteria: the session fails with ECERT before any message reaches the server; nothing is written;
    //   the agent stays healthy and a session with a correctly provisioned account works.
    const r = await rig({}, "xml", [wrongCA(CA_DIR).caDer]);
    try {
      const before = JSON.stringify(r.handset.control.store.open({ path: "", mode: "r" }).children("DMAcc"));
      const summary = await runSession(r.handset, { serverId: "dm.test" }, 1000);
      assert.deepEqual([summary.status, summary.reason], ["failed", "transport: ECERT"]);
      assert.equal(r.server.exchanges.length, 0);
      assert.equal(JSON.stringify(r.handset.control.store.open({ path: "", mode: "r" }).children("DMAcc")), before);
      assert.ok(r.handset.healthy());
      r.handset.shutdown();
      await provision(r.dir.path, { serverId: "dm.good", url: r.server.url, clientAuth: client, serverAuth: serverCred, trustAnchors: [r.server.ca.caDer] }, "acc2");
      r.handset = await bootDevice(r.dir.path);
      const good = await runSession(r.handset, { serverId: "dm.good" });
      assert.equal(good.status, "completed", good.reason);
    } finally {
      await r.close();
    }
  });

  for (const encoding of ["xml", "wbxml"] as const) {
    // Crash before step N of one commit in the emulated store: 0 open, 1 write, 2 fsync, 3 close, 4 rename, 5 fsync
    // the directory; 6 is past the end, where the commit completes and nothing crashes.
    const steps = encoding === "xml" ? [0, 1, 2, 3, 4, 5, 6] : [1, 5];
    for (const step of steps) {
      it(`FAULT-005 crashes the store at step ${step} of an Atomic's commit (${encoding}): all or nothing, then a good session`, async () => {
        // Procedure: the store dies just before file-system step ${step} of the Atomic's commit; the device
        //   reboots; the server's notification starts a new session.
        // Pass criteria: the session ended (failed) without hanging; after the reboot the store has the whole
        //   Atomic or none of it (never one Add without the other), the nonces still authenticate, and the
        //   new session completes.
        const r = await rig({}, encoding);
        try {
          r.server.options = {
            ...r.server.options,
            fault: (n) => {
              if (n === 1) r.handset.control.store.faults.crashAtWrite = step; // the reply to request 1 carries the Atomic
              return undefined;
            },
          };
          const summary = await runSession(r.handset, { serverId: "dm.test" }, 1000);
          const crashed = r.handset.control.store.dead;
          assert.equal(crashed, step < 6, `crashed at step ${step}`);
          if (crashed) assert.match(`${summary.status} ${summary.reason}`, /^failed store: /);
          await r.reboot();
          const v = vendor(r.handset);
          assert.ok((v.A === undefined && v.B === undefined && v.Before === "b") || (v.A === "1" && v.B === "2" && v.Before === "c"), JSON.stringify(v));
          if (step >= 5) assert.equal(v.A, "1", "once renamed into place the commit is durable");
          r.server.options = { ...r.server.options, fault: undefined, packages: script().slice(1) };
          await nextSessionIsGood(r);
          assert.deepEqual(vendor(r.handset), { Before: "c", A: "1", B: "2" });
        } finally {
          await r.close();
        }
      });
    }
  }
});
