import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { utf8Decode, utf8Encode } from "../../../agent/bytes/utf8.js";

describe("UTF-8", () => {
  it("encodes every string as Node does (lone surrogates as U+FFFD)", () => {
    fc.assert(fc.property(fc.string({ unit: "binary" }), (s) => {
      assert.deepEqual(utf8Encode(s), new Uint8Array(Buffer.from(s, "utf8")));
    }), { numRuns: 2000 });
  });

  it("decodes valid bytes as Node does, and strictly refuses invalid ones", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      const lenient = utf8Decode(bytes);
      assert.equal(lenient, Buffer.from(bytes).toString("utf8"));
      // Strict decoding succeeds exactly when the bytes are the UTF-8 of what they decode to.
      const valid = Buffer.from(lenient, "utf8").equals(Buffer.from(bytes));
      assert.equal(utf8Decode(bytes, true), valid ? lenient : undefined);
    }), { numRuns: 2000 });
  });

  it("refuses overlong forms and surrogates in strict mode", () => {
    for (const bad of [[0xc0, 0x80], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80], [0xe2, 0x82]]) {
      assert.equal(utf8Decode(new Uint8Array(bad), true), undefined, bad.join(","));
    }
  });
});
