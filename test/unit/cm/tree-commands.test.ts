// Configuration Manager: routing to CSPs, the generic subtree, ACL per server with inheritance, access
// types from the DDF, node properties. Against the real emulated store, in one transaction per case.
import { describe, it, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import type { ConfigTransaction } from "../../../hal/config.js";
import { openConfigStore, type EmulatedConfigStore } from "../../../hal/emulated/config-store.js";
import { Tree, type TreeSession } from "../../../agent/cm/tree.js";
import { DmStatusError, type Csp, type DmValue } from "../../../csp/csp.js";
import { tempDir } from "../../support/temp.js";
import { statusOf, uri } from "../../support/tree-rig.js";

/** A read-only CSP at ./Info with a readable leaf and a write-only secret. */
const infoCsp: Csp = {
  roots: [["Info"]],
  description: {
    name: "Info", access: ["Get"], format: "node",
    children: [
      { name: "Name", access: ["Get"], format: "chr" },
      { name: "Secret", access: ["Replace"], format: "chr" },
    ],
  },
  node: (path) => (path.length === 0 ? { kind: "interior" } : path.length === 1 && (path[0] === "Name" || path[0] === "Secret") ? { kind: "leaf", format: "chr" } : undefined),
  children: (path) => (path.length === 0 ? ["Name", "Secret"] : []),
  get(path) {
    if (path[0] === "Secret") throw new DmStatusError(405, "write-only");
    return { format: "chr", type: "text/plain", data: "handset" };
  },
  add: () => { throw new DmStatusError(405, "read-only"); },
  replace: (_path, value, context) => context.config.write("native/secret", { type: "string", value: String(value.data) }),
  delete: () => { throw new DmStatusError(405, "read-only"); },
};

const chr = (data: string): DmValue => ({ format: "chr", type: "text/plain", data });

describe("the DM tree", () => {
  let dir: ReturnType<typeof tempDir>;
  let store: EmulatedConfigStore;
  let tx: ConfigTransaction;
  const tree = new Tree({ csps: [infoCsp], rootAcl: "Add=*&Get=*&Replace=*&Delete=*", now: () => Date.UTC(2026, 10, 25, 9, 30) });
  const as = (server: string): TreeSession => tree.session(tx, server);

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

  it("routes a leaf Get to its CSP and lists interior nodes, mount points included", () => {
    const t = as("srv1");
    assert.deepEqual(t.get(uri("./Info/Name")), [{ uri: "./Info/Name", format: "chr", type: "text/plain", data: "handset" }]);
    assert.equal(t.get(uri("./Info"))[0].data, "Name/Secret");
    t.add(uri("./Vendor/Acme/Colour"), chr("blue"));
    assert.equal(t.get(uri("."))[0].data, "Info/Vendor");
  });

  it("answers 404 for a missing node, 405 for a write-only leaf and for access types the DDF lacks", () => {
    const t = as("srv1");
    assert.equal(statusOf(() => t.get(uri("./Info/Nothing"))), 404);
    assert.equal(statusOf(() => t.get(uri("./Info/Secret"))), 405);
    assert.equal(statusOf(() => t.replace(uri("./Info/Name"), chr("x"))), 405);
    assert.equal(statusOf(() => t.delete(uri("./Info"))), 405);
    assert.equal(statusOf(() => t.replace(uri("./Info/Secret"), chr("hunter2"))), 200);
    assert.deepEqual(tx.read("native/secret"), { type: "string", value: "hunter2" }, "the CSP wrote through the session's transaction");
  });

  it("keeps a generic subtree for paths no CSP owns: Add with missing parents, 418, Replace, Delete", () => {
    const t = as("srv1");
    t.add(uri("./Vendor/Acme/Net/Proxy"), chr("proxy.example:8080"));
    assert.equal(t.kind(["Vendor", "Acme", "Net"]), "interior");
    assert.equal(statusOf(() => t.add(uri("./Vendor/Acme/Net/Proxy"), chr("again"))), 418);
    t.replace(uri("./Vendor/Acme/Net/Proxy"), chr("other:3128"));
    assert.equal(t.get(uri("./Vendor/Acme/Net/Proxy"))[0].data, "other:3128");
    assert.equal(statusOf(() => t.add(uri("./Vendor/Acme/Net/Proxy/Under"), chr("x"))), 405, "nothing goes under a leaf");
    t.delete(uri("./Vendor/Acme"));
    assert.equal(statusOf(() => t.get(uri("./Vendor/Acme/Net/Proxy"))), 404);
    assert.equal(statusOf(() => t.delete(uri("."))), 405);
  });

  it("stores binary leaves and answers Size in bytes", () => {
    const t = as("srv1");
    t.add(uri("./Vendor/Blob"), { format: "bin", type: "application/octet-stream", data: new Uint8Array([0, 1, 2, 255]) });
    assert.deepEqual(t.get(uri("./Vendor/Blob"))[0].data, new Uint8Array([0, 1, 2, 255]));
    t.add(uri("./Vendor/Text"), chr("é"));
    assert.equal(t.get(uri("./Vendor/Text?prop=Size"))[0].data, "2");
  });

  it("checks ACLs per server with inheritance from the nearest ancestor that has one", () => {
    as("srv1").add(uri("./Vendor/Acme"), undefined);
    as("srv1").replace(uri("./Vendor/Acme?prop=ACL"), chr("Get=srv1&Add=srv1&Replace=srv1&Delete=srv1"));
    as("srv1").add(uri("./Vendor/Acme/Key"), chr("v"));
    assert.equal(as("srv1").get(uri("./Vendor/Acme/Key"))[0].data, "v", "inherited from ./Vendor/Acme");
    assert.equal(statusOf(() => as("srv2").get(uri("./Vendor/Acme/Key"))), 425);
    assert.equal(statusOf(() => as("srv2").add(uri("./Vendor/Acme/Other"), chr("v"))), 425);
    assert.equal(statusOf(() => as("srv2").get(uri("./Vendor"))), 200, "outside the protected subtree");
  });

  it("lets only a server with Replace on the parent change a node's ACL", () => {
    as("srv1").add(uri("./Vendor/Acme"), undefined);
    as("srv1").replace(uri("./Vendor?prop=ACL"), chr("Get=*&Add=*&Replace=srv1"));
    assert.equal(statusOf(() => as("srv2").replace(uri("./Vendor/Acme?prop=ACL"), chr("Get=srv2"))), 425);
    as("srv1").replace(uri("./Vendor/Acme?prop=ACL"), chr("Get=srv2"));
    assert.equal(as("srv2").get(uri("./Vendor/Acme?prop=ACL"))[0].data, "Get=srv2");
    assert.equal(statusOf(() => as("srv1").replace(uri("./Vendor/Acme?prop=ACL"), chr("Fetch=srv1"))), 400);
    assert.equal(statusOf(() => as("srv1").replace(uri(".?prop=ACL"), chr(""))), 405, "the root keeps an ACL");
  });

  it("answers node properties, with VerNo and TStamp moving on every change", () => {
    const t = as("srv1");
    t.add(uri("./Vendor/Acme/Key"), chr("v1"));
    assert.equal(t.get(uri("./Vendor/Acme/Key?prop=VerNo"))[0].data, "0");
    t.replace(uri("./Vendor/Acme/Key"), chr("v2"));
    assert.equal(t.get(uri("./Vendor/Acme/Key?prop=VerNo"))[0].data, "1");
    assert.equal(t.get(uri("./Vendor/Acme/Key?prop=TStamp"))[0].data, "20261125T093000Z");
    assert.equal(t.get(uri("./Vendor/Acme/Key?prop=Format"))[0].data, "chr");
    assert.equal(t.get(uri("./Vendor/Acme?prop=Format"))[0].data, "node");
    assert.equal(t.get(uri("./Vendor/Acme/Key?prop=Name"))[0].data, "Key");
    t.replace(uri("./Vendor/Acme/Key?prop=Title"), chr("A key"));
    assert.equal(t.get(uri("./Vendor/Acme/Key?prop=Title"))[0].data, "A key");
    assert.equal(statusOf(() => t.replace(uri("./Vendor/Acme/Key?prop=Format"), chr("int"))), 405);
  });

  it("lists structure with ?list=Struct and values with ?list=StructData, secrets without their value", () => {
    const t = as("srv1");
    assert.deepEqual(t.get(uri("./Info?list=Struct")).map((r) => [r.uri, r.format]), [
      ["./Info", "node"], ["./Info/Name", "chr"], ["./Info/Secret", "chr"],
    ]);
    const data = t.get(uri("./Info?list=StructData"));
    assert.equal(data[1].data, "handset");
    assert.equal(data[2].data, undefined, "a write-only leaf is listed without its value");
  });

  it("copies a leaf onto a new or existing target", () => {
    const t = as("srv1");
    t.copy(uri("./Vendor/Copy"), uri("./Info/Name"));
    assert.equal(t.get(uri("./Vendor/Copy"))[0].data, "handset");
    assert.equal(statusOf(() => t.copy(uri("./Vendor/Copy2"), uri("./Info/Secret"))), 405);
  });
});
