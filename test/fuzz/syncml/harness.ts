// A small mutation fuzzer: seeded, reproducible, with XML- and WBXML-flavoured mutations. It checks only that
// nothing but SyncMLError escapes and that time and memory stay bounded.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SyncMLError } from "../../../agent/syncml/index.js";

export const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 100000);
export const SEED = Number(process.env.FUZZ_SEED ?? 20240601);

/** mulberry32: tiny, fast, good enough to spread mutations. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const enc = (s: string) => Array.from(new TextEncoder().encode(s));
const XML_TOKENS = [
  "<", ">", "/>", "</", "&", "&amp;", "&#x", "&#0;", "&lol;", "<![CDATA[", "]]>", "<!--", "-->", "<!DOCTYPE a [", "<!ENTITY x 'y'>",
  "<?xml version='1.0'?>", "xmlns:a='b'", "a:", "\"", "'", "=", "<Data>", "</Data>", "<Item>", "</Item>", "<Atomic>", "<Meta>",
  "<CmdID>1</CmdID>", "<__proto__>", "\u0000", "\uFFFE", "\xc3\x28",
].map(enc);
const WBXML_TOKENS = [
  [0x00], [0x01], [0x02], [0x03], [0x04], [0x40], [0x43], [0x44], [0x80], [0x83], [0x84], [0xc0], [0xc3], [0xc4],
  [0x00, 0x01], [0x00, 0x02], [0x00, 0x07], [0x83, 0x7f], [0xc3, 0x7f], [0xc3, 0x8f, 0xff, 0xff, 0xff, 0x7f],
  [0x80, 0x80, 0x80, 0x80, 0x80, 0x01], [0x02, 0x8f, 0xff], [0x4f, 0xc3, 0x05, 0x02, 0xa4, 0x03, 0x6a, 0x00],
  [0x6d], [0x6b], [0x54], [0x4f], [0x5a], [0xe0], [0xff],
];

/** One to four mutations of `input`: bit flips, interesting bytes, token inserts, deletes, duplications, splices. */
export function mutate(next: () => number, input: Uint8Array, seeds: Uint8Array[], wbxml: boolean): Uint8Array {
  const b = Array.from(input);
  const pick = (n: number) => Math.floor(next() * n);
  const tokens = wbxml ? WBXML_TOKENS : XML_TOKENS;
  const rounds = 1 + pick(4);
  for (let r = 0; r < rounds; r++) {
    const at = pick(b.length + 1);
    switch (pick(8)) {
      case 0: if (b.length) b[Math.min(at, b.length - 1)] ^= 1 << pick(8); break;
      case 1: if (b.length) b[Math.min(at, b.length - 1)] = [0, 1, 2, 3, 4, 0x3c, 0x3e, 0x26, 0x7f, 0x80, 0xc3, 0xff][pick(12)]; break;
      case 2: b.splice(at, 0, ...tokens[pick(tokens.length)]); break;
      case 3: b.splice(at, 1 + pick(16)); break;
      case 4: { // duplicate a chunk: nesting and repetition grow
        const from = pick(b.length);
        const chunk = b.slice(from, from + 1 + pick(64));
        for (let k = 1 + pick(next() < 0.05 ? 200 : 3); k > 0; k--) b.splice(at, 0, ...chunk);
        break;
      }
      case 5: b.length = pick(b.length + 1); break;
      case 6: { // splice in part of another seed
        const other = seeds[pick(seeds.length)];
        const from = pick(other.length);
        b.splice(at, pick(32), ...Array.from(other.subarray(from, from + 1 + pick(128))));
        break;
      }
      default: b.splice(at, 0, ...Array.from({ length: 1 + pick(8) }, () => pick(256)));
    }
  }
  return new Uint8Array(b);
}

export interface FuzzReport {
  iterations: number;
  decoded: number;
  errorCodes: Map<string, number>;
  slowestMs: number;
  totalMs: number;
}

/**
 * Runs `check` on `iterations` mutated inputs. `check` may throw only SyncMLError; anything else fails the test
 * (the input is saved to a temporary file and shown in hex).
 */
export function fuzz(name: string, seeds: Uint8Array[], wbxml: boolean, check: (input: Uint8Array) => void, iterations = ITERATIONS): FuzzReport {
  const next = rng(SEED);
  const report: FuzzReport = { iterations, decoded: 0, errorCodes: new Map(), slowestMs: 0, totalMs: 0 };
  const started = Date.now();
  for (let i = 0; i < iterations; i++) {
    const input = mutate(next, seeds[i % seeds.length], seeds, wbxml);
    const t = Date.now();
    try {
      check(input);
      report.decoded++;
    } catch (e) {
      if (!(e instanceof SyncMLError)) {
        const file = join(tmpdir(), `fuzz-${name}-${SEED}-${i}.bin`);
        writeFileSync(file, input);
        assert.fail(`${name} iteration ${i} (FUZZ_SEED=${SEED}) threw ${String(e)}; input saved to ${file}: ${Buffer.from(input.subarray(0, 200)).toString("hex")}`);
      }
      report.errorCodes.set(e.code, (report.errorCodes.get(e.code) ?? 0) + 1);
    }
    const ms = Date.now() - t;
    if (ms > report.slowestMs) report.slowestMs = ms;
  }
  report.totalMs = Date.now() - started;
  return report;
}

export function summary(r: FuzzReport): string {
  const codes = [...r.errorCodes.entries()].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${n}`).join(", ");
  return `${r.iterations} inputs in ${r.totalMs} ms (slowest ${r.slowestMs} ms), ${r.decoded} decoded; errors: ${codes}`;
}

/** Bounds every campaign is held to, whatever its length. */
export function assertBounded(r: FuzzReport): void {
  assert.ok(r.slowestMs < 2000, `an input took ${r.slowestMs} ms`);
  const heap = process.memoryUsage().heapUsed;
  assert.ok(heap < 1024 * 1024 * 1024, `heap grew to ${heap} bytes`);
}
