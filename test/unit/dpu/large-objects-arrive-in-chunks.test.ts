// A large object arrives as one Add or Replace per message with MoreData on every chunk but the last: each
// chunk gets 213, the last runs the whole command once (200); Size is checked (424) against MaxObjSize (413);
// anything else arriving before the last chunk abandons the object with Alert 1225.
import { describe, it, afterEach } from "node:test";
import assert from "node:assert/strict";
import type { AlertCommand, Command } from "../../../agent/syncml/index.js";
import { Get, code, harness, results, type Harness } from "./harness.js";

function chunk(cmdId: string, uri: string, data: string, more: boolean, size?: number, kind: "Add" | "Replace" = "Add"): Command {
  return {
    kind, cmdId,
    items: [{ target: { locURI: uri }, meta: size !== undefined ? { format: "chr", type: "text/plain", size } : undefined, data, ...(more ? { moreData: true } : {}) }],
  };
}

describe("large objects from the server", () => {
  let h: Harness;
  afterEach(() => h.close());

  it("buffers chunks (213) and applies the whole object once, on the last one", async () => {
    h = harness();
    const text = "a".repeat(1000) + "é" + "b".repeat(999);
    const size = Buffer.byteLength(text);
    let out = await h.run([chunk("1", "./Vendor/Big", text.slice(0, 800), true, size)], "1");
    assert.equal(code(out, "1"), 213);
    assert.equal(h.store.open({ path: "" }).read("dm-agent/data/Vendor/Big"), undefined, "nothing applied before the last chunk");
    out = await h.run([chunk("1", "./Vendor/Big", text.slice(800, 1600), true)], "2");
    assert.equal(code(out, "1"), 213);
    out = await h.run([chunk("1", "./Vendor/Big", text.slice(1600), false), Get("./Vendor/Big", "2")], "3");
    assert.equal(code(out, "1"), 200);
    assert.equal(results(out, "2")[0].data, text);
    assert.equal(results(out, "2")[0].meta?.format, "chr", "the first chunk's Meta applies to the whole");
  });

  it("answers 424 when the object does not match its Size, and applies nothing", async () => {
    h = harness();
    await h.run([chunk("1", "./Vendor/Big", "12345", true, 11)], "1");
    const out = await h.run([chunk("2", "./Vendor/Big", "12345", false)], "2");
    assert.equal(code(out, "2"), 424);
    assert.equal(h.store.open({ path: "" }).read("dm-agent/data/Vendor/Big"), undefined);
  });

  it("accepts a b64 object whose Size counts the decoded bytes", async () => {
    h = harness();
    const b64 = Buffer.from("hello world!").toString("base64");
    const first: Command = { kind: "Add", cmdId: "1", items: [{ target: { locURI: "./Vendor/B" }, meta: { format: "b64", size: 12 }, data: b64.slice(0, 8), moreData: true }] };
    await h.run([first], "1");
    const out = await h.run([chunk("2", "./Vendor/B", b64.slice(8), false)], "2");
    assert.equal(code(out, "2"), 200);
  });

  it("refuses an object over MaxObjSize with 413 without buffering it", async () => {
    h = harness({ maxObjSize: 100 });
    let out = await h.run([chunk("1", "./Vendor/Big", "x".repeat(60), true, 150)], "1");
    assert.equal(code(out, "1"), 413);
    out = await h.run([chunk("2", "./Vendor/Big", "x".repeat(90), false)], "2");
    assert.equal(code(out, "2"), 413);
    out = await h.run([chunk("3", "./Vendor/Unsized", "x".repeat(60), true), ], "3");
    out = await h.run([chunk("4", "./Vendor/Unsized", "x".repeat(60), false)], "4");
    assert.equal(code(out, "4"), 413, "an object without Size is refused once it grows past the limit");
  });

  it("abandons an object when another command comes before its last chunk (Alert 1225)", async () => {
    h = harness();
    await h.run([chunk("1", "./Vendor/Big", "part one", true, 100)], "1");
    const out = await h.run([Get("./Test/Ro", "2")], "2");
    const alert = out.find((c): c is AlertCommand => c.kind === "Alert");
    assert.equal(alert?.data, "1225");
    assert.equal(alert?.items[0].target?.locURI, "./Vendor/Big");
    assert.equal(code(out, "2"), 200, "the new command runs");
    assert.equal(h.store.open({ path: "" }).read("dm-agent/data/Vendor/Big"), undefined);
  });

  it("abandons an object the server's package ends without", async () => {
    h = harness();
    const out: Command[] = [];
    h.dpu.beginMessage();
    await h.dpu.command(chunk("1", "./Vendor/Big", "part", true, 100), "1", (c) => out.push(c));
    h.dpu.endPackage((c) => out.push(c));
    assert.deepEqual(out.map((c) => (c.kind === "Alert" ? c.data : c.kind === "Status" ? c.data : c.kind)), ["213", "1225"]);
  });
});
