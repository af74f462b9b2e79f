// Reassembly of the oracle's multi-part pushes: every order of 3 parts, random orders with duplicates of 5,
// interleaved messages, reference reuse, each limit (parts, messages, bytes, age), and persistence through a
// JSON snapshot.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { PushError } from "../../../agent/push/errors.js";
import { Reassembler, partOf, type AddResult, type SmsPart } from "../../../agent/push/reassembly.js";
import { decodeSmsDeliver } from "../../../agent/push/sms-pdu.js";
import { fromHex, oracleVectors, toHex } from "./oracle-vectors.js";

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [items.slice()];
  return items.flatMap((x, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((p) => [x, ...p]));
}

let rngState = 4242;
function rand(n: number): number {
  rngState = (rngState * 1103515245 + 12345) >>> 0;
  return (rngState >>> 8) % n;
}
function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rand(i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

const part = (over: Partial<SmsPart> = {}): SmsPart => ({
  id: "sms-1", originator: "+491", reference: 1, referenceBits: 8, total: 2, seq: 1,
  destinationPort: 2948, originPort: 9200, data: new Uint8Array(10), ...over,
});

describe("SMS reassembly", () => {
  const v = oracleVectors();
  const messages = v.concat.map((c) => ({
    ...c,
    parts: c.parts.map((hex, i) => partOf(`${c.name}#${i + 1}`, decodeSmsDeliver(fromHex(hex)))!),
  }));
  const three = messages.filter((m) => m.parts.length === 3);
  const five = messages.find((m) => m.parts.length === 5)!;

  function feed(r: Reassembler, parts: readonly SmsPart[], now = 0): AddResult[] {
    return parts.map((p) => r.add(p, now));
  }

  test("the oracle's messages have the expected shapes", () => {
    assert.equal(three.length, 2);
    assert.ok(five);
    for (const m of messages) for (const p of m.parts) assert.ok(p, "every part carries a concatenation IE");
  });

  for (const m of three) {
    test(`all 6 orders of 3 parts give the message once: ${m.name}`, () => {
      for (const order of permutations(m.parts)) {
        const r = new Reassembler();
        const results = feed(r, order);
        assert.deepEqual(results.map((x) => x.status), ["pending", "pending", "complete"]);
        const done = results[2].complete!;
        assert.equal(toHex(done.data), m.expect.data);
        assert.deepEqual(
          { originator: done.originator, reference: done.reference, referenceBits: done.referenceBits, destinationPort: done.destinationPort, originPort: done.originPort },
          { originator: m.expect.originator, reference: m.expect.reference, referenceBits: m.expect.referenceBits, destinationPort: m.expect.destinationPort, originPort: m.expect.originPort },
        );
        assert.deepEqual(done.ids.slice().sort(), order.map((p) => p.id).sort());
        assert.equal(r.pendingBytes, 0);
        assert.equal(r.pendingMessages, 0);
      }
    });
  }

  test("random orders of 5 parts with duplicates give the message once, with every SMS id", () => {
    for (let round = 0; round < 200; round++) {
      const r = new Reassembler();
      const sequence = five.parts.slice();
      const dups = rand(4);
      for (let d = 0; d < dups; d++) {
        const p = five.parts[rand(5)];
        sequence.push({ ...p, id: `${p.id}-dup${d}` });
      }
      shuffle(sequence);
      const results = feed(r, sequence);
      const completes = results.filter((x) => x.status === "complete");
      assert.equal(completes.length, 1, `round ${round}`);
      const done = completes[0].complete!;
      assert.equal(toHex(done.data), five.expect.data);
      // A duplicate that arrives after completion starts a new pending message (it will expire).
      const lateIds = sequence.slice(results.indexOf(completes[0]) + 1).map((p) => p.id);
      const before = sequence.slice(0, results.indexOf(completes[0]) + 1).map((p) => p.id);
      assert.deepEqual(done.ids.slice().sort(), before.sort());
      const expired = r.expire(10 * 60 * 1000).flatMap((d) => d.ids);
      assert.deepEqual(expired.sort(), lateIds.sort());
      assert.ok(results.every((x) => x.dropped.length === 0));
    }
  });

  test("a duplicate with the same SMS id is recognised, not counted twice", () => {
    const r = new Reassembler();
    const [a, b, c] = three[0].parts;
    r.add(a, 0);
    assert.equal(r.add(a, 1).status, "duplicate");
    r.add(b, 2);
    const done = r.add(c, 3).complete!;
    assert.deepEqual(done.ids, [a.id, b.id, c.id]);
  });

  test("interleaved messages from several senders complete independently", () => {
    for (let round = 0; round < 100; round++) {
      const r = new Reassembler();
      const all = shuffle([...three[0].parts, ...three[1].parts, ...five.parts]);
      const done = feed(r, all).flatMap((x) => (x.complete ? [x.complete] : []));
      assert.equal(done.length, 3);
      const byRef = new Map(done.map((d) => [d.reference, toHex(d.data)]));
      for (const m of [three[0], three[1], five]) assert.equal(byRef.get(m.expect.reference), m.expect.data);
    }
  });

  test("the same reference from another originator or to other ports is another message", () => {
    const r = new Reassembler();
    assert.equal(r.add(part({ id: "a" }), 0).status, "pending");
    assert.equal(r.add(part({ id: "b", originator: "+492" }), 0).status, "pending");
    assert.equal(r.add(part({ id: "c", destinationPort: 9200 }), 0).status, "pending");
    assert.equal(r.add(part({ id: "d", referenceBits: 16 }), 0).status, "pending");
    assert.equal(r.pendingMessages, 4);
  });

  test("a reused reference (same part, other octets, or another total) drops the stale message as a conflict", () => {
    const r = new Reassembler();
    r.add(part({ id: "old1", seq: 1 }), 0);
    const again = r.add(part({ id: "new1", seq: 1, data: new Uint8Array(10).fill(1) }), 5);
    assert.equal(again.status, "pending");
    assert.deepEqual(again.dropped.map((d) => [d.reason, d.ids]), [["conflict", ["old1"]]]);
    const otherTotal = r.add(part({ id: "new2", seq: 2, total: 3 }), 6);
    assert.deepEqual(otherTotal.dropped.map((d) => [d.reason, d.ids]), [["conflict", ["new1"]]]);
    assert.equal(r.pendingMessages, 1);
  });

  test("a message announcing more parts than the limit is refused; bad numbers are refused", () => {
    const r = new Reassembler({ maxParts: 4 });
    const big = r.add(part({ id: "x", total: 5 }), 0);
    assert.equal(big.status, "rejected");
    assert.deepEqual(big.dropped.map((d) => [d.reason, d.ids]), [["too-many-parts", ["x"]]]);
    assert.equal(r.add(part({ id: "y", total: 2, seq: 3 }), 0).dropped[0].reason, "bad-part");
    assert.equal(r.add(part({ id: "z", total: 0, seq: 0 }), 0).dropped[0].reason, "bad-part");
    assert.equal(r.pendingMessages, 0);
  });

  test("over the message limit the oldest pending message is evicted", () => {
    const r = new Reassembler({ maxMessages: 3 });
    for (let i = 0; i < 3; i++) r.add(part({ id: `m${i}`, reference: i }), i);
    const result = r.add(part({ id: "m3", reference: 3 }), 10);
    assert.deepEqual(result.dropped.map((d) => [d.reason, d.ids]), [["evicted", ["m0"]]]);
    assert.equal(r.pendingMessages, 3);
  });

  test("over the byte limit the oldest messages are evicted and the total never exceeds it", () => {
    const r = new Reassembler({ maxBytes: 300 });
    const dropped: string[] = [];
    for (let i = 0; i < 10; i++) {
      const res = r.add(part({ id: `b${i}`, reference: i, data: new Uint8Array(100) }), i);
      for (const d of res.dropped) dropped.push(...d.ids);
      assert.ok(r.pendingBytes <= 300);
    }
    assert.deepEqual(dropped, ["b0", "b1", "b2", "b3", "b4", "b5", "b6"]);
    const huge = r.add(part({ id: "h", reference: 99, data: new Uint8Array(301) }), 20);
    assert.equal(huge.dropped[0].reason, "too-large");
    // A message that alone would exceed the limit goes, with the parts it had.
    const r2 = new Reassembler({ maxBytes: 150 });
    r2.add(part({ id: "p1", total: 2, seq: 1, data: new Uint8Array(100) }), 0);
    const over = r2.add(part({ id: "p2", total: 2, seq: 2, data: new Uint8Array(100) }), 0);
    assert.equal(over.status, "rejected");
    assert.deepEqual(over.dropped.map((d) => d.ids).flat().sort(), ["p1", "p2"]);
    assert.equal(r2.pendingBytes, 0);
  });

  test("incomplete messages expire after the maximum age and are reported with their ids", () => {
    const r = new Reassembler({ maxAgeMs: 1000 });
    r.add(part({ id: "e1", reference: 1 }), 0);
    r.add(part({ id: "e2", reference: 2 }), 600);
    assert.deepEqual(r.expire(999), []);
    assert.deepEqual(r.expire(1000).map((d) => [d.reason, d.ids]), [["expired", ["e1"]]]);
    const late = r.add(part({ id: "e3", reference: 3 }), 1700);
    assert.deepEqual(late.dropped.map((d) => [d.reason, d.ids]), [["expired", ["e2"]]]);
  });

  test("a JSON snapshot restores pending parts after a reboot (new monotonic clock), ages kept", () => {
    const r = new Reassembler({ maxAgeMs: 10_000 });
    const [a, b, c] = three[0].parts;
    r.add(a, 50_000);
    r.add({ ...a, id: "dup-of-a" }, 51_000);
    r.add(five.parts[0], 53_000);
    const json = JSON.parse(JSON.stringify(r.snapshot(54_000)));

    const after = new Reassembler({ maxAgeMs: 10_000 });
    const restored = after.restore(json, 5);
    assert.deepEqual(restored, { complete: [], dropped: [] });
    assert.equal(after.pendingMessages, 2);
    assert.equal(after.pendingBytes, r.pendingBytes);
    after.add(b, 10);
    const done = after.add(c, 20).complete!;
    assert.equal(toHex(done.data), three[0].expect.data);
    assert.deepEqual(done.ids.slice().sort(), [a.id, "dup-of-a", b.id, c.id].sort());
    // The other message was 1 s old at the snapshot: it expires 9 s after the restore, not 10 s.
    assert.deepEqual(after.expire(5 + 8_999), []);
    assert.equal(after.expire(5 + 9_000).length, 1);
  });

  test("restore applies the current limits and refuses what is not a snapshot", () => {
    const r = new Reassembler();
    for (let i = 0; i < 5; i++) r.add(part({ id: `s${i}`, reference: i }), i);
    const small = new Reassembler({ maxMessages: 2 });
    const { dropped } = small.restore(r.snapshot(10), 0);
    assert.deepEqual(dropped.map((d) => d.ids[0]), ["s0", "s1", "s2"]);
    assert.equal(small.pendingMessages, 2);

    const snap = r.snapshot(10);
    const bad: unknown[] = [
      null, 1, { v: 2, messages: [] }, { v: 1 },
      { v: 1, messages: [{ ...snap.messages[0], parts: [{ seq: 9, data: "", ids: ["x"] }] }] },
      { v: 1, messages: [{ ...snap.messages[0], parts: [{ seq: 1, data: "@@", ids: ["x"] }] }] },
      { v: 1, messages: [{ ...snap.messages[0], parts: [{ seq: 1, data: "", ids: [] }] }] },
      { v: 1, messages: [{ ...snap.messages[0], referenceBits: 7 }] },
      { v: 1, messages: [{ ...snap.messages[0], ageMs: -1 }] },
    ];
    for (const b of bad) {
      assert.throws(() => small.restore(b, 0), (e: unknown) => e instanceof PushError && e.code === "bad-snapshot");
    }
    assert.equal(small.pendingMessages, 2, "a refused restore leaves the state");
  });

  test("limits out of range are refused", () => {
    assert.throws(() => new Reassembler({ maxParts: 256 }), PushError);
    assert.throws(() => new Reassembler({ maxBytes: 0 }), PushError);
  });
});
