// The example CSP through the tree, against the real emulated store: the pattern csp/README.md describes
// for testing a CSP (a store in a temporary directory, one transaction per case, a Tree over the CSP).
import { describe, it, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import type { ConfigTransaction } from "../../hal/config.js";
import { openConfigStore, type EmulatedConfigStore } from "../../hal/emulated/config-store.js";
import { Tree, type TreeSession } from "../../agent/cm/tree.js";
import { DmStatusError, type DmValue } from "../csp.js";
import { tempDir } from "../../test/support/temp.js";
import { FLASHLIGHT_KEY, flashlightCsp } from "./flashlight.js";
import { uri } from "../../test/support/tree-rig.js";

const F = "./Vendor/Example/Flashlight";
const bool = (data: string): DmValue => ({ format: "bool", type: "text/plain", data });
const statusOf = async (run: () => unknown): Promise<number> => {
  try {
    await run();
  } catch (error) {
    if (error instanceof DmStatusError) return error.status;
    throw error;
  }
  return 200;
};

describe("./Vendor/Example/Flashlight", () => {
  let dir: ReturnType<typeof tempDir>;
  let store: EmulatedConfigStore;
  let tx: ConfigTransaction;
  const tree = new Tree({ csps: [flashlightCsp()], rootAcl: "Add=*&Delete=*&Exec=*&Get=*&Replace=*", now: () => 0 });
  const as = (server = "operator.example"): TreeSession => tree.session(tx, server);

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

  it("is off until a server turns it on, and keeps the state as a native boolean", () => {
    const t = as();
    assert.equal(t.get(uri(F))[0].data, "On/Toggle");
    assert.deepEqual(t.get(uri(`${F}/On`)), [{ uri: `${F}/On`, format: "bool", type: "text/plain", data: "false" }]);
    t.replace(uri(`${F}/On`), bool("true"));
    assert.deepEqual(tx.read(FLASHLIGHT_KEY), { type: "boolean", value: true });
    assert.equal(t.get(uri(`${F}/On`))[0].data, "true");
  });

  it("switches on Exec of Toggle", async () => {
    const t = as();
    await t.exec(uri(`${F}/Toggle`), undefined, undefined);
    assert.equal(t.get(uri(`${F}/On`))[0].data, "true");
    await t.exec(uri(`${F}/Toggle`), undefined, "corr-1");
    assert.deepEqual(tx.read(FLASHLIGHT_KEY), { type: "boolean", value: false });
  });

  it("answers 400, 404, 405, 406, 418 and 425 where OMA DM says so", async () => {
    const t = as();
    assert.equal(await statusOf(() => t.replace(uri(`${F}/On`), bool("bright"))), 400);
    assert.equal(await statusOf(() => t.get(uri(`${F}/Colour`))), 404);
    assert.equal(await statusOf(() => t.add(uri(`${F}/Colour`), bool("true"))), 405, "the CSP refuses names its DDF lacks");
    assert.equal(await statusOf(() => t.get(uri(`${F}/Toggle`))), 405, "Toggle's DDF has no Get");
    assert.equal(await statusOf(() => t.exec(uri(`${F}/On`), undefined, undefined)), 405);
    assert.equal(await statusOf(() => t.delete(uri(`${F}/On`))), 405);
    assert.equal(await statusOf(() => t.get(uri(`${F}?prop=Size`))), 406, "an interior node has no Size");
    assert.equal(await statusOf(() => t.add(uri(`${F}/On`), bool("true"))), 418);
    t.replace(uri(`${F}?prop=ACL`), { format: "chr", data: "Exec=operator.example&Get=*&Replace=operator.example" });
    assert.equal(await statusOf(() => as("guest.example").exec(uri(`${F}/Toggle`), undefined, undefined)), 425);
    assert.equal(await statusOf(() => as("guest.example").replace(uri(`${F}/On`), bool("true"))), 425);
    assert.equal(as("guest.example").get(uri(`${F}/On`))[0].data, "false");
  });
});
