// XML decoder fuzz: FUZZ_ITERATIONS (default 100000) mutated messages; only SyncMLError may escape.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { decodeXml, encodeXml, SyncMLError } from "../../../agent/syncml/index.js";
import { utf8Encode } from "../../../agent/bytes/utf8.js";
import { assertBounded, fuzz, summary } from "./harness.js";

const FIXTURES = join(import.meta.dirname, "..", "..", "..", "..", "test", "fixtures", "syncml");
const files = readdirSync(FIXTURES).filter((f) => f.endsWith(".xml"));
// Compact seeds keep each input small, so the campaign explores structure rather than re-parsing bulk.
const seeds = [
  ...files.map((f) => utf8Encode(encodeXml(decodeXml(readFileSync(join(FIXTURES, f)))))),
  new Uint8Array(readFileSync(join(FIXTURES, "server-quirks.xml"))),
];

test("XML: mutated messages decode or fail with SyncMLError, and what decodes re-encodes to itself", (t) => {
  const report = fuzz("xml", seeds, false, (input) => {
    const msg = decodeXml(input);
    let xml: string;
    try {
      xml = encodeXml(msg);
    } catch (e) {
      if (e instanceof SyncMLError && e.code === "invalid-char") return; // raw control characters read leniently
      throw e;
    }
    assert.deepEqual(decodeXml(xml), msg);
  });
  t.diagnostic(summary(report));
  assertBounded(report);
  assert.ok(report.errorCodes.size >= 6, "mutations reach many error paths");
});
