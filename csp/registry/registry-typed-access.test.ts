// ./Vendor/MSFT/Registry through the tree against the real emulated store: each node is the native key of
// the same path, leaves keep their native type both ways, and every status the CSP or the tree answers.
import { describe, it, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import type { ConfigTransaction } from "../../hal/config.js";
import { openConfigStore, type EmulatedConfigStore } from "../../hal/emulated/config-store.js";
import { Tree, type TreeSession } from "../../agent/cm/tree.js";
import { DmStatusError, type DmFormat, type DmValue } from "../csp.js";
import { tempDir } from "../../test/support/temp.js";
import { registryCsp } from "./registry.js";
import { statusOf, uri } from "../../test/support/tree-rig.js";

const R = "./Vendor/MSFT/Registry";
const value = (format: DmFormat, data: string | Uint8Array): DmValue => ({ format, data });

describe("./Vendor/MSFT/Registry", () => {
  let dir: ReturnType<typeof tempDir>;
  let store: EmulatedConfigStore;
  let tx: ConfigTransaction;
  const tree = new Tree({ csps: [registryCsp()], rootAcl: "Add=*&Delete=*&Exec=*&Get=*&Replace=*", now: () => 0 });
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

  it("creates keys in the native type the Meta Format names, and reads them back in that format", () => {
    const t = as();
    t.add(uri(`${R}/Settings`), undefined);
    t.add(uri(`${R}/Settings/Name`), value("chr", "handset"));
    t.add(uri(`${R}/Settings/Volume`), value("int", "7"));
    t.add(uri(`${R}/Settings/Uptime`), value("int", "-9000000000"));
    t.add(uri(`${R}/Settings/Muted`), value("bool", "TRUE"));
    t.add(uri(`${R}/Settings/Blob`), value("b64", "AAH/"));
    t.add(uri(`${R}/Settings/Raw`), value("bin", new Uint8Array([9, 8])));
    t.add(uri(`${R}/Settings/Gain/Left`), value("float", "0.25")); // the missing parent is made too
    assert.deepEqual(tx.read("Settings"), { type: "node" });
    assert.deepEqual(tx.read("Settings/Name"), { type: "string", value: "handset" });
    assert.deepEqual(tx.read("Settings/Volume"), { type: "int32", value: 7 });
    assert.deepEqual(tx.read("Settings/Uptime"), { type: "int64", value: -9000000000n }, "too wide for int32");
    assert.deepEqual(tx.read("Settings/Muted"), { type: "boolean", value: true });
    assert.deepEqual(tx.read("Settings/Blob"), { type: "buffer", value: new Uint8Array([0, 1, 255]).buffer });
    assert.deepEqual(tx.read("Settings/Raw"), { type: "buffer", value: new Uint8Array([9, 8]).buffer });
    assert.deepEqual(tx.read("Settings/Gain/Left"), { type: "float64", value: 0.25 });

    const got = (name: string) => t.get(uri(`${R}/Settings/${name}`))[0];
    assert.deepEqual(got("Name"), { uri: `${R}/Settings/Name`, format: "chr", type: "text/plain", data: "handset" });
    assert.deepEqual([got("Volume").format, got("Volume").data], ["int", "7"]);
    assert.deepEqual([got("Uptime").format, got("Uptime").data], ["int", "-9000000000"]);
    assert.deepEqual([got("Muted").format, got("Muted").data], ["bool", "true"]);
    assert.deepEqual([got("Blob").format, got("Blob").type, got("Blob").data], ["bin", "application/octet-stream", new Uint8Array([0, 1, 255])]);
    assert.deepEqual([got("Gain/Left").format, got("Gain/Left").data], ["float", "0.25"]);
    assert.equal(t.get(uri(`${R}/Settings`))[0].data, "Blob/Gain/Muted/Name/Raw/Uptime/Volume");
    assert.equal(t.get(uri(`${R}/Settings/Volume?prop=Format`))[0].data, "int");
  });

  it("shows what native code wrote, and replaces a value keeping the key's native type", () => {
    tx.write("Display/Brightness", { type: "int32", value: 80 });
    tx.write("Display/Serial", { type: "int64", value: 12n });
    tx.write("Display/Auto", { type: "boolean", value: false });
    tx.write("Display/Cert", { type: "buffer", value: new Uint8Array([1]).buffer });
    const t = as();
    assert.equal(t.get(uri(`${R}/Display/Brightness`))[0].data, "80");
    t.replace(uri(`${R}/Display/Brightness`), value("chr", "60"));
    t.replace(uri(`${R}/Display/Serial`), value("int", "5"));
    t.replace(uri(`${R}/Display/Auto`), value("bool", "true"));
    t.replace(uri(`${R}/Display/Cert`), value("b64", "AgM="));
    assert.deepEqual(tx.read("Display/Brightness"), { type: "int32", value: 60 });
    assert.deepEqual(tx.read("Display/Serial"), { type: "int64", value: 5n }, "stays int64");
    assert.deepEqual(tx.read("Display/Auto"), { type: "boolean", value: true });
    assert.deepEqual(tx.read("Display/Cert"), { type: "buffer", value: new Uint8Array([2, 3]).buffer });
    t.delete(uri(`${R}/Display`));
    assert.equal(tx.read("Display"), undefined);
    assert.deepEqual(tx.children("Display"), []);
  });

  it("answers 400 for data its type cannot hold and 415 for formats the store does not keep", () => {
    tx.write("K/Int", { type: "int32", value: 1 });
    tx.write("K/Bool", { type: "boolean", value: true });
    const t = as();
    assert.equal(statusOf(() => t.replace(uri(`${R}/K/Int`), value("int", "2147483648"))), 400, "an int32 key stays int32");
    assert.equal(statusOf(() => t.replace(uri(`${R}/K/Int`), value("chr", "seven"))), 400);
    assert.equal(statusOf(() => t.replace(uri(`${R}/K/Bool`), value("bool", "maybe"))), 400);
    assert.equal(statusOf(() => t.add(uri(`${R}/K/Blob`), value("b64", "!!!"))), 400);
    assert.equal(statusOf(() => t.add(uri(`${R}/K/Float`), value("float", "NaN"))), 400);
    assert.equal(statusOf(() => t.add(uri(`${R}/K/Doc`), value("xml", "<a/>"))), 415);
    assert.equal(statusOf(() => t.add(uri(`${R}/K/When`), value("date", "20260101"))), 415);
    assert.deepEqual(tx.children("K"), ["Bool", "Int"]);
  });

  it("answers 404, 405, 406, 418 where OMA DM says so", () => {
    tx.write("K/Leaf", { type: "string", value: "v" });
    const t = as();
    assert.equal(statusOf(() => t.get(uri(`${R}/K/Missing`))), 404);
    assert.equal(statusOf(() => t.replace(uri(`${R}/K/Missing`), value("chr", "v"))), 404);
    assert.equal(statusOf(() => t.delete(uri(`${R}/K/Missing`))), 404);
    assert.equal(statusOf(() => t.replace(uri(`${R}/K`), value("chr", "v"))), 405, "an interior key has no value");
    assert.equal(statusOf(() => t.add(uri(`${R}/K/Leaf/Under`), value("chr", "v"))), 405, "nothing goes under a leaf");
    assert.equal(statusOf(() => t.delete(uri(R))), 405);
    assert.equal(statusOf(() => t.add(uri(R), undefined)), 418);
    assert.equal(statusOf(() => t.add(uri(`${R}/K/Leaf`), value("chr", "again"))), 418);
    assert.equal(statusOf(() => t.add(uri(`${R}/K`), undefined)), 418);
    assert.equal(statusOf(() => t.get(uri(`${R}/K?prop=Size`))), 406, "an interior key has no Size");
    assert.equal(t.get(uri(`${R}/K/Leaf?prop=Size`))[0].data, "1");
    return assert.rejects(t.exec(uri(`${R}/K/Leaf`), undefined, undefined), (e: unknown) => e instanceof DmStatusError && e.status === 405);
  });

  it("answers 425 to a server its ACL does not name", () => {
    tx.write("K/Leaf", { type: "string", value: "v" });
    as().replace(uri(`${R}?prop=ACL`), value("chr", "Add=operator.example&Delete=operator.example&Get=operator.example&Replace=operator.example"));
    const other = as("intruder.example");
    assert.equal(statusOf(() => other.get(uri(`${R}/K/Leaf`))), 425);
    assert.equal(statusOf(() => other.get(uri(R))), 425);
    assert.equal(statusOf(() => other.add(uri(`${R}/K/New`), value("chr", "v"))), 425);
    assert.equal(statusOf(() => other.replace(uri(`${R}/K/Leaf`), value("chr", "w"))), 425);
    assert.equal(statusOf(() => other.delete(uri(`${R}/K`))), 425);
  });
});
