// The server and the real agent (the bundle in QuickJS over the emulated HAL) run whole sessions together, in
// both encodings and all three authentication schemes, twice in a row (so the nonces each side renewed in the
// first session must meet in the second), with a value large enough to travel in chunks both ways.
// The device's DM account is written where the DMAcc CSP keeps it (agent/dm/account.ts layout).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { X509Certificate } from "node:crypto";
import { join } from "node:path";
import type { ConfigValue } from "../../../hal/config.js";
import { openConfigStore } from "../../../hal/emulated/config-store.js";
import { Handset } from "../../../hal/emulated/handset.js";
import { DEFAULT_BUNDLE } from "../../../hal/bridge/vm.js";
import { RecordStore } from "../../../server/records.js";
import { nonceBytes, type DeviceEntry } from "../../../server/registry.js";
import { commit } from "../../conformance/suite/config.js";
import { tempDir } from "../../support/temp.js";
import { startHarness } from "./harness.js";
import type { Encoding, Scheme } from "./scripted-client.js";

/** The emulated handset's ./DevInfo/DevId. */
const DEVICE = "IMEI:490154203237518";
const TYPE: Record<Scheme, string> = { basic: "BASIC", md5: "DIGEST", hmac: "HMAC" };
const BIG = "0123456789".repeat(10_000); // 100 000 octets: over the agent's MaxMsgSize

const str = (value: string): ConfigValue => ({ type: "string", value });
const buf = (b: Uint8Array): ConfigValue => ({ type: "buffer", value: b.slice().buffer });

async function provision(directory: string, e: DeviceEntry, url: string, encoding: Encoding, caPem: string): Promise<void> {
  const store = openConfigStore({ directory: join(directory, "config") });
  try {
    const tx = store.open({ path: "" }).begin();
    const base = "DMAcc/acc1";
    tx.write(`${base}/AppID`, str("w7"));
    tx.write(`${base}/ServerID`, str(e.serverId));
    tx.write(`${base}/AppAddr/1/Addr`, str(url));
    tx.write(`${base}/AppAddr/1/AddrType`, str("URI"));
    const auth = (y: string, level: string, name: string, secret: string, nonce: string) => {
      tx.write(`${base}/AppAuth/${y}/AAuthLevel`, str(level));
      tx.write(`${base}/AppAuth/${y}/AAuthType`, str(TYPE[e.authScheme]));
      tx.write(`${base}/AppAuth/${y}/AAuthName`, str(name));
      tx.write(`${base}/AppAuth/${y}/AAuthSecret`, str(secret));
      tx.write(`${base}/AppAuth/${y}/AAuthData`, buf(nonceBytes(nonce)));
    };
    auth("c", "CLCRED", e.clientName, e.clientSecret, e.clientNonce);
    auth("s", "SRVCRED", e.serverName ?? e.serverId, e.serverSecret, e.serverNonce);
    tx.write(`${base}/Ext/Encoding`, str(encoding));
    tx.write(`${base}/Ext/TrustAnchors/1`, buf(new Uint8Array(new X509Certificate(caPem).raw)));
    await commit(tx);
  } finally {
    store.close();
  }
}

interface Summary {
  status: string;
  reason?: string;
  sessionId?: string;
}

/** dmAgent.startSession, with virtual time moving whenever the network is quiet (display alerts wait on it). */
async function session(handset: Handset): Promise<Summary> {
  const done = handset.vm.call("startSession", { serverId: "dm.example.net" }) as Promise<Summary>;
  let finished = false;
  void done.then(() => (finished = true), () => (finished = true));
  while (!finished) {
    await new Promise((r) => setTimeout(r, 10));
    if (!finished && handset.control.network.inFlight() === 0) await handset.control.time.advance(1000);
  }
  return done;
}

const JOBS = {
  jobs: [{
    id: "interop", device: "*",
    commands: [
      { Get: "./DevInfo/Man" },
      { Replace: { uri: "./Vendor?prop=ACL", data: "Add=*&Delete=*&Get=*&Replace=*&Exec=*" } },
      { Add: { uri: "./Vendor/Acme", format: "node" } },
      { Add: { uri: "./Vendor/Acme/Colour", format: "chr", data: "blue" } },
      { Replace: { uri: "./Vendor/Acme/Colour", format: "chr", data: BIG } },
      { Get: "./Vendor/Acme/Colour" },
      { Atomic: [{ Add: { uri: "./Vendor/Acme/A", format: "int", data: "1" } }, { Add: { uri: "./Vendor/Acme/B", format: "int", data: "2" } }] },
      { Alert: { code: 1100, text: "Settings updated" } },
      { Get: "./Vendor/Missing" },
    ],
  }],
};

const haveBundle = existsSync(DEFAULT_BUNDLE);

for (const scheme of ["basic", "md5", "hmac"] as Scheme[]) {
  for (const encoding of ["xml", "wbxml"] as Encoding[]) {
    test(`the agent and the server complete two sessions (${scheme}, ${encoding})`, { skip: haveBundle ? false : "build/out/dm-agent.js not built" }, async () => {
      const h = await startHarness({ jobs: JOBS });
      const dir = tempDir("dm-interop-");
      let handset: Handset | undefined;
      try {
        const entry = h.register(DEVICE, scheme, { clientName: "interop" });
        await provision(dir.path, entry, h.server.url, encoding, h.server.caPem);
        handset = await Handset.boot({ directory: dir.path, deadline: 5000 });
        await handset.idle();
        const first = await session(handset);
        assert.equal(first.status, "completed", first.reason);
        h.server.setJobs({ jobs: [{ id: "again", device: "*", commands: [{ Get: "./DevInfo/Mod" }] }] });
        const second = await session(handset);
        assert.equal(second.status, "completed", `second session (renewed nonces): ${second.reason}`);

        const rec = new RecordStore(h.dir).load(DEVICE);
        assert.deepEqual(rec.sessions.map((s) => [s.outcome, s.encoding, s.auth]), [["completed", encoding, scheme], ["completed", encoding, scheme]]);
        const job = rec.jobs.interop;
        assert.equal(job.state, "done");
        assert.deepEqual(job.commands.map((c) => c.status), ["200", "200", "200", "200", "200", "200", "200", "200", "404"]);
        assert.equal(job.commands[5].results?.[0].data, BIG, "the large value went out in chunks and came back whole");
        assert.deepEqual(job.commands[6].children?.map((c) => c.status), ["200", "200"]);
        assert.ok(rec.devInfo["./DevInfo/Man"]);
        assert.equal(rec.jobs.again.commands[0].status, "200");
      } finally {
        handset?.shutdown();
        await h.close();
        dir.remove();
      }
    });
  }
}
