// Microsoft: "Provisioning with an account that has the same GUID as an existing one deletes the existing
// account and doesn't create the new account." Read as: an Add of Accounts/{GUID} that exists removes that
// account (every key) and succeeds; the rest of that provisioning (Adds under the GUID in the same
// transaction, i.e. the same Atomic) is accepted and not stored; a later transaction provisions afresh.
import { describe, it, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import type { ConfigTransaction } from "../../hal/config.js";
import { openConfigStore, type EmulatedConfigStore } from "../../hal/emulated/config-store.js";
import { settle } from "../../hal/async.js";
import { Tree } from "../../agent/cm/tree.js";
import { parseUri, type DmUri } from "../../agent/cm/uri.js";
import { DmStatusError, type CspContext, type DmValue } from "../csp.js";
import { tempDir } from "../../test/support/temp.js";
import { ACTIVESYNC_NATIVE_ROOT, activeSyncCsp } from "./activesync.js";

const GUID = "{2A8B6C1D-0E3F-4A5B-8C7D-9E0F1A2B3C4D}";
const ACCOUNT = `./User/Vendor/MSFT/ActiveSync/Accounts/${GUID.replace("{", "%7B").replace("}", "%7D")}`;
const NATIVE = `${ACTIVESYNC_NATIVE_ROOT}/Accounts/${GUID}`;

const uri = (text: string): DmUri => parseUri(text) as DmUri;
const chr = (data: string): DmValue => ({ format: "chr", type: "text/plain", data });

describe("ActiveSync: provisioning a GUID that exists", () => {
  let dir: ReturnType<typeof tempDir>;
  let store: EmulatedConfigStore;
  let tx: ConfigTransaction;
  const csp = activeSyncCsp();
  const tree = new Tree({ csps: [csp], rootAcl: "Add=*&Delete=*&Get=*&Replace=*", now: () => 0 });
  const leaves = (t: ReturnType<Tree["session"]>, email: string) => {
    t.add(uri(`${ACCOUNT}/EmailAddress`), chr(email));
    t.add(uri(`${ACCOUNT}/Options/UseSSL`), chr("1"));
  };
  const next = async () => {
    await settle((done) => tx.commit(done));
    tx = store.open({ path: "" }).begin();
  };

  beforeEach(async () => {
    dir = tempDir();
    store = openConfigStore({ directory: dir.path });
    tx = store.open({ path: "" }).begin();
    const t = tree.session(tx, "operator.example");
    t.add(uri(ACCOUNT), undefined);
    leaves(t, "first@example.com");
    await next();
  });
  afterEach(() => {
    tx.rollback();
    store.close();
    dir.remove();
  });

  it("deletes the existing account and creates none, then provisions afresh in a later transaction", async () => {
    const context: CspContext = { config: tx, serverId: "operator.example", log: () => undefined };
    // What CM2 does for an Add whose target exists, when the CSP implements addExisting.
    csp.addExisting!(["Accounts", GUID.toLowerCase()], undefined, context);
    assert.equal(tx.read(NATIVE), undefined);
    leaves(tree.session(tx, "operator.example"), "second@example.com");
    assert.equal(tx.read(NATIVE), undefined, "the rest of the provisioning is not stored");
    await next();
    assert.deepEqual(tx.children(`${ACTIVESYNC_NATIVE_ROOT}/Accounts`), []);

    const t = tree.session(tx, "operator.example");
    t.add(uri(ACCOUNT), undefined);
    leaves(t, "third@example.com");
    assert.deepEqual(tx.read(`${NATIVE}/EmailAddress`), { type: "string", value: "third@example.com" });
  });

  it("keeps 418 for other nodes that exist", () => {
    const context: CspContext = { config: tx, serverId: "operator.example", log: () => undefined };
    assert.throws(() => csp.addExisting!(["Accounts", GUID, "EmailAddress"], chr("x"), context), (e: unknown) => e instanceof DmStatusError && e.status === 418);
    assert.deepEqual(tx.read(`${NATIVE}/EmailAddress`), { type: "string", value: "first@example.com" });
  });

  it("does the same through the tree", () => {
    const t = tree.session(tx, "operator.example");
    t.add(uri(ACCOUNT), undefined);
    leaves(t, "second@example.com");
    assert.equal(tx.read(NATIVE), undefined);
  });
});
