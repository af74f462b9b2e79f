// The protected keys are out of reach through ./Vendor/MSFT/Registry, whatever the spelling: the agent's
// own state (dm-agent), DM accounts and ActiveSync accounts (their own CSPs keep secrets write-only).
import { describe, it, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import type { ConfigTransaction } from "../../hal/config.js";
import { openConfigStore, type EmulatedConfigStore } from "../../hal/emulated/config-store.js";
import { Tree, type TreeSession } from "../../agent/cm/tree.js";
import { parseUri } from "../../agent/cm/uri.js";
import { GENERIC_DATA, TREE_STATE } from "../../agent/cm/store-keys.js";
import { PUSH_POLICY, PUSH_STATE } from "../../agent/push/router.js";
import { STATE_DOMAIN } from "../../agent/agent.js";
import type { DmValue } from "../csp.js";
import { tempDir } from "../../test/support/temp.js";
import { PROTECTED_KEYS, registryCsp } from "./registry.js";
import { statusOf, uri } from "../../test/support/tree-rig.js";

const R = "./Vendor/MSFT/Registry";
const chr = (data: string): DmValue => ({ format: "chr", data });

describe("./Vendor/MSFT/Registry protected keys", () => {
  let dir: ReturnType<typeof tempDir>;
  let store: EmulatedConfigStore;
  let tx: ConfigTransaction;
  const tree = new Tree({ csps: [registryCsp()], rootAcl: "Add=*&Delete=*&Get=*&Replace=*", now: () => 0 });
  const as = (): TreeSession => tree.session(tx, "operator.example");

  beforeEach(() => {
    dir = tempDir();
    store = openConfigStore({ directory: dir.path });
    tx = store.open({ path: "" }).begin();
    tx.write("dm-agent/boots", { type: "int32", value: 3 });
    tx.write("DMAcc/op/AppAuth/c/AAuthSecret", { type: "string", value: "client-secret" });
    tx.write("Software/Microsoft/ActiveSync/Accounts/{G}/Password", { type: "string", value: "hunter2" });
    tx.write("Software/Microsoft/Other/Colour", { type: "string", value: "blue" });
  });
  afterEach(() => {
    tx.rollback();
    store.close();
    dir.remove();
  });

  it("covers every key the agent keeps for itself", () => {
    assert.equal(PROTECTED_KEYS[0], STATE_DOMAIN);
    for (const key of [TREE_STATE, GENERIC_DATA, PUSH_STATE, PUSH_POLICY]) assert.ok(key.startsWith(`${STATE_DOMAIN}/`), key);
  });

  it("leaves them out of listings and structure walks", () => {
    const t = as();
    assert.equal(t.get(uri(R))[0].data, "Software");
    assert.equal(t.get(uri(`${R}/Software/Microsoft`))[0].data, "Other");
    const walked = t.get(uri(`${R}?list=StructData`));
    assert.deepEqual(walked.map((r) => r.uri), [R, `${R}/Software`, `${R}/Software/Microsoft`, `${R}/Software/Microsoft/Other`, `${R}/Software/Microsoft/Other/Colour`]);
  });

  it("answers 404 to Get, Replace and Delete of them, in any spelling that could alias them", () => {
    const t = as();
    const spellings = [
      "dm-agent/boots", "DM-AGENT/boots", "dm-agent./boots", "dm-agent /boots", "%64m-agent/boots",
      "DMAcc/op/AppAuth/c/AAuthSecret", "dmacc/op/AppAuth/c/AAuthSecret", "DMAcc", "DMACC.",
      "Software/Microsoft/ActiveSync/Accounts/{G}/Password", "software/MICROSOFT/activesync/Accounts/{G}/Password",
      "ſoftware/Microsoft/ActiveSync", "Software/Mıcrosoft/ActiveSync",
    ];
    for (const s of spellings) {
      assert.equal(statusOf(() => t.get(uri(`${R}/${s}`))), 404, s);
      assert.equal(statusOf(() => t.replace(uri(`${R}/${s}`), chr("x"))), 404, s);
      assert.equal(statusOf(() => t.delete(uri(`${R}/${s}`))), 404, s);
    }
    assert.equal(parseUri(`${R}/Software/Microsoft/Other/../ActiveSync`), "malformed", "no path traversal reaches a CSP");
    assert.equal(parseUri(`${R}/DMAcc%2Fop`), "malformed");
    const context = { config: tx, serverId: "operator.example", log: () => undefined };
    assert.equal(registryCsp().node(["Software", "..", "DMAcc"], context), undefined, "nor around the parser");
  });

  it("answers 405 to an Add that would create one and to a Delete of an ancestor", () => {
    const t = as();
    assert.equal(statusOf(() => t.add(uri(`${R}/DMAcc/evil/ServerID`), chr("evil.example"))), 405);
    assert.equal(statusOf(() => t.add(uri(`${R}/dmacc`), undefined)), 405);
    assert.equal(statusOf(() => t.add(uri(`${R}/dm-agent/tree`), undefined)), 405);
    assert.equal(statusOf(() => t.add(uri(`${R}/Software/Microsoft/ActiveSync/Accounts/{H}`), undefined)), 405);
    assert.equal(statusOf(() => t.delete(uri(`${R}/Software`))), 405, "would take ActiveSync accounts with it");
    assert.equal(statusOf(() => t.delete(uri(`${R}/Software/Microsoft`))), 405);
    assert.equal(statusOf(() => t.delete(uri(`${R}/software/microsoft`))), 404, "this store is case-sensitive: no such key");
    t.delete(uri(`${R}/Software/Microsoft/Other`));
    t.add(uri(`${R}/%2564m-agent`), undefined); // a key literally named "%64m-agent": no alias of dm-agent
    assert.deepEqual(tx.children(""), ["%64m-agent", "DMAcc", "Software", "dm-agent"]);
    assert.deepEqual(tx.read("dm-agent/boots"), { type: "int32", value: 3 });
    assert.deepEqual(tx.read("DMAcc/op/AppAuth/c/AAuthSecret"), { type: "string", value: "client-secret" });
    assert.equal(tx.read("DMAcc/evil"), undefined);
    assert.deepEqual(tx.read("Software/Microsoft/ActiveSync/Accounts/{G}/Password"), { type: "string", value: "hunter2" });
  });
});
