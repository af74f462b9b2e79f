// Hostile WBXML: every input ends in a SyncMLError with the right code, quickly.
import { test } from "node:test";
import assert from "node:assert/strict";
import { SyncMLError, decodeMessage, decodeWbxml, encodeWbxml, type SyncMLErrorCode } from "../../../agent/syncml/index.js";
import { fixture } from "./fixtures.js";

function rejects(bytes: number[] | Uint8Array, code: SyncMLErrorCode, limits?: Parameters<typeof decodeWbxml>[1]): void {
  const started = Date.now();
  assert.throws(() => decodeWbxml(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), limits), (e: unknown) => {
    assert.ok(e instanceof SyncMLError, `not a SyncMLError: ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return true;
  });
  assert.ok(Date.now() - started < 2000, "took too long");
}

const good = encodeWbxml(decodeMessage(fixture("pkg2-server-management.xml")));
const HEAD = [0x02, 0xa4, 0x01, 0x6a, 0x00]; // WBXML 1.2, SyncML 1.2, UTF-8, no string table
const SYNCML = 0x6d; // SyncML with content
const str = (s: string) => [0x03, ...Array.from(new TextEncoder().encode(s)), 0x00];

test("every truncation of a valid message is a clean error", () => {
  for (let n = 0; n < good.length; n++) {
    assert.throws(() => decodeWbxml(good.subarray(0, n)), (e: unknown) => e instanceof SyncMLError && (e.code === "truncated" || e.code === "wbxml-version"));
  }
});

test("header problems: version, public id, charset", () => {
  rejects([0x00, 0xa4, 0x01, 0x6a, 0x00, 0x2d], "wbxml-version"); // WBXML 1.0
  rejects([0x04, ...HEAD.slice(1), 0x2d], "wbxml-version");
  rejects([0x02, 0x05, 0x6a, 0x00, 0x2d], "wbxml-public-id"); // WML 1.1
  rejects([0x02, 0x81, 0x23, 0x6a, 0x00, 0x2d], "wbxml-public-id"); // 0xA3 is not SyncML
  rejects([0x02, 0x00, 0x00, 0x6a, 0x04, ...Array.from(new TextEncoder().encode("abc")), 0x00, 0x2d], "wbxml-public-id");
  rejects([0x02, 0x00, 0x09, 0x6a, 0x00, 0x2d], "wbxml-string-table"); // literal public id past the table
  rejects([0x02, 0xa4, 0x01, 0x81, 0x7f, 0x00, 0x2d], "wbxml-charset"); // UTF-16 (1015)
});

test("mb_u_int32 overflow: more than five bytes, or above 2^32-1", () => {
  rejects([0x02, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01], "mb-overflow");
  rejects([0x02, 0x9f, 0xff, 0xff, 0xff, 0x7f], "mb-overflow");
  rejects([...HEAD, SYNCML, 0xc3, 0x8f, 0xff, 0xff, 0xff, 0x7f], "truncated"); // 2^32-1 bytes claimed
  rejects([0x02, 0xa4, 0x01, 0x6a, 0x8f, 0xff, 0xff, 0xff, 0x7f], "truncated"); // string table claims 4 GB
});

test("references outside the string table", () => {
  rejects([...HEAD, SYNCML, 0x83, 0x05, 0x01], "wbxml-string-table");
  rejects([0x02, 0xa4, 0x01, 0x6a, 0x02, 0x61, 0x62, SYNCML, 0x83, 0x00, 0x01], "wbxml-string-table"); // no NUL
  rejects([...HEAD, 0x44, 0x00, 0x01], "wbxml-string-table"); // LITERAL tag
});

test("unknown tokens, pages, attributes and extensions", () => {
  rejects([...HEAD, 0x30], "wbxml-token"); // reserved tag 0x30
  rejects([...HEAD, 0x00, 0x07, SYNCML, 0x01], "wbxml-token"); // code page 7
  rejects([...HEAD, 0xed, 0x01], "wbxml-token"); // attributes
  rejects([...HEAD, SYNCML, 0x40, 0x61, 0x00, 0x01], "wbxml-token"); // EXT_I_0
  rejects([...HEAD, SYNCML, 0x43, 0x01], "wbxml-token"); // PI
  rejects([...HEAD, SYNCML, 0xc0, 0x01], "wbxml-token"); // EXT_0
  rejects([0x02, 0xa4, 0x01, 0x6a, 0x03, 0x3c, 0x62, 0x00, SYNCML, 0x44, 0x00, 0x01, 0x01], "wbxml-token"); // literal "<b"
});

test("invalid UTF-8 in inline strings and string table", () => {
  rejects([...HEAD, SYNCML, 0x03, 0xc0, 0x80, 0x00, 0x01], "invalid-utf8");
  rejects([...HEAD, SYNCML, 0x03, 0xed, 0xa0, 0x80, 0x00, 0x01], "invalid-utf8"); // encoded surrogate
  rejects([0x02, 0xa4, 0x01, 0x6a, 0x02, 0xff, 0x00, SYNCML, 0x83, 0x00, 0x01], "invalid-utf8");
  rejects([...HEAD, SYNCML, 0x02, 0x00, 0x01], "invalid-char"); // ENTITY 0
  rejects([...HEAD, SYNCML, 0x02, 0x83, 0xb0, 0x00, 0x01], "invalid-char"); // ENTITY U+D800
});

test("depth, element count and string-table amplification are bounded", () => {
  const deep = [...HEAD, ...new Array(5000).fill(SYNCML), ...new Array(5000).fill(0x01)];
  rejects(deep, "too-deep");
  const wide = [...HEAD, SYNCML, ...new Array(60000).fill(0x12), 0x01]; // 60000 <Final/>
  rejects(wide, "too-many-elements");
  // A 60 kB string referenced 2000 times would be 120 MB of text from 64 kB of input.
  const big = new Array(60000).fill(0x61);
  const refs: number[] = [];
  for (let i = 0; i < 2000; i++) refs.push(0x83, 0x00);
  rejects([0x02, 0xa4, 0x01, 0x6a, 0x83, 0xd4, 0x61, ...big, 0x00, SYNCML, ...refs, 0x01], "too-large");
  rejects(good, "too-large", { maxBytes: 100 });
});

test("structure errors: trailing bytes, wrong root, text where elements belong", () => {
  rejects([...good, 0x01], "trailing-data");
  rejects([...HEAD, 0x14], "not-syncml"); // <Item/>
  rejects([...HEAD, SYNCML, ...str("junk"), 0x01], "invalid-value");
  rejects([...HEAD, SYNCML, 0x6c, 0x71, 0x01, 0x71, 0x01, 0x01, 0x01], "unexpected-element"); // VerDTD twice
  rejects([...HEAD, SYNCML, 0x6c, 0x07, 0x01, 0x01], "unexpected-element"); // Archive in SyncHdr
});

test("OPAQUE nested documents are decoded with the same limits", () => {
  // Data holding a nested DevInf document that is itself truncated.
  const nested = [0x02, 0xa4, 0x03, 0x6a, 0x00, 0x4a, 0x65];
  const body = [0x6b, 0x60, 0x4b, ...str("1"), 0x01, 0x54, 0x4f, 0xc3, nested.length, ...nested, 0x01, 0x01, 0x01, 0x01];
  rejects([...HEAD, SYNCML, 0x6c, 0x01, ...body, 0x01], "truncated");
});
