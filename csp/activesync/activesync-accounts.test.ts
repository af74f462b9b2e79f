// ActiveSync through the tree against the real emulated store: the operator's account (email, contacts,
// calendar) lands as the documented native keys and types, reads back under both roots with the password
// withheld, and goes entirely on Delete; every error status the CSP or the tree answers for it.
import { describe, it, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import type { ConfigReader, ConfigTransaction, ConfigValue } from "../../hal/config.js";
import { openConfigStore, type EmulatedConfigStore } from "../../hal/emulated/config-store.js";
import { settle } from "../../hal/async.js";
import { Tree, type TreeSession } from "../../agent/cm/tree.js";
import { DmStatusError, type DmValue } from "../csp.js";
import { tempDir } from "../../test/support/temp.js";
import { ACTIVESYNC_NATIVE_ROOT, activeSyncCsp } from "./activesync.js";
import { CONTENT_TYPES } from "./ddf.js";
import { statusOf, uri } from "../../test/support/tree-rig.js";

const OPERATOR = "operator.example";
const GUID = "{C556E16F-56C4-4EDB-9C64-D9469EE1FBE0}";
const ACCOUNT = "./Vendor/MSFT/ActiveSync/Accounts/%7BC556E16F-56C4-4EDB-9C64-D9469EE1FBE0%7D";
const NATIVE = `${ACTIVESYNC_NATIVE_ROOT}/Accounts/${GUID}`;

const chr = (data: string): DmValue => ({ format: "chr", type: "text/plain", data });

/** Every key at and below `key`, relative to it, with its value. */
function flat(reader: ConfigReader, key: string, prefix = ""): Record<string, ConfigValue> {
  const out: Record<string, ConfigValue> = {};
  for (const name of reader.children(key)) {
    const rel = prefix ? `${prefix}/${name}` : name;
    out[rel] = reader.read(`${key}/${name}`)!;
    Object.assign(out, flat(reader, `${key}/${name}`, rel));
  }
  return out;
}

/** The operator scenario's provisioning, in the order a server sends it inside its Atomic. */
function provision(t: TreeSession, account = ACCOUNT): void {
  t.add(uri(account), undefined);
  t.add(uri(`${account}/AccountName`), chr("Work mail"));
  t.add(uri(`${account}/AccountType`), chr("Exchange"));
  t.add(uri(`${account}/EmailAddress`), chr("someone@example.com"));
  t.add(uri(`${account}/Domain`), chr("CORP"));
  t.add(uri(`${account}/UserName`), chr("someone"));
  t.add(uri(`${account}/Password`), chr("hunter2"));
  t.add(uri(`${account}/ServerName`), chr("mail.example.com"));
  t.add(uri(`${account}/Options/UseSSL`), chr("1"));
  t.add(uri(`${account}/Options/Schedule`), chr("15"));
  t.add(uri(`${account}/Options/MailAgeFilter`), chr("3"));
  t.add(uri(`${account}/Options/CalendarAgeFilter`), chr("5"));
  for (const [name, guid] of [["Email", CONTENT_TYPES.email], ["Contacts", CONTENT_TYPES.contacts], ["Calendar", CONTENT_TYPES.calendar]]) {
    const escaped = guid.replace("{", "%7B").replace("}", "%7D");
    t.add(uri(`${account}/Options/ContentTypes/${escaped}/Enabled`), chr("1"));
    t.add(uri(`${account}/Options/ContentTypes/${escaped}/Name`), chr(name));
  }
}

const PROVISIONED: Record<string, ConfigValue> = {
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
  "Options/MailAgeFilter": { type: "int32", value: 3 },
  "Options/CalendarAgeFilter": { type: "int32", value: 5 },
  "Options/ContentTypes": { type: "node" },
  ...Object.fromEntries([["Email", CONTENT_TYPES.email], ["Contacts", CONTENT_TYPES.contacts], ["Calendar", CONTENT_TYPES.calendar]].flatMap(([name, guid]) => [
    [`Options/ContentTypes/${guid}`, { type: "node" }],
    [`Options/ContentTypes/${guid}/Enabled`, { type: "boolean", value: true }],
    [`Options/ContentTypes/${guid}/Name`, { type: "string", value: name }],
  ])),
};

describe("./Vendor/MSFT/ActiveSync", () => {
  let dir: ReturnType<typeof tempDir>;
  let store: EmulatedConfigStore;
  let tx: ConfigTransaction;
  const tree = new Tree({ csps: [activeSyncCsp()], rootAcl: "Add=*&Delete=*&Exec=*&Get=*&Replace=*", now: () => 0 });
  const as = (server = OPERATOR): TreeSession => tree.session(tx, server);

  beforeEach(() => {
    dir = tempDir();
    store = openConfigStore({ directory: dir.path });
    tx = store.open({ path: "" }).begin();
  });
  afterEach(() => {
    tx.rollback();
    store.close();
    dir.remove();
  });

  it("keeps a provisioned account as exactly the documented native keys, in native types, after commit", async () => {
    provision(as());
    await settle((done) => tx.commit(done));
    const reader = store.open({ path: "", mode: "r" });
    assert.deepEqual(reader.children(`${ACTIVESYNC_NATIVE_ROOT}/Accounts`), [GUID]);
    assert.deepEqual(flat(reader, NATIVE), PROVISIONED);
    tx = store.open({ path: "" }).begin();
  });

  it("reads the account back under both roots, with the password refused and listed without its value", () => {
    provision(as());
    for (const root of ["./Vendor/MSFT/ActiveSync", "./User/Vendor/MSFT/ActiveSync"]) {
      const t = as();
      const account = `${root}/Accounts/%7Bc556e16f-56c4-4edb-9c64-d9469ee1fbe0%7D`; // any case names the account
      assert.equal(t.get(uri(`${root}/Accounts`))[0].data, GUID);
      assert.deepEqual(t.get(uri(`${account}/EmailAddress`)), [
        { uri: `${root}/Accounts/{c556e16f-56c4-4edb-9c64-d9469ee1fbe0}/EmailAddress`, format: "chr", type: "text/plain", data: "someone@example.com" },
      ]);
      assert.equal(t.get(uri(`${account}/Options/UseSSL`))[0].data, "1");
      assert.equal(t.get(uri(`${account}/Options/Schedule`))[0].data, "15");
      assert.equal(t.get(uri(`${account}/Options/ContentTypes/${CONTENT_TYPES.calendar.toUpperCase()}/Enabled`))[0].data, "1");
      assert.equal(t.get(uri(`${account}/Options/ContentTypes`))[0].data, [CONTENT_TYPES.contacts, CONTENT_TYPES.calendar, CONTENT_TYPES.email].join("/"), "in the store's order");
      assert.equal(statusOf(() => t.get(uri(`${account}/Password`))), 405);
      assert.equal(statusOf(() => t.get(uri(`${account}/Password?prop=Size`))), 405, "not even its length");
      const listed = t.get(uri(`${root}?list=StructData`));
      assert.equal(listed.find((r) => r.uri.endsWith("/Password"))?.data, undefined);
      assert.equal(listed.find((r) => r.uri.endsWith("/UserName"))?.data, "someone");
      assert.ok(!JSON.stringify(listed.map((r) => r.data)).includes("hunter2"));
    }
  });

  it("replaces values in their native types and keeps the password write-only", () => {
    provision(as());
    const t = as();
    t.replace(uri(`${ACCOUNT}/Options/UseSSL`), chr("0"));
    t.replace(uri(`${ACCOUNT}/Options/Schedule`), chr("4294967295"));
    t.replace(uri(`${ACCOUNT}/ServerName`), chr("mail2.example.com"));
    t.replace(uri(`${ACCOUNT}/Password`), chr("correct horse"));
    t.add(uri(`${ACCOUNT}/Policies/MailBodyType`), chr("html"));
    t.add(uri(`${ACCOUNT}/Policies/MaxMailAgeFilter`), chr("5"));
    t.add(uri(`${ACCOUNT}/Options/MailBodyType`), chr("2"));
    t.add(uri(`${ACCOUNT}/Options/MailHTMLTruncation`), chr("-1"));
    t.add(uri(`${ACCOUNT}/Options/MailPlainTextTruncation`), chr("100"));
    t.add(uri(`${ACCOUNT}/Options/Logging`), chr("2"));
    t.add(uri(`${ACCOUNT}/AccountIcon`), chr("res://AccountSettingsSharedRes{ScreenResolution}!%s.genericmail.png"));
    t.add(uri(`${ACCOUNT}/Options/ContentTypes/${CONTENT_TYPES.tasks}/Enabled`), chr("0"));
    const n = flat(tx, NATIVE);
    assert.deepEqual(n["Options/UseSSL"], { type: "boolean", value: false });
    assert.deepEqual(n["Options/Schedule"], { type: "int64", value: 4294967295n });
    assert.deepEqual(n.ServerName, { type: "string", value: "mail2.example.com" });
    assert.deepEqual(n.Password, { type: "string", value: "correct horse" });
    assert.deepEqual(n["Policies/MailBodyType"], { type: "string", value: "HTML" }, "the documented spelling");
    assert.deepEqual(n["Policies/MaxMailAgeFilter"], { type: "int32", value: 5 });
    assert.deepEqual(n["Options/MailHTMLTruncation"], { type: "int32", value: -1 });
    assert.deepEqual(n[`Options/ContentTypes/${CONTENT_TYPES.tasks}/Enabled`], { type: "boolean", value: false });
    assert.equal(t.get(uri(`${ACCOUNT}/Options/UseSSL`))[0].data, "0");
    assert.equal(t.get(uri(`${ACCOUNT}/Policies/MailBodyType`))[0].data, "HTML");
    assert.equal(t.get(uri(`${ACCOUNT}/AccountIcon`))[0].data, "res://AccountSettingsSharedRes{ScreenResolution}!%s.genericmail.png");
    assert.equal(statusOf(() => t.get(uri(`${ACCOUNT}/Password`))), 405);
  });

  it("deletes an account with every key under it, through either root", () => {
    provision(as());
    provision(as(), "./User/Vendor/MSFT/ActiveSync/Accounts/%7B00000000-0000-4000-8000-000000000002%7D");
    as().delete(uri(ACCOUNT));
    assert.equal(tx.read(NATIVE), undefined);
    assert.deepEqual(tx.children(`${ACTIVESYNC_NATIVE_ROOT}/Accounts`), ["{00000000-0000-4000-8000-000000000002}"]);
    assert.equal(statusOf(() => as().get(uri(`${ACCOUNT}/EmailAddress`))), 404);
    as().delete(uri("./Vendor/MSFT/ActiveSync/Accounts/{00000000-0000-4000-8000-000000000002}/Options"));
    assert.deepEqual(Object.keys(flat(tx, `${ACTIVESYNC_NATIVE_ROOT}/Accounts/{00000000-0000-4000-8000-000000000002}`)).filter((k) => k.startsWith("Options")), []);
  });

  it("answers 404 for what does not exist", () => {
    provision(as());
    const t = as();
    assert.equal(statusOf(() => t.get(uri("./Vendor/MSFT/ActiveSync/Accounts/{00000000-0000-4000-8000-000000000009}"))), 404);
    assert.equal(statusOf(() => t.get(uri(`${ACCOUNT}/Policies/MailBodyType`))), 404);
    assert.equal(statusOf(() => t.get(uri(`${ACCOUNT}/Colour`))), 404);
    assert.equal(statusOf(() => t.replace(uri(`${ACCOUNT}/Options/Logging`), chr("1"))), 404);
    assert.equal(statusOf(() => t.delete(uri(`${ACCOUNT}/AccountIcon`))), 404);
    assert.equal(statusOf(() => t.get(uri("./Vendor/MSFT/ActiveSync/Accounts/not-a-guid"))), 404);
  });

  it("answers 405 for names the DDF does not define, malformed GUIDs, and commands its access types refuse", () => {
    provision(as());
    const t = as();
    assert.equal(statusOf(() => t.add(uri("./Vendor/MSFT/ActiveSync/Accounts/C556E16F-56C4-4EDB-9C64-D9469EE1FBE1"), undefined)), 405, "braces are required");
    assert.equal(statusOf(() => t.add(uri("./Vendor/MSFT/ActiveSync/Accounts/%7Bnot-a-guid%7D/EmailAddress"), chr("a@b"))), 405);
    assert.equal(statusOf(() => t.add(uri(`${ACCOUNT}/Colour`), chr("red"))), 405);
    assert.equal(statusOf(() => t.add(uri("./Vendor/MSFT/ActiveSync/Colour"), chr("red"))), 405);
    assert.equal(statusOf(() => t.add(uri(`${ACCOUNT}/Options/ContentTypes/{00000000-0000-4000-8000-000000000001}/Enabled`), chr("1"))), 405, "not a documented content type");
    assert.equal(statusOf(() => t.get(uri(`${ACCOUNT}/Password`))), 405);
    assert.equal(statusOf(() => t.delete(uri("./Vendor/MSFT/ActiveSync/Accounts"))), 405);
    assert.equal(statusOf(() => t.delete(uri("./Vendor/MSFT/ActiveSync"))), 405);
    assert.equal(statusOf(() => t.replace(uri(`${ACCOUNT}/Options`), chr("x"))), 405);
    assert.equal(statusOf(() => t.replace(uri("./Vendor/MSFT/ActiveSync/Accounts?prop=Format"), chr("chr"))), 405);
    return assert.rejects(t.exec(uri(`${ACCOUNT}/ServerName`), undefined, undefined), (e: unknown) => e instanceof DmStatusError && e.status === 405);
  });

  it("answers 406 for values outside the documented ones and for a value on an interior node or none on a leaf", () => {
    provision(as());
    const t = as();
    const cases: Array<[string, string]> = [
      ["Options/MailAgeFilter", "7"], ["Options/CalendarAgeFilter", "3"], ["Options/Logging", "3"], ["Options/MailBodyType", "5"],
      ["Options/Schedule", "4294967296"], ["Options/Schedule", "-2"], ["Options/MailHTMLTruncation", "-5"], ["Policies/MaxMailAgeFilter", "6"],
      ["Policies/MailBodyType", "rtf"],
    ];
    const provisioned = ["Options/MailAgeFilter", "Options/CalendarAgeFilter", "Options/Schedule"];
    for (const [leaf, value] of cases) {
      const target = uri(`${ACCOUNT}/${leaf}`);
      const run = provisioned.indexOf(leaf) >= 0 ? () => t.replace(target, chr(value)) : () => t.add(target, chr(value));
      assert.equal(statusOf(run), 406, `${leaf} = ${value}`);
    }
    const tasks = `${ACCOUNT}/Options/ContentTypes/${CONTENT_TYPES.tasks}`;
    assert.equal(statusOf(() => t.add(uri(tasks), chr("1"))), 406, "an interior node takes no value");
    assert.equal(statusOf(() => t.add(uri(`${ACCOUNT}/AccountIcon`), { format: "node", data: "" })), 406, "a leaf needs one");
    assert.equal(tx.read(`${NATIVE}/Options/ContentTypes/${CONTENT_TYPES.tasks}`), undefined);
    assert.equal(tx.read(`${NATIVE}/AccountIcon`), undefined);
  });

  it("answers 400 for malformed values and 418 for nodes that exist", () => {
    provision(as());
    const t = as();
    assert.equal(statusOf(() => t.replace(uri(`${ACCOUNT}/Options/UseSSL`), chr("yes"))), 400);
    assert.equal(statusOf(() => t.replace(uri(`${ACCOUNT}/Options/Schedule`), chr("soon"))), 400);
    assert.equal(statusOf(() => t.replace(uri(`${ACCOUNT}/EmailAddress`), chr("nobody"))), 400);
    assert.deepEqual(tx.read(`${NATIVE}/Options/UseSSL`), { type: "boolean", value: true }, "a refused value changes nothing");
    assert.equal(statusOf(() => t.add(uri(`${ACCOUNT}/EmailAddress`), chr("other@example.com"))), 418);
    assert.equal(statusOf(() => t.add(uri(`${ACCOUNT}/Options`), undefined)), 418);
    assert.equal(statusOf(() => t.add(uri("./Vendor/MSFT/ActiveSync/Accounts"), undefined)), 418);
  });

  it("answers 425 to a server the ACL does not name", () => {
    as().replace(uri("./Vendor/MSFT/ActiveSync?prop=ACL"), chr(`Add=${OPERATOR}&Delete=${OPERATOR}&Get=${OPERATOR}&Replace=${OPERATOR}`));
    provision(as());
    const other = as("intruder.example");
    assert.equal(statusOf(() => other.get(uri(`${ACCOUNT}/EmailAddress`))), 425);
    assert.equal(statusOf(() => other.add(uri("./Vendor/MSFT/ActiveSync/Accounts/{00000000-0000-4000-8000-000000000003}"), undefined)), 425);
    assert.equal(statusOf(() => other.replace(uri(`${ACCOUNT}/Password`), chr("mine"))), 425);
    assert.equal(statusOf(() => other.delete(uri(ACCOUNT))), 425);
    assert.deepEqual(tx.read(`${NATIVE}/Password`), { type: "string", value: "hunter2" });
  });
});
