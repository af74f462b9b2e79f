// ./Vendor/MSFT/Registry through real sessions, in both encodings: the real bundle on an emulated handset
// (factory defaults as on first boot) and the reference server. The operator writes typed keys and reads
// them back; protected keys stay out of reach; another server is refused.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { createEmulatedDevice, DEFAULT_INFO } from "../../hal/emulated/device.js";
import { settle } from "../../hal/async.js";
import { Tree } from "../../agent/cm/tree.js";
import { DEFAULT_URI_LIMITS } from "../../agent/cm/uri.js";
import { DmServer } from "../../server/dm-server.js";
import { DeviceRegistry, makeEntry, nonceBytes } from "../../server/registry.js";
import { RecordStore } from "../../server/records.js";
import { tempDir } from "../../test/support/temp.js";
import { bootDevice, provision, runSession } from "../../test/integration/session/support/device.js";
import { FACTORY_ROOT_ACL, applyFactoryDefaults, standardCsps } from "../index.js";

const DEVICE = DEFAULT_INFO.deviceId;
const R = "./Vendor/MSFT/Registry";

const OPERATE = {
  id: "registry",
  device: "*",
  commands: [
    { Add: { uri: `${R}/Settings/Volume`, format: "int", data: "7" } }, // 1
    { Add: { uri: `${R}/Settings/Muted`, format: "bool", data: "true" } }, // 2
    { Add: { uri: `${R}/Settings/Blob`, format: "bin", dataBase64: "AAH/" } }, // 3
    { Get: `${R}/Settings/Volume` }, // 4
    { Get: `${R}/Settings/Blob` }, // 5
    { Replace: { uri: `${R}/Settings/Volume`, format: "int", data: "8" } }, // 6
    { Delete: `${R}/Settings/Muted` }, // 7
    { Get: `${R}/DMAcc/op/ServerID` }, // 8: 404, protected
    { Get: `${R}/dm-agent/boots` }, // 9: 404, protected
    { Add: { uri: `${R}/DMAcc/evil/ServerID`, data: "evil.example" } }, // 10: 405
    { Get: `${R}/Settings?prop=Size` }, // 11: 406
    { Add: { uri: `${R}/Settings/Volume`, format: "int", data: "1" } }, // 12: 418
    { Add: { uri: `${R}/Settings/Doc`, format: "xml", data: "<a/>" } }, // 13: 415
    { Replace: { uri: `${R}/Settings/Volume`, format: "int", data: "loud" } }, // 14: 400
  ],
};
const ANSWERS = ["200", "200", "200", "200", "200", "200", "200", "404", "404", "405", "406", "418", "415", "400"];
const INTRUDE = { id: "intrude", device: "*", commands: [{ Get: `${R}/Settings/Volume` }, { Replace: { uri: `${R}/Settings/Volume`, format: "int", data: "0" } }, { Delete: `${R}/Settings` }] };

const der = (pem: string) => new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64"));

async function startServer(dir: string, serverId: string) {
  const server = await DmServer.start({ stateDir: dir, serverId });
  const entry = makeEntry({ authScheme: "md5", serverId });
  new DeviceRegistry(dir).put(DEVICE, entry);
  const account = {
    serverId, url: server.url, trustAnchors: [der(server.caPem)],
    clientAuth: { type: "DIGEST" as const, name: entry.clientName, secret: entry.clientSecret, nonce: nonceBytes(entry.clientNonce) },
    serverAuth: { type: "DIGEST" as const, name: entry.serverName ?? serverId, secret: entry.serverSecret, nonce: nonceBytes(entry.serverNonce) },
  };
  return { server, account, job: (id: string) => new RecordStore(dir).load(DEVICE).jobs[id] };
}

for (const encoding of ["xml", "wbxml"] as const) {
  test(`the operator reads and writes typed native keys, never protected ones; others are refused (${encoding})`, async () => {
    const dir = tempDir();
    const operator = await startServer(join(dir.path, "operator"), "operator.example");
    const intruder = await startServer(join(dir.path, "intruder"), "intruder.example");
    const device = join(dir.path, "device");
    try {
      await provision(device, { ...operator.account, encoding }, "op");
      await provision(device, { ...intruder.account, encoding }, "other");
      const emulated = createEmulatedDevice({ directory: device });
      const tx = emulated.device.config.open({ path: "" }).begin();
      const tree = new Tree({ csps: standardCsps(emulated.device, DEFAULT_URI_LIMITS), rootAcl: FACTORY_ROOT_ACL, now: () => 0 });
      applyFactoryDefaults(tree.session(tx, "factory"), "operator.example");
      await settle((done) => tx.commit(done));
      emulated.close();

      const h = await bootDevice(device);
      try {
        const store = () => h.control.store.open({ path: "", mode: "r" });
        operator.server.setJobs({ jobs: [OPERATE] });
        assert.equal((await runSession(h, { serverId: "operator.example" })).status, "completed");
        const answered = operator.job(OPERATE.id).commands;
        assert.deepEqual(answered.map((c) => c.status), ANSWERS);
        assert.deepEqual([answered[3].results?.[0].format, answered[3].results?.[0].data], ["int", "7"]);
        assert.equal(answered[4].results?.[0].data, "AAH/", "the bytes, as Base64 in the record");
        assert.deepEqual(store().read("Settings/Volume"), { type: "int32", value: 8 });
        assert.deepEqual(store().read("Settings/Blob"), { type: "buffer", value: new Uint8Array([0, 1, 255]).buffer });
        assert.equal(store().read("Settings/Muted"), undefined);
        assert.equal(store().read("DMAcc/evil"), undefined);

        intruder.server.setJobs({ jobs: [INTRUDE] });
        assert.equal((await runSession(h, { serverId: "intruder.example" })).status, "completed");
        assert.deepEqual(intruder.job(INTRUDE.id).commands.map((c) => c.status), ["425", "425", "425"]);
        assert.deepEqual(store().read("Settings/Volume"), { type: "int32", value: 8 });
      } finally {
        h.shutdown();
      }
    } finally {
      await operator.server.stop();
      await intruder.server.stop();
      dir.remove();
    }
  });
}
