// Base64 and hex: the RFC 4648 test vectors, agreement with Buffer, and strict rejection of malformed
// text (while tolerating the whitespace servers put into long base64 values).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { base64Decode, base64Encode } from "../../../agent/bytes/base64.js";
import { hexDecode, hexEncode } from "../../../agent/bytes/hex.js";
import { utf8Encode } from "../../../agent/bytes/utf8.js";

const bytes = (s: string) => utf8Encode(s);

// RFC 4648 section 10.
const VECTORS: Array<[string, string, string]> = [
  ["", "", ""],
  ["f", "Zg==", "66"],
  ["fo", "Zm8=", "666f"],
  ["foo", "Zm9v", "666f6f"],
  ["foob", "Zm9vYg==", "666f6f62"],
  ["fooba", "Zm9vYmE=", "666f6f6261"],
  ["foobar", "Zm9vYmFy", "666f6f626172"],
];

describe("base64", () => {
  test("RFC 4648 test vectors both ways", () => {
    for (const [plain, b64] of VECTORS) {
      assert.equal(base64Encode(bytes(plain)), b64);
      assert.deepEqual(base64Decode(b64), bytes(plain));
    }
  });

  test("encodes like Buffer and decodes its own output (every byte value, all lengths mod 3)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (m) => {
        const text = base64Encode(m);
        assert.equal(text, Buffer.from(m).toString("base64"));
        assert.deepEqual(base64Decode(text), m);
      }),
      { numRuns: 500 },
    );
  });

  test("handles inputs larger than one fromCharCode chunk", () => {
    const m = new Uint8Array(100_003).map((_, i) => (i * 31) & 0xff);
    const text = base64Encode(m);
    assert.equal(text, Buffer.from(m).toString("base64"));
    assert.deepEqual(base64Decode(text), m);
  });

  test("ignores spaces, tabs, CR and LF anywhere", () => {
    assert.deepEqual(base64Decode("Zm9v\r\nYmFy\n"), bytes("foobar"));
    assert.deepEqual(base64Decode("  Zm9v YmE =\t"), bytes("fooba"));
    assert.deepEqual(base64Decode(" \n"), new Uint8Array(0));
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 120 }),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(" ", "\t", "\r", "\n", "\r\n")), { maxLength: 10 }),
        (m, inserts) => {
          let text = base64Encode(m);
          for (const [at, ws] of inserts) {
            const i = at % (text.length + 1);
            text = text.slice(0, i) + ws + text.slice(i);
          }
          assert.deepEqual(base64Decode(text), m);
        },
      ),
    );
  });

  test("rejects characters outside the alphabet", () => {
    for (const bad of ["Zm9v!", "Zm-v", "Zm_v", "Zm9v\u00e9Zm9v", "Zm9v\0", "Zm\u000b9v", "Zm9v\u2028", "Zm9\uD83D\uDE00"]) {
      assert.equal(base64Decode(bad), undefined, JSON.stringify(bad));
    }
  });

  test("rejects missing, misplaced or excess padding and truncated groups", () => {
    for (const bad of ["Zg", "Zm8", "Z", "Zm9vY", "Zg=", "Zg===", "Zm9v=", "=Zm9", "Zg==Zg==", "Z=g=", "Zm=8", "====", "="]) {
      assert.equal(base64Decode(bad), undefined, JSON.stringify(bad));
    }
  });

  test("rejects non-zero bits after the last byte (one encoding per byte string)", () => {
    assert.deepEqual(base64Decode("Zg=="), bytes("f"));
    assert.equal(base64Decode("Zh=="), undefined);
    assert.deepEqual(base64Decode("Zm8="), bytes("fo"));
    assert.equal(base64Decode("Zm9="), undefined);
  });

  test("accepts exactly what Buffer accepts among canonical padded strings", () => {
    // Buffer is lenient; among strings that survive a Buffer round trip unchanged, we must agree.
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="), maxLength: 16 }), (text) => {
        const canonical = Buffer.from(Buffer.from(text, "base64").toString("base64"), "utf8").toString() === text;
        const ours = base64Decode(text);
        if (canonical) assert.deepEqual(ours, new Uint8Array(Buffer.from(text, "base64")), text);
        else assert.equal(ours, undefined, text);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("hex", () => {
  test("RFC 4648 base16 vectors, lower case out", () => {
    for (const [plain, , hex] of VECTORS) {
      assert.equal(hexEncode(bytes(plain)), hex);
      assert.deepEqual(hexDecode(hex), bytes(plain));
    }
    assert.equal(hexEncode(new Uint8Array([0x00, 0x0f, 0xa0, 0xff])), "000fa0ff");
  });

  test("matches Buffer both ways and accepts either case", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (m) => {
        const text = hexEncode(m);
        assert.equal(text, Buffer.from(m).toString("hex"));
        assert.deepEqual(hexDecode(text), m);
        assert.deepEqual(hexDecode(text.toUpperCase()), m);
      }),
    );
    const big = new Uint8Array(10_001).map((_, i) => i & 0xff);
    assert.equal(hexEncode(big), Buffer.from(big).toString("hex"));
  });

  test("rejects odd lengths, non-hex characters, prefixes and whitespace", () => {
    for (const bad of ["0", "abc", "0g", "0x00", " 00", "00 ", "0\n0", "zz", "\u0660\u0661", "+1", "-1"]) {
      assert.equal(hexDecode(bad), undefined, JSON.stringify(bad));
    }
  });
});
