// The dm-server command line (bin/dm-server.js): add-device, notify, report, serve until SIGTERM, and its errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { nonceBytes } from "../../../server/registry.js";
import { parsePushFile } from "../../../server/push/push-file.js";
import { ROOT, tempDir } from "../../support/temp.js";
import { ScriptedClient } from "./scripted-client.js";

const BIN = join(ROOT, "bin", "dm-server.js");
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", timeout: 20_000 });

test("add-device registers credentials, notify writes a push file, report shows the device", () => {
  const dir = tempDir();
  try {
    const add = run("add-device", "--state", dir.path, "--device", "IMEI:490154203237518", "--auth", "md5", "--client-name", "dmuser", "--server-nonce", "bm9uY2UtMA==");
    assert.equal(add.status, 0, add.stderr);
    const entry = JSON.parse(add.stdout)["IMEI:490154203237518"];
    assert.equal(entry.clientName, "dmuser");
    assert.equal(entry.authScheme, "md5");
    assert.equal(entry.serverNonce, "bm9uY2UtMA==");
    assert.ok(entry.clientSecret.length >= 12, "a random secret when none is given");

    const out = join(dir.path, "push.txt");
    const notify = run("notify", "--state", dir.path, "--device", "IMEI:490154203237518", "--out", out, "--session", "0x1234", "--ui-mode", "background");
    assert.equal(notify.status, 0, notify.stderr);
    assert.match(notify.stdout, /session 1234/);
    const pdus = parsePushFile(readFileSync(out, "utf8"));
    assert.equal(pdus.length, 1);
    assert.match(Buffer.from(pdus[0]).toString("hex"), /0e646d2e6578616d706c652e6e6574$/, "ends with the server id");

    const text = run("report", "--state", dir.path);
    assert.equal(text.status, 0);
    assert.match(text.stdout, /device IMEI:490154203237518 \(auth md5\)/);
    assert.match(text.stdout, /notification .*session 1234, not answered yet/);
    const json = JSON.parse(run("report", "--state", dir.path, "--json").stdout);
    assert.equal(json.devices[0].notifications[0].sessionId, "1234");
  } finally {
    dir.remove();
  }
});

test("usage errors exit 2 with the usage; a bad jobs file exits 1 naming each problem", () => {
  const dir = tempDir();
  try {
    const help = run("--help");
    assert.equal(help.status, 0);
    assert.match(help.stdout, /dm-server serve --state DIR/);
    const unknown = run("frobnicate");
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown command frobnicate/);
    assert.equal(run("notify", "--state", dir.path).status, 2);
    assert.match(run("notify", "--state", dir.path, "--device", "IMEI:0", "--out", "x").stderr, /not registered/);
    assert.equal(run("add-device", "--state", dir.path, "--device", "IMEI:1", "--auth", "digest").status, 2);
    const jobs = join(dir.path, "jobs.json");
    writeFileSync(jobs, JSON.stringify({ jobs: [{ device: "*", commands: [{ Get: "/abs" }] }] }));
    const serve = run("serve", "--state", dir.path, "--jobs", jobs);
    assert.equal(serve.status, 1);
    assert.match(serve.stderr, /jobs\[0\]\.commands\[0\]\.Get: "\/abs" is absolute/);
  } finally {
    dir.remove();
  }
});

test("serve prints its URL and CA, runs a session, and stops on SIGTERM", async () => {
  const dir = tempDir();
  try {
    assert.equal(run("add-device", "--state", dir.path, "--device", "IMEI:7", "--auth", "hmac").status, 0);
    const jobs = join(dir.path, "jobs.json");
    writeFileSync(jobs, JSON.stringify({ jobs: [{ id: "hello", device: "*", commands: [{ Get: "./DevInfo/Man" }] }] }));
    const child = spawn(process.execPath, [BIN, "serve", "--state", dir.path, "--jobs", jobs, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no URL printed: ${stdout}`)), 15_000);
        child.stdout.on("data", (d: Buffer) => {
          stdout += d.toString();
          const m = /listening on (https:\/\/\S+)/.exec(stdout);
          if (m && /CA certificate/.test(stdout)) {
            clearTimeout(t);
            resolve(m[1]);
          }
        });
      });
      const caFile = /CA certificate (\S+)/.exec(stdout)![1];
      assert.equal(caFile, join(dir.path, "tls", "ca.pem"));
      const e = JSON.parse(readFileSync(join(dir.path, "devices.json"), "utf8"))["IMEI:7"];
      const c = new ScriptedClient({
        url, ca: readFileSync(caFile, "utf8"), deviceId: "IMEI:7", scheme: "hmac", name: e.clientName, secret: e.clientSecret,
        nonce: nonceBytes(e.clientNonce), tree: { "./DevInfo/Man": "Acme" },
      });
      const replies = await c.run();
      assert.equal(replies.length, 2);
      assert.equal(c.closedBy, "server");
    } finally {
      child.kill("SIGTERM");
    }
    assert.equal(await exited, 0);
    assert.match(stdout, /session-closed .*outcome="completed"/);
    assert.match(stdout, /dm-server: stopped/);
    const report = run("report", "--state", dir.path);
    assert.match(report.stdout, /job hello: done/);
    assert.match(report.stdout, /\.\/DevInfo\/Man .*= Acme/);
  } finally {
    dir.remove();
  }
});
