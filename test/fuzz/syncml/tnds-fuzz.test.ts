// TNDS fuzz (XML and WBXML forms): FUZZ_ITERATIONS mutated documents; only SyncMLError may escape.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeTnds, encodeTnds, encodeTndsWbxml } from "../../../agent/syncml/index.js";
import { utf8Encode } from "../../../agent/bytes/utf8.js";
import { assertBounded, fuzz, summary } from "./harness.js";

const FIXTURES = join(import.meta.dirname, "..", "..", "..", "..", "test", "fixtures", "syncml");
const tree = decodeTnds(readFileSync(join(FIXTURES, "tnds", "email-subtree.xml"), "utf8"));

test("TNDS: mutated documents decode or fail with SyncMLError, and what decodes re-encodes to itself", (t) => {
  const xml = fuzz("tnds-xml", [utf8Encode(encodeTnds(tree))], false, (input) => {
    const got = decodeTnds(input);
    assert.deepEqual(decodeTnds(encodeTndsWbxml(got)), got);
  });
  const wbxml = fuzz("tnds-wbxml", [encodeTndsWbxml(tree), encodeTndsWbxml(tree, { version: 1, stringTable: true })], true, (input) => {
    const got = decodeTnds(input);
    assert.deepEqual(decodeTnds(encodeTndsWbxml(got)), got);
  });
  t.diagnostic(`xml: ${summary(xml)}`);
  t.diagnostic(`wbxml: ${summary(wbxml)}`);
  assertBounded(xml);
  assertBounded(wbxml);
});
