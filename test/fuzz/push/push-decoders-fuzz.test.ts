// Fuzzing the push decoders: FUZZ_ITERATIONS (default 100000) mutated SMS-DELIVER PDUs, WSP pushes (DM
// notification and OMA CP content types) and package-0 notifications, seeded from the Python oracle's
// vectors; successful decodes are fed down the chain (SMS -> WSP -> notification -> digest check). Only
// PushError may escape. Then the reassembler takes random parts: its bounds hold after every call and every
// SMS id comes out exactly once (completed or dropped), through snapshot/restore cycles too.
// FUZZ_SEED picks another pseudo-random sequence; a failure prints the seed and the input.
import { test } from "node:test";
import assert from "node:assert/strict";
import { PushError } from "../../../agent/push/errors.js";
import { authenticateNotification, decodeNotification } from "../../../agent/push/notification.js";
import { Reassembler, type SmsPart } from "../../../agent/push/reassembly.js";
import { decodeSmsDeliver } from "../../../agent/push/sms-pdu.js";
import { decodeWspPush } from "../../../agent/push/wsp.js";
import { fromHex, oracleVectors, toHex } from "../../unit/push/oracle-vectors.js";

const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 100000);
const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed) >>> 0;

/** mulberry32: small, fast, reproducible. */
function prng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n: number) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * n | 0;
  };
}

const INTERESTING = [0x00, 0x01, 0x03, 0x04, 0x05, 0x08, 0x1e, 0x1f, 0x20, 0x7f, 0x80, 0x81, 0x8c, 0x8d, 0xff];

function mutate(seed: Uint8Array, rnd: (n: number) => number): Uint8Array {
  if (rnd(20) === 0) return new Uint8Array(rnd(160)).map(() => rnd(256)); // plain garbage
  const b = Array.from(seed);
  const edits = 1 + rnd(4);
  for (let e = 0; e < edits; e++) {
    const at = rnd(b.length + 1);
    switch (rnd(8)) {
      case 0: if (at < b.length) b[at] ^= 1 << rnd(8); break;
      case 1: if (at < b.length) b[at] = rnd(256); break;
      case 2: if (at < b.length) b[at] = INTERESTING[rnd(INTERESTING.length)]; break;
      case 3: b.splice(at, 0, rnd(256)); break;
      case 4: b.splice(at, 1 + rnd(3)); break;
      case 5: b.length = at; break;
      case 6: for (let k = 1 + rnd(16); k > 0; k--) b.push(rnd(256)); break;
      default: b.splice(rnd(b.length + 1), 0, ...b.slice(at, at + 1 + rnd(8)));
    }
  }
  return Uint8Array.from(b);
}

test(`push decoders survive ${ITERATIONS} mutated inputs (seed ${SEED})`, (t) => {
  const v = oracleVectors();
  const sms = [...v.sms.map((x) => x.pdu), ...v.smsReject.map((x) => x.pdu), ...v.concat.flatMap((c) => c.parts)].map(fromHex);
  const wsp = [...v.wsp.map((x) => x.bytes), ...v.wspReject.map((x) => x.bytes)].map(fromHex);
  const notifications = [...v.notification.map((x) => x.bytes), ...v.notificationReject.map((x) => x.bytes)].map(fromHex);
  const account = { serverId: v.accounts[0].serverId, serverPassword: v.accounts[0].serverPassword, nonce: fromHex(v.accounts[0].nonce) };
  const rnd = prng(SEED);
  const counts = { sms: 0, wsp: 0, notification: 0, decoded: 0, chained: 0, rejected: 0 };
  const started = Date.now();

  const chainNotification = (body: Uint8Array) => {
    const n = decodeNotification(body);
    authenticateNotification(n, { ...account, serverId: n.serverId });
    counts.chained++;
  };
  const chainWsp = (bytes: Uint8Array) => {
    const w = decodeWspPush(bytes);
    counts.chained++;
    if (w.contentTypeCode === 0x44 || w.contentType === "application/vnd.syncml.notification") chainNotification(w.body);
  };

  for (let i = 0; i < ITERATIONS; i++) {
    const kind = i % 3;
    const corpus = kind === 0 ? sms : kind === 1 ? wsp : notifications;
    const input = mutate(corpus[rnd(corpus.length)], rnd);
    try {
      if (kind === 0) {
        counts.sms++;
        const d = decodeSmsDeliver(input);
        counts.decoded++;
        if (d.dcs.alphabet === "8bit") chainWsp(d.userData);
      } else if (kind === 1) {
        counts.wsp++;
        chainWsp(input);
        counts.decoded++;
      } else {
        counts.notification++;
        chainNotification(input);
        counts.decoded++;
      }
    } catch (e) {
      if (!(e instanceof PushError)) {
        assert.fail(`iteration ${i} (seed ${SEED}, ${["sms", "wsp", "notification"][kind]}): ${String(e)}\ninput ${toHex(input)}\n${(e as Error).stack}`);
      }
      counts.rejected++;
    }
  }
  const ms = Date.now() - started;
  t.diagnostic(`${ITERATIONS} inputs in ${ms} ms: ${JSON.stringify(counts)}`);
  assert.equal(counts.sms + counts.wsp + counts.notification, ITERATIONS);
  assert.ok(counts.decoded > ITERATIONS / 20, "mutations still reach the deeper decoding paths");
});

test(`the reassembler stays within its limits and accounts for every SMS id (seed ${SEED})`, (t) => {
  const rnd = prng(SEED ^ 0xa5a5a5a5);
  const limits = { maxMessages: 8, maxParts: 16, maxBytes: 4096, maxAgeMs: 60_000 };
  let r = new Reassembler(limits);
  const out = new Map<string, number>(); // SMS id -> times it came out
  const note = (ids: readonly string[]) => ids.forEach((id) => out.set(id, (out.get(id) ?? 0) + 1));
  const operations = Math.max(1000, Math.floor(ITERATIONS / 4));
  let now = 0;
  let added = 0;
  let restores = 0;
  const started = Date.now();
  for (let i = 0; i < operations; i++) {
    now += rnd(4) === 0 ? rnd(30_000) : rnd(50);
    const total = rnd(10) === 0 ? 17 + rnd(240) : 1 + rnd(6);
    const part: SmsPart = {
      id: `sms${i}`,
      originator: ["+491", "+492", "OPERATOR"][rnd(3)],
      reference: rnd(4),
      referenceBits: rnd(2) ? 8 : 16,
      total,
      seq: rnd(20) === 0 ? rnd(total + 2) : 1 + rnd(total),
      destinationPort: rnd(5) ? 2948 : undefined,
      originPort: rnd(5) ? 9200 : undefined,
      // Few distinct contents, so that duplicates with the same octets happen often.
      data: new Uint8Array(rnd(4) ? 140 : rnd(141)).fill(rnd(3)),
    };
    const result = r.add(part, now);
    added++;
    if (result.complete) note(result.complete.ids);
    for (const d of result.dropped) note(d.ids);
    assert.ok(r.pendingBytes <= limits.maxBytes, `pending bytes ${r.pendingBytes} at operation ${i}`);
    assert.ok(r.pendingMessages <= limits.maxMessages, `pending messages ${r.pendingMessages} at operation ${i}`);

    if (rnd(200) === 0) {
      // Persist and "reboot": the restored copy carries on, on a clock that starts again.
      const snapshot = JSON.parse(JSON.stringify(r.snapshot(now)));
      const bytes = r.pendingBytes;
      r = new Reassembler(limits);
      now = rnd(1000);
      const restored = r.restore(snapshot, now);
      assert.deepEqual(restored, { complete: [], dropped: [] });
      assert.equal(r.pendingBytes, bytes);
      restores++;
      // A damaged snapshot is refused with a PushError (or taken, within limits) on a scratch instance.
      const text = JSON.stringify(snapshot);
      const damaged = text.slice(0, rnd(text.length)) + text.slice(rnd(text.length));
      let parsed: unknown;
      try {
        parsed = JSON.parse(damaged);
      } catch {
        parsed = undefined; // not JSON at all: nothing to restore
      }
      const scratch = new Reassembler(limits);
      try {
        scratch.restore(parsed, 0);
        assert.ok(scratch.pendingBytes <= limits.maxBytes);
      } catch (e) {
        if (!(e instanceof PushError)) throw e;
      }
    }
  }
  for (const d of r.expire(Number.POSITIVE_INFINITY)) note(d.ids);
  assert.equal(r.pendingBytes, 0);
  for (let i = 0; i < added; i++) assert.equal(out.get(`sms${i}`), 1, `sms${i} came out ${out.get(`sms${i}`) ?? 0} times`);
  t.diagnostic(`${operations} parts, ${restores} snapshot/restore cycles in ${Date.now() - started} ms`);
});
