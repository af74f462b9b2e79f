import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { decodeMessage, decodeWbxml, encodeWbxml, type WbxmlWriteOptions } from "../../../agent/syncml/index.js";
import { message } from "./arbitraries.js";
import { fixture, messageFixtures } from "./fixtures.js";

const VARIANTS: WbxmlWriteOptions[] = [
  {},
  { version: 1 },
  { version: 3 },
  { stringTable: true },
  { literalPublicId: true },
  { version: 3, stringTable: true, literalPublicId: true },
];

test("every corpus message survives model -> WBXML -> model in every header variant", () => {
  for (const name of messageFixtures()) {
    const msg = decodeMessage(fixture(name));
    for (const v of VARIANTS) assert.deepEqual(decodeWbxml(encodeWbxml(msg, v)), msg, `${name} ${JSON.stringify(v)}`);
  }
});

test("any model, opaque bin data included, survives model -> WBXML -> model (property)", () => {
  fc.assert(
    fc.property(message(true), fc.constantFrom(...VARIANTS), (msg, v) => {
      assert.deepEqual(decodeWbxml(encodeWbxml(msg, v)), msg);
    }),
    { numRuns: 400 },
  );
});

test("a string table makes repeated strings smaller and changes nothing else", () => {
  const msg = decodeMessage(fixture("pkg2-server-management.xml"));
  const plain = encodeWbxml(msg);
  const table = encodeWbxml(msg, { stringTable: true });
  assert.ok(table.length < plain.length, `${table.length} < ${plain.length}`);
  assert.deepEqual(decodeWbxml(table), decodeWbxml(plain));
});

test("text with NUL travels as OPAQUE and comes back as the same string", () => {
  const msg = decodeMessage(fixture("pkg1-client-init.xml"));
  const item = msg.body.commands[1].kind === "Replace" ? msg.body.commands[1].items[1] : assert.fail();
  item.data = "a\0b\x01c";
  const bytes = encodeWbxml(msg);
  assert.ok(bytes.indexOf(0xc3) > 0);
  assert.deepEqual(decodeWbxml(bytes), msg);
});

test("the header names the SyncML version the message declares, numerically or as a literal", () => {
  const msg = decodeMessage(fixture("pkg1-client-init.xml"));
  assert.deepEqual(Array.from(encodeWbxml(msg).subarray(0, 4)), [0x02, 0xa4, 0x01, 0x6a]);
  msg.header.verDTD = "1.1";
  assert.deepEqual(Array.from(encodeWbxml(msg, { version: 3 }).subarray(0, 4)), [0x03, 0x9f, 0x53, 0x6a]);
  const literal = encodeWbxml(msg, { literalPublicId: true });
  assert.deepEqual(Array.from(literal.subarray(0, 5)), [0x02, 0x00, 0x00, 0x6a, 0x1e]);
  assert.equal(new TextDecoder().decode(literal.subarray(5, 34)), "-//SYNCML//DTD SyncML 1.1//EN");
  assert.deepEqual(decodeWbxml(literal), msg);
});
