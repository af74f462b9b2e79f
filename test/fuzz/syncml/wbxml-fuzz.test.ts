// WBXML decoder fuzz: FUZZ_ITERATIONS (default 100000) mutated messages; only SyncMLError may escape.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { decodeWbxml, decodeXml, encodeWbxml } from "../../../agent/syncml/index.js";
import { assertBounded, fuzz, summary } from "./harness.js";

const FIXTURES = join(import.meta.dirname, "..", "..", "..", "..", "test", "fixtures", "syncml");
const messages = readdirSync(FIXTURES).filter((f) => f.endsWith(".xml")).map((f) => decodeXml(readFileSync(join(FIXTURES, f))));
const seeds = [
  ...messages.map((m) => encodeWbxml(m)),
  ...messages.map((m) => encodeWbxml(m, { version: 3, stringTable: true, literalPublicId: true })),
  ...readdirSync(join(FIXTURES, "wbxml")).map((f) => new Uint8Array(readFileSync(join(FIXTURES, "wbxml", f)))),
];

test("WBXML: mutated messages decode or fail with SyncMLError, and what decodes re-encodes to itself", (t) => {
  const report = fuzz("wbxml", seeds, true, (input) => {
    const msg = decodeWbxml(input);
    assert.deepEqual(decodeWbxml(encodeWbxml(msg)), msg);
  });
  t.diagnostic(summary(report));
  assertBounded(report);
  assert.ok(report.errorCodes.size >= 8, "mutations reach many error paths");
});
