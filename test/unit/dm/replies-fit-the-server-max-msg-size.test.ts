// The client's replies are packed into messages no larger than the server's MaxMsgSize; a single item too big
// for one message goes as a large object (Size on the first chunk, MoreData on all but the last, nothing after
// a chunk in its message); Final only on the last message of a package, Alert 1222 when the server's goes on.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Outbox } from "../../../agent/dm/outbox.js";
import { decodeMessage, encodeWbxml, encodeXmlBytes, type Command, type ResultsCommand, type SyncHdr, type SyncMLMessage } from "../../../agent/syncml/index.js";

const header: SyncHdr = {
  verDTD: "1.2", verProto: "DM/1.2", sessionId: "1", msgId: "2",
  target: { locURI: "https://dm.example.net/dm" }, source: { locURI: "IMEI:490154203237518" }, meta: { maxMsgSize: 65536 },
};
const status = (i: number): Command => ({ kind: "Status", cmdId: "", msgRef: "1", cmdRef: String(i), cmd: "Get", targetRefs: [`./Vendor/N${i}`], sourceRefs: [], data: "200", items: [] });
const results = (ref: string, data: string | Uint8Array, format = "chr"): ResultsCommand =>
  ({ kind: "Results", cmdId: "", msgRef: "1", cmdRef: ref, targetRefs: [], sourceRefs: [], items: [{ source: { locURI: "./Vendor/Big" }, meta: { format }, data }] });

type Enc = "xml" | "wbxml";
const encode = (e: Enc) => (m: SyncMLMessage) => (e === "wbxml" ? encodeWbxml(m) : encodeXmlBytes(m));

/** Builds messages until the outbox is empty; decodes each. */
function drain(box: Outbox, limit: number, e: Enc, serverDone = true): Array<{ bytes: number; msg: SyncMLMessage }> {
  const out = [];
  for (let i = 0; i < 200 && (box.length > 0 || i === 0); i++) {
    const built = box.build({ ...header, msgId: String(i + 1) }, { limit, serverDone, encode: encode(e), xml: e === "xml" });
    out.push({ bytes: built.bytes.length, msg: decodeMessage(built.bytes) });
  }
  return out;
}

for (const e of ["xml", "wbxml"] as const) {
  describe(`replies in ${e}`, () => {
    it("sends everything that fits in one message, with Final when the server's package is complete", () => {
      const box = new Outbox();
      for (let i = 1; i <= 5; i++) box.push(status(i));
      const [only] = drain(box, 16384, e);
      assert.equal(only.msg.body.final, true);
      assert.deepEqual(only.msg.body.commands.map((c) => c.cmdId), ["1", "2", "3", "4", "5"]);
    });

    it("asks for the next message (Alert 1222, no Final) while the server's package goes on", () => {
      const box = new Outbox();
      box.push(status(1));
      const [only] = drain(box, 16384, e, false);
      assert.equal(only.msg.body.final, false);
      const last = only.msg.body.commands[1];
      assert.equal(last.kind === "Alert" && last.data, "1222");
    });

    it("splits 300 statuses across messages under MaxMsgSize, in order, Final on the last only", () => {
      const box = new Outbox();
      for (let i = 1; i <= 300; i++) box.push(status(i));
      const messages = drain(box, 4000, e);
      assert.ok(messages.length >= 3, `${messages.length} messages`);
      for (const m of messages) assert.ok(m.bytes <= 4000, `${m.bytes} bytes`);
      assert.deepEqual(messages.map((m) => m.msg.body.final), messages.map((_, i) => i === messages.length - 1));
      const refs = messages.flatMap((m) => m.msg.body.commands.map((c) => (c as { cmdRef: string }).cmdRef));
      assert.deepEqual(refs, Array.from({ length: 300 }, (_, i) => String(i + 1)));
    });

    it("sends an item larger than a message as a large object: Size first, MoreData until the last chunk", () => {
      const text = ("abc<&>é€😀 ").repeat(3000);
      const box = new Outbox();
      box.push(status(1));
      box.push(results("7", text));
      box.push(status(2));
      const messages = drain(box, 6000, e);
      for (const m of messages) assert.ok(m.bytes <= 6000, `${m.bytes} bytes`);
      const chunks = messages.flatMap((m) => m.msg.body.commands).filter((c): c is ResultsCommand => c.kind === "Results");
      assert.ok(chunks.length > 3);
      assert.equal(chunks[0].items[0].meta?.size, Buffer.byteLength(text));
      assert.ok(chunks.slice(1).every((c) => c.items[0].meta?.size === undefined));
      assert.deepEqual(chunks.map((c) => !!c.items[0].moreData), chunks.map((_, i) => i < chunks.length - 1));
      assert.equal(chunks.map((c) => c.items[0].data).join(""), text);
      for (const m of messages) {
        const cmds = m.msg.body.commands;
        const at = cmds.findIndex((c) => c.kind === "Results" && c.items[0].moreData);
        if (at >= 0) assert.equal(at, cmds.length - 1, "nothing follows a chunk in its message");
      }
      const lastCmds = messages[messages.length - 1].msg.body.commands;
      assert.equal((lastCmds[lastCmds.length - 1] as { cmdRef: string }).cmdRef, "2", "what was queued after the object follows it");
    });

    it("always makes progress with an item just around the size of a message", () => {
      for (let length = 3500; length <= 4200; length += 7) {
        const box = new Outbox();
        box.push(status(1));
        box.push(results("9", "z".repeat(length)));
        const messages = drain(box, 4000, e);
        assert.equal(box.length, 0, `stuck at ${length}`);
        const data = messages.flatMap((m) => m.msg.body.commands).filter((c): c is ResultsCommand => c.kind === "Results").map((c) => c.items[0].data).join("");
        assert.equal(data.length, length);
        for (const m of messages) assert.ok(m.bytes <= 4000);
      }
    });

    it("cuts b64 data on 4-character boundaries", () => {
      const data = Buffer.alloc(20000, 7).toString("base64");
      const box = new Outbox();
      box.push(results("1", data, "b64"));
      const chunks = drain(box, 5000, e).flatMap((m) => m.msg.body.commands) as ResultsCommand[];
      for (const c of chunks.slice(0, -1)) assert.equal((c.items[0].data as string).length % 4, 0);
    });

    it("splits a Results with many items into one Results per item before chunking any", () => {
      const box = new Outbox();
      const many: ResultsCommand = { ...results("3", ""), items: Array.from({ length: 40 }, (_, i) => ({ source: { locURI: `./N/${i}` }, data: "x".repeat(200) })) };
      box.push(many);
      const cmds = drain(box, 3000, e).flatMap((m) => m.msg.body.commands).filter((c): c is ResultsCommand => c.kind === "Results");
      assert.equal(cmds.flatMap((c) => c.items).length, 40);
      assert.ok(cmds.every((c) => c.cmdRef === "3" && !c.items.some((i) => i.moreData)));
    });

    it("forgets the rest of an object the server refused", () => {
      const again = new Outbox();
      again.push(results("1", "y".repeat(20000)), "chunk:x");
      again.build(header, { limit: 5000, serverDone: true, encode: encode(e), xml: e === "xml" });
      assert.ok(again.length > 0);
      again.drop("chunk:x");
      assert.equal(again.length, 0);
    });
  });
}

it("sends binary data in WBXML chunks as opaque bytes", () => {
  const bytes = new Uint8Array(30000).map((_, i) => i & 0xff);
  const box = new Outbox();
  box.push(results("1", bytes, "bin"));
  const chunks = drain(box, 8000, "wbxml").flatMap((m) => m.msg.body.commands) as ResultsCommand[];
  assert.ok(chunks.length >= 4);
  assert.deepEqual(Buffer.concat(chunks.map((c) => Buffer.from(c.items[0].data as Uint8Array))), Buffer.from(bytes));
  assert.equal(chunks[0].items[0].meta?.size, 30000);
});
