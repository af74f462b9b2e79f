// Fuzzing the OMA CP / DM bootstrap path: FUZZ_ITERATIONS (default 100000) mutated CP documents, seeded from the Python
// oracle's WBXML and XML documents and malformed cases and from the fixtures, then a tenth as many mutated SyncML DM
// bootstrap messages (XML and WBXML). Each input goes the whole way a pushed or file bootstrap goes: MAC check,
// decode, w7 and NAPDEF mapping, the bootstrap plan. Only PushError may escape, and what a decode returns stays
// within the limits it was given (no unbounded buffer). A quarter of the inputs run under tight limits.
// FUZZ_SEED picks another pseudo-random sequence; a failure prints the seed and the input.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PushError } from "../../../agent/push/errors.js";
import {
  decodeNapdef, decodeProvisioningDoc, dmBootstrapToDmacc, isW7, planBootstrap, PROV_LIMITS, verifyCpMac, w7ToDmacc,
  type Characteristic, type ProvLimits,
} from "../../../agent/push/bootstrap/index.js";
import { decodeXml, encodeWbxml } from "../../../agent/syncml/index.js";
import { cpVectors, FIXTURES, fromHex, toHex } from "../../unit/push/bootstrap/cp-vectors.js";

const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 100000);
const SEED = Number(process.env.FUZZ_SEED ?? 0xc0ffee) >>> 0;

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

/** WBXML global tokens and PROV tokens worth landing on. */
const INTERESTING = [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x40, 0x43, 0x44, 0x45, 0x46, 0x50, 0x55, 0x80, 0x83, 0x84, 0x86, 0xc3, 0xc4, 0xc6, 0xff];
/** Markup worth splicing into XML. */
const MARKUP = ["<", ">", "/>", "&", "&amp;", "&#x10FFFF;", "&#xD800;", "&#0;", '"', "'", "=", " ", "<!--", "-->", "<![CDATA[", "]]>",
  "<!DOCTYPE wap-provisioningdoc [", "<!ENTITY a 'b'>", "]>", "<?x?>", '<characteristic type="APPLICATION">', "</characteristic>",
  '<parm name="APPID" value="w7"/>', '<parm name="PROVIDER-ID" value="p"/>', "<wap-provisioningdoc>", "</wap-provisioningdoc>",
  '<characteristic type="APPAUTH"><parm name="AAUTHDATA" value="!!"/></characteristic>', "\u0000", "\uFFFF", "é"];

function mutateBytes(seed: Uint8Array, rnd: (n: number) => number): Uint8Array {
  if (rnd(25) === 0) return new Uint8Array(rnd(200)).map(() => rnd(256)); // plain garbage
  const b = Array.from(seed);
  for (let e = rnd(2) ? 1 : 1 + rnd(4); e > 0; e--) {
    const at = rnd(b.length + 1);
    switch (rnd(11)) {
      case 0: if (at < b.length) b[at] ^= 1 << rnd(8); break;
      case 1: if (at < b.length) b[at] = rnd(256); break;
      case 2: if (at < b.length) b[at] = INTERESTING[rnd(INTERESTING.length)]; break;
      case 3: b.splice(at, 0, INTERESTING[rnd(INTERESTING.length)]); break;
      case 4: b.splice(at, 1 + rnd(4)); break;
      case 5: b.length = at; break;
      case 6: for (let k = 1 + rnd(16); k > 0; k--) b.push(rnd(256)); break;
      case 7: b.splice(at, 0, 0x83, rnd(128)); break; // a string-table reference anywhere
      case 8: case 9: // a letter inside an inline string: the document stays valid, its values change
        if (b[at - 1] > 0x20 && b[at - 1] < 0x7f && b[at] > 0x20 && b[at] < 0x7f) b[at] = 0x41 + rnd(26);
        break;
      default: b.splice(rnd(b.length + 1), 0, ...b.slice(at, at + 1 + rnd(24))); // duplicate a run (deeper nesting)
    }
  }
  return Uint8Array.from(b);
}

function mutateText(seed: string, rnd: (n: number) => number): string {
  let s = seed;
  for (let e = rnd(2) ? 1 : 1 + rnd(4); e > 0; e--) {
    const at = rnd(s.length + 1);
    switch (rnd(8)) {
      case 5: { // duplicate or drop a line: mostly still well-formed, so the mapping gets odd documents
        const lines = s.split("\n");
        const k = rnd(lines.length);
        if (rnd(2)) lines.splice(k, 0, lines[k]);
        else lines.splice(k, 1);
        s = lines.join("\n");
        break;
      }
      case 6: s = s.slice(0, at) + "abcXYZ019-_:/.é"[rnd(15)] + s.slice(at + 1); break; // inside a value, usually

      case 0: s = s.slice(0, at) + MARKUP[rnd(MARKUP.length)] + s.slice(at); break;
      case 1: s = s.slice(0, at) + s.slice(at + 1 + rnd(8)); break;
      case 2: s = s.slice(0, at); break;
      case 3: s = s.slice(0, at) + s.slice(at, at + 1 + rnd(80)) + s.slice(at); break;
      default: s = s.slice(0, at) + String.fromCharCode(rnd(128)) + s.slice(at + 1);
    }
  }
  return s;
}

/** Elements, depth and characters of a decoded document: what the limits promise to bound. */
function measure(cs: readonly Characteristic[], depth = 2): { elements: number; depth: number; chars: number } {
  const m = { elements: 0, depth: cs.length ? depth : depth - 1, chars: 0 };
  for (const c of cs) {
    m.elements += 1 + c.parms.length;
    m.chars += c.type.length;
    for (const p of c.parms) m.chars += p.name.length + (p.value ?? "").length;
    if (c.parms.length) m.depth = Math.max(m.depth, depth + 1);
    const k = measure(c.characteristics, depth + 1);
    m.elements += k.elements;
    m.chars += k.chars;
    m.depth = Math.max(m.depth, k.depth);
  }
  return m;
}

test(`CP bootstrap survives ${ITERATIONS} mutated documents (seed ${SEED})`, (t) => {
  const v = cpVectors();
  const wbxml = [...v.wbxml.map((x) => x.bytes), ...v.reject.map((x) => x.bytes)].map(fromHex);
  const xml = [...v.xml.map((x) => x.text), ...v.xmlReject.map((x) => x.text)];
  for (const f of readdirSync(FIXTURES).filter((n) => n.startsWith("w7-"))) xml.push(readFileSync(join(FIXTURES, f), "utf8"));
  const syncmlXml = ["dm-bootstrap-1.2.xml", "dm-bootstrap-1.1.xml"].map((f) => readFileSync(join(FIXTURES, f), "utf8"));
  const syncmlWbxml = syncmlXml.map((x) => encodeWbxml(decodeXml(x), { stringTable: true }));
  const tight: ProvLimits = { maxBytes: 2048, maxDepth: 4, maxElements: 40, maxText: 600 };
  const rnd = prng(SEED);
  const counts = { wbxml: 0, xml: 0, syncml: 0, decoded: 0, w7: 0, napdef: 0, planned: 0, mac: 0, rejected: {} as Record<string, number> };
  const started = Date.now();

  // ITERATIONS CP documents (half WBXML, half XML), then a tenth as many SyncML DM bootstrap messages.
  const total = ITERATIONS + Math.floor(ITERATIONS / 10);
  for (let i = 0; i < total; i++) {
    const kind = i >= ITERATIONS ? "syncml" : i % 2 ? "xml" : "wbxml";
    let input: Uint8Array | string;
    if (kind === "syncml") {
      input = rnd(2) ? mutateBytes(syncmlWbxml[rnd(2)], rnd) : new Uint8Array(Buffer.from(mutateText(syncmlXml[rnd(2)], rnd)));
    } else if (kind === "xml") {
      const text = mutateText(xml[rnd(xml.length)], rnd);
      input = rnd(4) ? text : new Uint8Array(Buffer.from(text));
    } else input = mutateBytes(wbxml[rnd(wbxml.length)], rnd);
    counts[kind]++;
    const limits: ProvLimits = rnd(4) ? PROV_LIMITS : tight;
    const bytes = typeof input === "string" ? new Uint8Array(Buffer.from(input)) : input;
    try {
      const verdict = verifyCpMac({ sec: rnd(6), mac: rnd(2) ? toHex(bytes.subarray(0, 20)) : "x", document: bytes, imsi: "262011234567890", userPin: rnd(2) ? "1234" : "12345678" });
      assert.ok(["ok", "bad-mac", "need-user-pin", "need-imsi", "unsupported"].indexOf(verdict) >= 0);
      counts.mac++;
      if (kind === "syncml") {
        dmBootstrapToDmacc(bytes, { limits: { maxBytes: 1 << 16 } });
      } else {
        const doc = decodeProvisioningDoc(input, limits);
        counts.decoded++;
        const m = measure(doc.characteristics);
        assert.ok(m.elements + 1 <= limits.maxElements && m.depth <= limits.maxDepth, `bounds ${JSON.stringify(m)}`);
        assert.ok(m.chars <= limits.maxText, `text ${m.chars}`);
        for (const c of doc.characteristics) {
          try {
            if (isW7(c)) w7ToDmacc(c, { accountName: "fuzz" }), counts.w7++;
            else if (c.type === "NAPDEF") decodeNapdef(c), counts.napdef++;
          } catch (e) {
            if (!(e instanceof PushError)) throw e;
          }
        }
      }
      planBootstrap(bytes, { accountName: (_s, n) => `a${n}`, limits });
      counts.planned++;
    } catch (e) {
      if (!(e instanceof PushError)) {
        const shown = typeof input === "string" ? JSON.stringify(input) : toHex(input);
        assert.fail(`iteration ${i} (seed ${SEED}, ${kind}): ${String(e)}\ninput ${shown}\n${(e as Error).stack}`);
      }
      counts.rejected[e.code] = (counts.rejected[e.code] ?? 0) + 1;
    }
  }
  const ms = Date.now() - started;
  t.diagnostic(`${total} inputs in ${ms} ms: ${JSON.stringify(counts)}`);
  assert.equal(counts.wbxml + counts.xml, ITERATIONS);
  assert.ok(counts.decoded > ITERATIONS / 10, "mutations still reach the mapping paths");
  assert.ok(counts.w7 > 0 && counts.planned > 0);
});
