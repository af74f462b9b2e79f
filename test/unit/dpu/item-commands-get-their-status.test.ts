// The DPU answers every item command with its OMA DM status, in order, and Get with Results; what it cannot
// parse gets 400, unsupported options 406, URI limits 414, and nothing a server sends makes it throw.
import { describe, it, afterEach } from "node:test";
import assert from "node:assert/strict";
import type { Command, Item, XmlElement } from "../../../agent/syncml/index.js";
import { DEFAULT_URI_LIMITS } from "../../../agent/cm/uri.js";
import { Add, Copy, Delete, Exec, Get, Replace, code, codes, harness, results, type Harness } from "./harness.js";

describe("item commands", () => {
  let h: Harness;
  afterEach(() => h.close());

  it("adds, reads, replaces and deletes generic nodes, committing each command", async () => {
    h = harness();
    const out = await h.run([
      Add("./Vendor/Acme/Colour", "blue", "chr", "1"),
      Get("./Vendor/Acme/Colour", "2"),
      Replace("./Vendor/Acme/Colour", "red", "chr", "3"),
      Get("./Vendor/Acme", "4"),
      Delete("./Vendor/Acme/Colour", "5"),
      Get("./Vendor/Acme/Colour", "6"),
    ]);
    assert.deepEqual(["1", "2", "3", "4", "5", "6"].map((id) => code(out, id)), [200, 200, 200, 200, 200, 404]);
    assert.deepEqual(results(out, "2"), [{ source: { locURI: "./Vendor/Acme/Colour" }, meta: { format: "chr", type: undefined }, data: "blue" }].map((r) => ({ ...r, meta: { format: "chr" } })));
    assert.deepEqual(results(out, "4")[0].meta, { format: "node" });
    assert.equal(results(out, "4")[0].data, "Colour");
    assert.equal(h.store.open({ path: "" }).read("dm-agent/data/Vendor/Acme/Colour"), undefined, "the Delete was committed");
    const first = out.findIndex((c) => c.kind === "Status" && c.cmdRef === "2");
    assert.equal(out[first + 1]?.kind, "Results", "statuses stay in command order; Results follow their Status");
  });

  it("answers 404, 405, 418 and 425 as the tree decides", async () => {
    h = harness({ rootAcl: "Add=*&Get=*&Replace=*" });
    const out = await h.run([
      Get("./Vendor/None", "1"),
      Replace("./Test/Ro", "x", "chr", "2"),
      Add("./Vendor/A", "1", "chr", "3"),
      Add("./Vendor/A", "2", "chr", "4"),
      Delete("./Vendor/A", "5"),
    ]);
    assert.deepEqual(["1", "2", "3", "4", "5"].map((id) => code(out, id)), [404, 405, 200, 418, 425]);
  });

  it("copies a leaf and executes with the correlator", async () => {
    h = harness();
    const out = await h.run([
      Add("./Vendor/From", "value", "chr", "1"),
      Copy("./Vendor/To", "./Vendor/From", "2"),
      Get("./Vendor/To", "3"),
      Exec("./Test/Run", "go", "corr-1", "4"),
      Exec("./Test/Fail", undefined, undefined, "5"),
      Exec("./Vendor/From", undefined, undefined, "6"),
    ]);
    assert.deepEqual(["1", "2", "3", "4", "5", "6"].map((id) => code(out, id)), [200, 200, 200, 200, 500, 405]);
    assert.equal(results(out, "3")[0].data, "value");
    assert.deepEqual(h.execs, [{ path: "Run", data: "go", correlator: "corr-1" }]);
  });

  it("answers 400 for what cannot be parsed and 406 for what it does not support", async () => {
    h = harness();
    const noTarget: Command = { kind: "Get", cmdId: "1", items: [{}] };
    const noItems: Command = { kind: "Replace", cmdId: "2", items: [] };
    const noCmdId: Command = { kind: "Get", cmdId: "", items: [{ target: { locURI: "./Vendor" } }] };
    const malformed = Get("./Vendor//X", "4");
    const put: Command = { kind: "Unsupported", name: "Put", cmdId: "5" };
    const badList = Get("./Vendor?list=Everything", "6");
    const badAlert: Command = { kind: "Alert", cmdId: "7", data: "1299", items: [] };
    const out = await h.run([noTarget, noItems, noCmdId, malformed, put, badList, badAlert]);
    assert.deepEqual(["1", "2", "", "4", "5", "6", "7"].map((id) => code(out, id)), [400, 400, 400, 400, 406, 406, 406]);
    assert.equal(out.find((c) => c.kind === "Status" && c.cmdRef === "5" && c.cmd === "Put") !== undefined, true);
  });

  it("answers 414 for a URI longer than MaxTotLen or deeper than MaxDepth, 415 for an unknown format", async () => {
    h = harness();
    const deep = "./" + Array.from({ length: DEFAULT_URI_LIMITS.maxDepth + 1 }, (_, i) => `n${i}`).join("/");
    const long = "./Vendor/" + "a".repeat(DEFAULT_URI_LIMITS.maxTotalLength);
    const out = await h.run([Add(deep, "x", "chr", "1"), Get(long, "2"), Add("./Vendor/X", "x", "mp3", "3")]);
    assert.deepEqual(["1", "2", "3"].map((id) => code(out, id)), [414, 414, 415]);
  });

  it("gives one Status per item, and keeps the items that succeeded when another fails", async () => {
    h = harness();
    const two: Command = {
      kind: "Add", cmdId: "1",
      items: [
        { target: { locURI: "./Vendor/One" }, meta: { format: "chr" }, data: "1" },
        { target: { locURI: "./Test/Ro/Under" }, meta: { format: "chr" }, data: "2" },
        { target: { locURI: "./Vendor/Three" }, meta: { format: "int" }, data: "3" },
      ],
    };
    const out = await h.run([two, Get("./Vendor/One", "2"), Get("./Vendor/Three", "3")]);
    assert.deepEqual(codes(out, "1"), [200, 405, 200]);
    const refs = out.filter((c) => c.kind === "Status" && c.cmdRef === "1").map((c) => (c as { targetRefs: string[] }).targetRefs[0]);
    assert.deepEqual(refs, ["./Vendor/One", "./Test/Ro/Under", "./Vendor/Three"]);
    assert.deepEqual([code(out, "2"), code(out, "3")], [200, 200]);
    assert.equal(results(out, "3")[0].meta?.format, "int");
  });

  it("sends no Status for NoResp commands, none at all under a NoResp SyncHdr, and still sends Results", async () => {
    h = harness();
    const quietAdd: Command = { ...Add("./Vendor/Q", "1", "chr", "1"), noResp: true } as Command;
    let out = await h.run([quietAdd, Get("./Vendor/Q", "2")]);
    assert.equal(code(out, "1"), undefined);
    assert.equal(code(out, "2"), 200);
    out = await h.run([Get("./Vendor/Q", "3")], "2", true);
    assert.equal(code(out, "3"), undefined);
    assert.equal(results(out, "3")[0].data, "1");
  });

  it("returns binary values as b64 text in XML and as bytes in WBXML", async () => {
    const bin: Item = { target: { locURI: "./Vendor/Blob" }, meta: { format: "bin" }, data: new Uint8Array([0, 1, 254, 255]) };
    h = harness();
    let out = await h.run([{ kind: "Add", cmdId: "1", items: [bin] }, Get("./Vendor/Blob", "2")]);
    assert.deepEqual(results(out, "2")[0], { source: { locURI: "./Vendor/Blob" }, meta: { format: "b64" }, data: "AAH+/w==" });
    h.close();
    h = harness({ binary: true });
    out = await h.run([{ kind: "Add", cmdId: "1", items: [bin] }, Get("./Vendor/Blob", "2")]);
    assert.deepEqual(results(out, "2")[0].data, new Uint8Array([0, 1, 254, 255]));
    assert.equal(results(out, "2")[0].meta?.format, "bin");
  });

  it("lists subtrees (?list=Struct, StructData) and properties (?prop=)", async () => {
    h = harness();
    const out = await h.run([
      Add("./Vendor/L/A", "1", "chr", "1"),
      Add("./Vendor/L/B", "2", "chr", "2"),
      Get("./Vendor/L?list=StructData", "3"),
      Get("./Vendor/L/A?prop=Format", "4"),
    ]);
    assert.deepEqual(results(out, "3").map((i) => [i.source?.locURI, i.data]), [["./Vendor/L", undefined], ["./Vendor/L/A", "1"], ["./Vendor/L/B", "2"]]);
    assert.equal(results(out, "4")[0].data, "chr");
  });

  it("answers 413 to a Get whose value is over the server's MaxObjSize", async () => {
    h = harness({ peerMaxObjSize: 10 });
    const out = await h.run([Add("./Vendor/Big", "0123456789ABC", "chr", "1"), Get("./Vendor/Big", "2")]);
    assert.equal(code(out, "2"), 413);
    assert.deepEqual(results(out, "2"), []);
  });

  it("exports a subtree as TNDS and adds one from TNDS data", async () => {
    h = harness({ rootAcl: "Add=*&Get=*&Replace=*&Delete=*" });
    let out = await h.run([Add("./Vendor/T/Name", "n", "chr", "1"), Get("./Vendor/T?list=TNDS+Format+Value", "2"), Delete("./Vendor/T", "3")]);
    const doc = results(out, "2")[0];
    assert.equal(doc.meta?.type, "application/vnd.syncml.dmtnds+xml");
    const tree = doc.data as XmlElement;
    assert.equal(tree.name, "MgmtTree");
    assert.equal(code(out, "3"), 200);
    const tnds = (data: XmlElement, cmdId: string): Command =>
      ({ kind: "Add", cmdId, items: [{ target: { locURI: "./Vendor" }, meta: { format: "xml", type: "application/vnd.syncml.dmtnds+xml" }, data }] });
    out = await h.run([tnds(tree, "4"), Get("./Vendor/T/Name", "5")]);
    assert.equal(code(out, "4"), 200, "the document's Path (./Vendor) places it back");
    assert.equal(results(out, "5")[0].data, "n");
  });

  it("traces steps 7 to 10 for each command, without values", async () => {
    h = harness();
    await h.run([Replace("./Vendor/Secret", "hunter2", "chr", "1"), Add("./Vendor/Secret", "hunter2", "chr", "2")]);
    const steps = h.trace.filter((e) => e.step !== undefined).map((e) => e.step);
    assert.deepEqual([...new Set(steps)].sort((a, b) => a! - b!), [7, 8, 9, 10]);
    assert.ok(!JSON.stringify(h.trace).includes("hunter2"), "values never reach the trace");
  });
});
