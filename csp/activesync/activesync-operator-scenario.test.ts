// The operator scenario end to end, in both encodings: the real bundle on an emulated handset (factory
// defaults applied as on first boot) and the reference server. Session 1 provisions an ActiveSync account
// with email, contacts and calendar in one Atomic, and the store then holds exactly the documented keys;
// session 2 reads it back (password refused) and meets the CSP's error statuses; a second server is refused
// (425); session 3 deletes the account and its keys are gone.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import type { ConfigReader, ConfigValue } from "../../hal/config.js";
import { createEmulatedDevice, DEFAULT_INFO } from "../../hal/emulated/device.js";
import { settle } from "../../hal/async.js";
import { Tree } from "../../agent/cm/tree.js";
import { DEFAULT_URI_LIMITS } from "../../agent/cm/uri.js";
import { DmServer } from "../../server/dm-server.js";
import { DeviceRegistry, makeEntry, nonceBytes } from "../../server/registry.js";
import { RecordStore, type CommandRecord } from "../../server/records.js";
import { tempDir } from "../../test/support/temp.js";
import { bootDevice, provision, runSession } from "../../test/integration/session/support/device.js";
import { FACTORY_ROOT_ACL, applyFactoryDefaults, standardCsps } from "../index.js";
import { ACTIVESYNC_NATIVE_ROOT } from "./activesync.js";
import { CONTENT_TYPES } from "./ddf.js";

const DEVICE = DEFAULT_INFO.deviceId;
const GUID = "{C556E16F-56C4-4EDB-9C64-D9469EE1FBE0}";
const ACCOUNT = "./Vendor/MSFT/ActiveSync/Accounts/%7BC556E16F-56C4-4EDB-9C64-D9469EE1FBE0%7D";
const NATIVE = `${ACTIVESYNC_NATIVE_ROOT}/Accounts/${GUID}`;
const TYPES = [["Email", CONTENT_TYPES.email], ["Contacts", CONTENT_TYPES.contacts], ["Calendar", CONTENT_TYPES.calendar]];
const esc = (guid: string) => guid.replace("{", "%7B").replace("}", "%7D");

const add = (uri: string, data?: string) => ({ Add: data === undefined ? { uri, format: "node" } : { uri, format: "chr", data } });
const PROVISION = {
  id: "activesync-provision",
  device: "*",
  commands: [{
    Atomic: [
      add(ACCOUNT),
      add(`${ACCOUNT}/AccountName`, "Work mail"),
      add(`${ACCOUNT}/AccountType`, "Exchange"),
      add(`${ACCOUNT}/EmailAddress`, "someone@example.com"),
      add(`${ACCOUNT}/Domain`, "CORP"),
      add(`${ACCOUNT}/UserName`, "someone"),
      add(`${ACCOUNT}/Password`, "hunter2"),
      add(`${ACCOUNT}/ServerName`, "mail.example.com"),
      add(`${ACCOUNT}/Options`),
      add(`${ACCOUNT}/Options/UseSSL`, "1"),
      add(`${ACCOUNT}/Options/Schedule`, "15"),
      add(`${ACCOUNT}/Options/ContentTypes`),
      ...TYPES.flatMap(([name, guid]) => [
        add(`${ACCOUNT}/Options/ContentTypes/${esc(guid)}`),
        add(`${ACCOUNT}/Options/ContentTypes/${esc(guid)}/Enabled`, "1"),
        add(`${ACCOUNT}/Options/ContentTypes/${esc(guid)}/Name`, name),
      ]),
    ],
  }],
};
const EXPECTED: Record<string, ConfigValue> = {
  AccountName: { type: "string", value: "Work mail" },
  AccountType: { type: "string", value: "Exchange" },
  EmailAddress: { type: "string", value: "someone@example.com" },
  Domain: { type: "string", value: "CORP" },
  UserName: { type: "string", value: "someone" },
  Password: { type: "string", value: "hunter2" },
  ServerName: { type: "string", value: "mail.example.com" },
  Options: { type: "node" },
  "Options/UseSSL": { type: "boolean", value: true },
  "Options/Schedule": { type: "int64", value: 15n },
  "Options/ContentTypes": { type: "node" },
  ...Object.fromEntries(TYPES.flatMap(([name, guid]) => [
    [`Options/ContentTypes/${guid}`, { type: "node" }],
    [`Options/ContentTypes/${guid}/Enabled`, { type: "boolean", value: true }],
    [`Options/ContentTypes/${guid}/Name`, { type: "string", value: name }],
  ])),
};
/** Each command's position in the job -> what the device must answer. */
const CHECK = {
  id: "activesync-check",
  device: "*",
  commands: [
    { Get: `${ACCOUNT}/EmailAddress` }, // 1
    { Get: `./User/Vendor/MSFT/ActiveSync/Accounts/${esc(GUID.toLowerCase())}/Options/ContentTypes/${esc(CONTENT_TYPES.calendar)}/Enabled` }, // 2
    { Get: `${ACCOUNT}/Password` }, // 3: 405
    { Get: `${ACCOUNT}/Policies/MailBodyType` }, // 4: 404
    add("./Vendor/MSFT/ActiveSync/Accounts/not-a-guid"), // 5: 405
    add(`${ACCOUNT}/Options/MailAgeFilter`, "9"), // 6: 406
    add(`${ACCOUNT}/EmailAddress`, "other@example.com"), // 7: 418
    { Replace: { uri: `${ACCOUNT}/Options/UseSSL`, data: "yes" } }, // 8: 400
    { Get: "./Vendor/MSFT/ActiveSync?list=StructData" }, // 9
  ],
};
const CHECKED = ["200", "200", "405", "404", "405", "406", "418", "400", "200"];
const INTRUDE = {
  id: "intrude",
  device: "*",
  commands: [
    { Get: `${ACCOUNT}/EmailAddress` },
    add("./User/Vendor/MSFT/ActiveSync/Accounts/%7B00000000-0000-4000-8000-000000000001%7D"),
    { Replace: { uri: `${ACCOUNT}/Password`, data: "mine" } },
    { Delete: ACCOUNT },
    { Get: "./Vendor/MSFT/Registry" },
  ],
};
const REMOVE = { id: "activesync-remove", device: "*", commands: [{ Delete: ACCOUNT }, { Get: `${ACCOUNT}/EmailAddress` }] };

function flat(reader: ConfigReader, key: string, prefix = ""): Record<string, ConfigValue> {
  const out: Record<string, ConfigValue> = {};
  for (const name of reader.children(key)) {
    const rel = prefix ? `${prefix}/${name}` : name;
    out[rel] = reader.read(`${key}/${name}`)!;
    Object.assign(out, flat(reader, `${key}/${name}`, rel));
  }
  return out;
}

const der = (pem: string) => new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64"));

/** A server with its own state directory, the device registered with digest credentials. */
async function startServer(dir: string, serverId: string) {
  const server = await DmServer.start({ stateDir: dir, serverId });
  const entry = makeEntry({ authScheme: "md5", serverId });
  new DeviceRegistry(dir).put(DEVICE, entry);
  const account = {
    serverId, url: server.url, trustAnchors: [der(server.caPem)],
    clientAuth: { type: "DIGEST" as const, name: entry.clientName, secret: entry.clientSecret, nonce: nonceBytes(entry.clientNonce) },
    serverAuth: { type: "DIGEST" as const, name: entry.serverName ?? serverId, secret: entry.serverSecret, nonce: nonceBytes(entry.serverNonce) },
  };
  const job = (id: string) => new RecordStore(dir).load(DEVICE).jobs[id];
  return { server, account, job };
}

const statuses = (rs: CommandRecord[]): string[] => rs.map((r) => r.status ?? r.state);

for (const encoding of ["xml", "wbxml"] as const) {
  test(`the operator provisions, reads back and deletes an ActiveSync account; others are refused (${encoding})`, async () => {
    const dir = tempDir();
    const operator = await startServer(join(dir.path, "operator"), "operator.example");
    const intruder = await startServer(join(dir.path, "intruder"), "intruder.example");
    const device = join(dir.path, "device");
    try {
      await provision(device, { ...operator.account, encoding }, "op");
      await provision(device, { ...intruder.account, encoding }, "other");
      // First boot: the factory defaults, with the operator's ServerID.
      const emulated = createEmulatedDevice({ directory: device });
      const tx = emulated.device.config.open({ path: "" }).begin();
      const tree = new Tree({ csps: standardCsps(emulated.device, DEFAULT_URI_LIMITS), rootAcl: FACTORY_ROOT_ACL, now: () => 0 });
      assert.ok(applyFactoryDefaults(tree.session(tx, "factory"), "operator.example"));
      await settle((done) => tx.commit(done));
      emulated.close();

      const h = await bootDevice(device);
      try {
        const store = () => h.control.store.open({ path: "", mode: "r" });

        operator.server.setJobs({ jobs: [PROVISION] });
        assert.equal((await runSession(h, { serverId: "operator.example" })).status, "completed");
        const provisioned = operator.job(PROVISION.id);
        assert.equal(provisioned.state, "done");
        assert.equal(provisioned.commands[0].status, "200", "the Atomic");
        assert.deepEqual(statuses(provisioned.commands[0].children!), PROVISION.commands[0].Atomic.map(() => "200"));
        assert.deepEqual(store().children(`${ACTIVESYNC_NATIVE_ROOT}/Accounts`), [GUID]);
        assert.deepEqual(flat(store(), NATIVE), EXPECTED);

        operator.server.setJobs({ jobs: [CHECK] });
        assert.equal((await runSession(h, { serverId: "operator.example" })).status, "completed");
        const checked = operator.job(CHECK.id).commands;
        assert.deepEqual(statuses(checked), CHECKED);
        assert.equal(checked[0].results?.[0].data, "someone@example.com");
        assert.equal(checked[1].results?.[0].data, "1");
        assert.equal(checked[2].results, undefined, "no value for the password");
        const listed = checked[8].results ?? [];
        assert.equal(listed.find((r) => r.source?.endsWith("/UserName"))?.data, "someone");
        assert.ok(listed.some((r) => r.source?.endsWith("/Password")), "the password node is listed");
        assert.ok(!JSON.stringify(listed).includes("hunter2"), "its value is not");
        assert.deepEqual(flat(store(), NATIVE), EXPECTED, "refused commands changed nothing");

        intruder.server.setJobs({ jobs: [INTRUDE] });
        assert.equal((await runSession(h, { serverId: "intruder.example" })).status, "completed");
        assert.deepEqual(statuses(intruder.job(INTRUDE.id).commands), ["425", "425", "425", "425", "425"]);
        assert.deepEqual(flat(store(), NATIVE), EXPECTED);

        operator.server.setJobs({ jobs: [REMOVE] });
        assert.equal((await runSession(h, { serverId: "operator.example" })).status, "completed");
        assert.deepEqual(statuses(operator.job(REMOVE.id).commands), ["200", "404"]);
        assert.equal(store().read(NATIVE), undefined);
        assert.deepEqual(store().children(`${ACTIVESYNC_NATIVE_ROOT}/Accounts`), []);
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
