// Jobs larger than the device's MaxMsgSize: commands spread over as many packages as needed (each message within
// the limit, no command split), large objects sent in chunks with MoreData (OMA-TS-DM_Protocol §2.2), and a
// device's Results received in chunks, the server asking for each next message with Alert 1222 (§2.1).
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Command, Item, SyncMLMessage } from "../../../agent/syncml/index.js";
import { RecordStore, type CommandRecord } from "../../../server/records.js";
import { startHarness } from "./harness.js";
import { ScriptedClient, type Encoding } from "./scripted-client.js";

const items = (c: Command): Item[] => ("items" in c ? c.items : []);
const jobOf = (dir: string, id: string, job: string) => new RecordStore(dir).load(id).jobs[job];

for (const encoding of ["xml", "wbxml"] as Encoding[]) {
  test(`a job of 40 commands with MaxMsgSize 1500 goes over several packages (${encoding})`, async () => {
    const commands = Array.from({ length: 40 }, (_, i) => ({ Replace: { uri: `./Vendor/Acme/Setting${i}`, format: "chr", data: `value number ${i} `.repeat(3) } }));
    const h = await startHarness({ jobs: { jobs: [{ id: "bulk", device: "*", commands }] } });
    try {
      h.register("IMEI:10", "md5");
      const c = h.client("IMEI:10", { encoding, maxMsgSize: 1500 });
      const replies = await c.run();
      const withCommands = replies.filter((m) => ScriptedClient.managementCommands(m).length > 0);
      assert.ok(withCommands.length >= 4, `expected several packages, got ${withCommands.length}`);
      for (const x of c.exchanges) assert.ok(x.http.body.length <= 1500, `a message of ${x.http.body.length} octets`);
      for (const m of replies) assert.equal(m.body.final, true, "one message per package: each ends with Final");
      const sent = withCommands.flatMap((m) => ScriptedClient.managementCommands(m)).flatMap(items).map((i) => i.target?.locURI);
      assert.deepEqual(sent, commands.map((x) => x.Replace.uri), "every command once, in order");
      const job = jobOf(h.dir, "IMEI:10", "bulk");
      assert.equal(job.state, "done");
      assert.ok(job.commands.every((r) => r.status === "200"));
      assert.equal(c.tree.get("./Vendor/Acme/Setting39"), commands[39].Replace.data);
      assert.equal(c.closedBy, "server");
    } finally {
      await h.close();
    }
  });

  test(`a value larger than MaxMsgSize goes as a large object in chunks (${encoding})`, async () => {
    const text = Array.from({ length: 600 }, (_, i) => `line ${i} é€ <&>`).join("\n");
    const bytes = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) & 0xff));
    const jobs = {
      jobs: [{
        id: "big", device: "*",
        commands: [
          { Replace: { uri: "./Vendor/Acme/Text", format: "chr", type: "text/plain", data: text } },
          { Replace: { uri: "./Vendor/Acme/Blob", format: "bin", dataBase64: bytes.toString("base64") } },
          { Get: "./DevInfo/Man" },
        ],
      }],
    };
    const h = await startHarness({ jobs });
    try {
      h.register("IMEI:11", "md5");
      const c = h.client("IMEI:11", { encoding, maxMsgSize: 2000, tree: { "./DevInfo/Man": "Acme" } });
      const replies = await c.run();
      for (const x of c.exchanges) assert.ok(x.http.body.length <= 2000, `a message of ${x.http.body.length} octets`);
      const chunks = replies.flatMap((m) => m.body.commands).filter((k) => k.kind === "Replace").flatMap(items);
      const textChunks = chunks.filter((i) => i.target?.locURI === "./Vendor/Acme/Text");
      assert.ok(textChunks.length > 3, "several chunks");
      assert.equal(textChunks[0].meta?.size, Buffer.byteLength(text), "Size, in octets, on the first chunk");
      assert.ok(textChunks.slice(1).every((i) => i.meta?.size === undefined), "and only there");
      assert.ok(textChunks.slice(0, -1).every((i) => i.moreData) && !textChunks.at(-1)!.moreData);
      // A message carrying a chunk with MoreData has no Final (the package continues).
      for (const m of replies) {
        const more = m.body.commands.some((k) => items(k).some((i) => i.moreData));
        if (more) assert.equal(m.body.final, false);
      }
      assert.equal(c.tree.get("./Vendor/Acme/Text"), text);
      const blob = c.tree.get("./Vendor/Acme/Blob")!;
      if (encoding === "xml") assert.deepEqual(Buffer.from(blob, "base64"), bytes, "b64 chunks concatenate to the object");
      else assert.deepEqual(c.binary.get("./Vendor/Acme/Blob"), bytes, "opaque chunks concatenate to the object");
      const job = jobOf(h.dir, "IMEI:11", "big");
      assert.equal(job.state, "done");
      assert.deepEqual(job.commands.map((r) => r.status), ["200", "200", "200"]);
    } finally {
      await h.close();
    }
  });

  test(`Results split by the device with MoreData are reassembled (${encoding})`, async () => {
    const big = "0123456789abcdef".repeat(400);
    const h = await startHarness({ jobs: { jobs: [{ id: "pull", device: "*", commands: [{ Get: "./Vendor/Acme/Log" }, { Get: "./DevInfo/Man" }] }] } });
    try {
      h.register("IMEI:12", "hmac");
      const c = h.client("IMEI:12", { encoding, chunkResultsOver: 1000, tree: { "./Vendor/Acme/Log": big, "./DevInfo/Man": "Acme" } });
      const replies = await c.run();
      const nextMessage = replies.filter((m) => m.body.commands.some((k) => k.kind === "Alert" && k.data === "1222"));
      assert.equal(nextMessage.length, 6, "one Alert 1222 per chunk but the last");
      for (const m of nextMessage) {
        assert.equal(m.body.final, false, "the 'next message' response has no Final");
        assert.deepEqual(ScriptedClient.managementCommands(m), []);
      }
      const job = jobOf(h.dir, "IMEI:12", "pull");
      const log = job.commands[0] as CommandRecord;
      assert.equal(log.results?.length, 1);
      assert.equal(log.results?.[0].data, big);
      assert.equal(log.results?.[0].source, "./Vendor/Acme/Log");
      assert.equal(log.results?.[0].sizeMismatch, undefined);
      assert.equal(job.commands[1].results?.[0].data, "Acme");
      assert.equal(c.closedBy, "server");
    } finally {
      await h.close();
    }
  });
}

test("an object larger than the device's MaxObjSize, or a command no message can hold, is recorded as not sendable", async () => {
  const jobs = {
    jobs: [{
      id: "limits", device: "*",
      commands: [
        { Replace: { uri: "./Vendor/Acme/Huge", data: "x".repeat(5000) } },
        { Atomic: Array.from({ length: 30 }, (_, i) => ({ Replace: { uri: `./Vendor/Acme/N${i}`, data: "v" } })) },
        { Get: "./DevInfo/Man" },
      ],
    }],
  };
  const h = await startHarness({ jobs });
  try {
    h.register("IMEI:13", "basic");
    const c = h.client("IMEI:13", { maxMsgSize: 1200, maxObjSize: 4000, tree: { "./DevInfo/Man": "Acme" } });
    await c.run();
    const job = jobOf(h.dir, "IMEI:13", "limits");
    assert.equal(job.commands[0].state, "not-sendable");
    assert.match(job.commands[0].note ?? "", /MaxObjSize/);
    assert.equal(job.commands[1].state, "not-sendable");
    assert.match(job.commands[1].note ?? "", /MaxMsgSize/);
    assert.equal(job.commands[2].status, "200");
    assert.equal(job.state, "done");
  } finally {
    await h.close();
  }
});

test("stopOnFailure: a refused command ends the job, the rest is skipped", async () => {
  const jobs = {
    jobs: [
      // 600-character values: with MaxMsgSize 2000 the Replace does not fit beside the Alert in package 2.
      { id: "careful", device: "*", stopOnFailure: true, commands: [{ Alert: { code: 1101, text: "Go? ".repeat(150) } }, { Replace: { uri: "./A", data: "1".repeat(600) } }] },
      { id: "other", device: "*", commands: [{ Get: "./DevInfo/Man" }] },
    ],
  };
  const h = await startHarness({ jobs });
  try {
    h.register("IMEI:14", "md5");
    const c = h.client("IMEI:14", { maxMsgSize: 2000, ui: { confirm: "304" }, tree: { "./DevInfo/Man": "Acme" } });
    const replies: SyncMLMessage[] = await c.run();
    assert.equal(ScriptedClient.managementCommands(replies[0]).length, 1, "the Alert alone in package 2");
    const rec = new RecordStore(h.dir).load("IMEI:14");
    assert.equal(rec.jobs.careful.commands[0].status, "304");
    assert.equal(rec.jobs.careful.commands[1].state, "skipped");
    assert.equal(rec.jobs.careful.state, "stopped");
    assert.equal(rec.jobs.other.state, "done");
    assert.equal(c.tree.has("./A"), false);
  } finally {
    await h.close();
  }
});
