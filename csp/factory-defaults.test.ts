// Factory defaults on a new device: applied once, through the tree, and then the operator alone reaches
// DM accounts, ActiveSync (under both roots) and the Registry, and no other server can re-grant itself.
import { describe, it, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import type { ConfigTransaction } from "../hal/config.js";
import { openConfigStore, type EmulatedConfigStore } from "../hal/emulated/config-store.js";
import { createEmulatedDevice } from "../hal/emulated/device.js";
import { settle } from "../hal/async.js";
import { Tree, type TreeSession } from "../agent/cm/tree.js";
import { DEFAULT_URI_LIMITS } from "../agent/cm/uri.js";
import type { DmValue } from "./csp.js";
import { tempDir } from "../test/support/temp.js";
import { FACTORY_ROOT_ACL, applyFactoryDefaults, standardCsps } from "./index.js";
import { statusOf, uri } from "../test/support/tree-rig.js";

const OPERATOR = "operator.example";
const chr = (data: string): DmValue => ({ format: "chr", type: "text/plain", data });

describe("factory defaults", () => {
  let dir: ReturnType<typeof tempDir>;
  let store: EmulatedConfigStore;
  let tx: ConfigTransaction;
  let tree: Tree;
  const as = (server: string): TreeSession => tree.session(tx, server);

  beforeEach(() => {
    dir = tempDir();
    const handset = createEmulatedDevice({ directory: dir.path });
    tree = new Tree({ csps: standardCsps(handset.device, DEFAULT_URI_LIMITS), rootAcl: FACTORY_ROOT_ACL, now: () => 0 });
    handset.close();
    store = openConfigStore({ directory: dir.path });
    tx = store.open({ path: "" }).begin();
  });
  afterEach(() => {
    tx.rollback();
    store.close();
    dir.remove();
  });

  it("are applied once, on first boot, and stay through a restart", async () => {
    assert.equal(applyFactoryDefaults(as("factory"), OPERATOR), true);
    assert.equal(as(OPERATOR).get(uri(".?prop=ACL"))[0].data, `Add=*&Delete=${OPERATOR}&Exec=${OPERATOR}&Get=*&Replace=${OPERATOR}`);
    assert.equal(as(OPERATOR).get(uri("./Vendor/MSFT/Registry?prop=ACL"))[0].data, `Add=${OPERATOR}&Delete=${OPERATOR}&Get=${OPERATOR}&Replace=${OPERATOR}`);
    await settle((done) => tx.commit(done));
    tx = store.open({ path: "" }).begin();
    assert.equal(applyFactoryDefaults(as("factory"), "someone.else"), false, "the root has an ACL: not a first boot");
    assert.equal(as(OPERATOR).get(uri("./DMAcc?prop=ACL"))[0].data, `Add=${OPERATOR}&Delete=${OPERATOR}&Get=${OPERATOR}&Replace=${OPERATOR}`);
  });

  it("let the operator alone reach DM accounts, ActiveSync under both roots and the Registry", () => {
    applyFactoryDefaults(as("factory"), OPERATOR);
    const op = as(OPERATOR);
    op.add(uri("./DMAcc/op/ServerID"), chr(OPERATOR));
    op.add(uri("./Vendor/MSFT/ActiveSync/Accounts/%7B11111111-2222-4333-8444-555555555555%7D/EmailAddress"), chr("someone@example.com"));
    op.add(uri("./Vendor/MSFT/Registry/Settings/Volume"), { format: "int", data: "3" });
    assert.equal(op.get(uri("./User/Vendor/MSFT/ActiveSync/Accounts/{11111111-2222-4333-8444-555555555555}/EmailAddress"))[0].data, "someone@example.com");
    assert.equal(op.get(uri("./Vendor/MSFT/Registry/Settings/Volume"))[0].data, "3");

    const other = as("intruder.example");
    for (const target of ["./DMAcc/op/ServerID", "./Vendor/MSFT/ActiveSync/Accounts", "./User/Vendor/MSFT/ActiveSync/Accounts", "./Vendor/MSFT/Registry/Settings/Volume"]) {
      assert.equal(statusOf(() => other.get(uri(target))), 425, target);
    }
    assert.equal(statusOf(() => other.add(uri("./DMAcc/evil/ServerID"), chr("intruder.example"))), 425);
    assert.equal(statusOf(() => other.add(uri("./User/Vendor/MSFT/ActiveSync/Accounts/{11111111-2222-4333-8444-666666666666}"), undefined)), 425);
    assert.equal(statusOf(() => other.replace(uri("./Vendor/MSFT/Registry/Settings/Volume"), { format: "int", data: "9" })), 425);
    for (const node of [".", "./DMAcc", "./Vendor", "./Vendor/MSFT", "./Vendor/MSFT/ActiveSync", "./Vendor/MSFT/Registry", "./User", "./User/Vendor/MSFT", "./User/Vendor/MSFT/ActiveSync"]) {
      assert.equal(statusOf(() => other.replace(uri(`${node}?prop=ACL`), chr("Add=*&Delete=*&Get=*&Replace=*"))), 425, `re-granting ${node}`);
    }
    assert.equal(other.get(uri("./DevInfo/DmV"))[0].data, "1.2", "the rest of the tree stays readable");
    other.add(uri("./Vendor/Acme/Colour"), chr("blue"));
    assert.equal(other.get(uri("./Vendor/Acme/Colour"))[0].data, "blue", "generic vendor subtrees stay open");
  });
});
