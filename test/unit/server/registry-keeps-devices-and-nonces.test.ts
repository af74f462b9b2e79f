// The device registry (state/devices.json) and the state files: entries are validated, nonces persist, and a
// change never loses a device added meanwhile (read-modify-write).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DeviceRegistry, entryProblems, makeEntry, RegistryError } from "../../../server/registry.js";
import { fileNameFor, readJson, StateFileError, writeJsonAtomic } from "../../../server/state-file.js";
import { tempDir } from "../../support/temp.js";

test("entries are stored, read back, and their nonces updated without losing other devices", () => {
  const dir = tempDir();
  try {
    const a = new DeviceRegistry(dir.path);
    const b = new DeviceRegistry(dir.path); // another process, e.g. `dm-server add-device`
    const e1 = makeEntry({ authScheme: "md5", serverId: "dm.example.net" });
    a.put("IMEI:1", e1);
    b.put("IMEI:2", makeEntry({ authScheme: "hmac", serverId: "dm.example.net" }));
    a.setClientNonce("IMEI:1", new Uint8Array([1, 2, 3]));
    a.setServerNonce("IMEI:1", new Uint8Array([4, 5]));
    const all = JSON.parse(readFileSync(join(dir.path, "devices.json"), "utf8"));
    assert.deepEqual(Object.keys(all).sort(), ["IMEI:1", "IMEI:2"]);
    assert.equal(all["IMEI:1"].clientNonce, "AQID");
    assert.equal(all["IMEI:1"].serverNonce, "BAU=");
    assert.equal(b.get("IMEI:1")?.clientSecret, e1.clientSecret);
    assert.equal(a.get("IMEI:3"), undefined);
    a.update("IMEI:3", { clientNonce: "" });
    assert.equal(a.get("IMEI:3"), undefined, "update does not create devices");
    assert.deepEqual(readdirSync(dir.path).filter((n) => n.endsWith(".tmp")), [], "no temporary files left");
  } finally {
    dir.remove();
  }
});

test("an invalid entry is refused with every problem, and an invalid stored entry is never used", () => {
  const dir = tempDir();
  try {
    const r = new DeviceRegistry(dir.path);
    assert.deepEqual(entryProblems({ serverId: "", clientName: "a:b", clientSecret: "s", serverSecret: "t", authScheme: "basic", clientNonce: "%%", serverNonce: "", color: 1 }), [
      "serverId: must be a non-empty string",
      "clientNonce: must be Base64 text (may be empty)",
      'clientName: basic credentials are "name:password", so the name cannot contain ":"',
      "color: unknown field",
    ]);
    assert.throws(() => r.put("IMEI:1", { ...makeEntry({ authScheme: "md5", serverId: "s" }), authScheme: "digest" as "md5" }), (e: unknown) => e instanceof RegistryError && /authScheme: must be one of basic, md5, hmac/.test(e.message));
    writeFileSync(join(dir.path, "devices.json"), JSON.stringify({ "IMEI:9": { serverId: "s" } }));
    assert.equal(r.get("IMEI:9"), undefined);
    writeFileSync(join(dir.path, "devices.json"), "{ not json");
    assert.throws(() => r.get("IMEI:9"), (e: unknown) => e instanceof StateFileError && e.message.includes("devices.json"));
  } finally {
    dir.remove();
  }
});

test("state files are written whole, and device ids become safe file names", () => {
  const dir = tempDir();
  try {
    const f = join(dir.path, "sub", "x.json");
    assert.deepEqual(readJson(f, { none: true }), { none: true });
    writeJsonAtomic(f, { a: 1 });
    assert.deepEqual(readJson(f, {}), { a: 1 });
    assert.equal(fileNameFor("IMEI:490154203237518"), "IMEI%3A490154203237518");
    assert.equal(fileNameFor("../etc/passwd"), "..%2Fetc%2Fpasswd");
    assert.equal(fileNameFor(".."), "%2E%2E");
    assert.equal(fileNameFor("é"), "%C3%A9");
    assert.ok(fileNameFor("x".repeat(1000)).length <= 200);
  } finally {
    dir.remove();
  }
});
