import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { decodeMessage, decodeXml, encodeXml } from "../../../agent/syncml/index.js";
import { message } from "./arbitraries.js";
import { fixture, messageFixtures } from "./fixtures.js";

test("every corpus message survives model -> XML -> model, compact and indented", () => {
  for (const name of messageFixtures()) {
    const msg = decodeMessage(fixture(name));
    assert.deepEqual(decodeXml(encodeXml(msg)), msg, name);
    assert.deepEqual(decodeXml(encodeXml(msg, { indent: "  " })), msg, name);
  }
});

test("any model survives model -> XML -> model (property)", () => {
  fc.assert(
    fc.property(message(false), fc.boolean(), (msg, pretty) => {
      assert.deepEqual(decodeXml(encodeXml(msg, pretty ? { indent: "\t" } : {})), msg);
    }),
    { numRuns: 400 },
  );
});

test("XML re-encoding is stable: encode(decode(encode(m))) === encode(m)", () => {
  fc.assert(
    fc.property(message(false), (msg) => {
      const once = encodeXml(msg);
      assert.equal(encodeXml(decodeXml(once)), once);
    }),
    { numRuns: 200 },
  );
});
