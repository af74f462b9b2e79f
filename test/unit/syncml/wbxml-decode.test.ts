// WBXML decoding against hand-built vectors (each header form, token kind and code page) and libwbxml's output.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { decodeMessage, decodeTree, decodeWbxml, decodeXml, encodeWbxml, type SyncMLMessage } from "../../../agent/syncml/index.js";
import { FIXTURES, fixture } from "./fixtures.js";

const enc = (s: string) => Array.from(new TextEncoder().encode(s));
const str = (s: string) => [0x03, ...enc(s), 0x00];
const cstr = (s: string) => [...enc(s), 0x00];
const page = (p: number) => [0x00, p];

/** SyncHdr + SyncBody tokens around `body` (one command), all inline strings. */
function doc(header: number[], body: number[], final = [0x12]): Uint8Array {
  const loc = (tag: number, uri: string) => [tag, 0x57, ...str(uri), 0x01, 0x01];
  const hdr = [0x6c, 0x71, ...str("1.2"), 0x01, 0x72, ...str("DM/1.2"), 0x01, 0x65, ...str("7"), 0x01, 0x5b, ...str("1"), 0x01,
    ...loc(0x6e, "IMEI:1"), ...loc(0x67, "https://srv"), 0x01];
  return new Uint8Array([...header, 0x6d, ...hdr, 0x6b, ...body, ...final, 0x01, 0x01]);
}
const replace = (item: number[]) => [0x60, 0x4b, ...str("2"), 0x01, 0x54, ...item, 0x01, 0x01];
const first = (m: SyncMLMessage) => m.body.commands[0];
const firstItem = (m: SyncMLMessage) => {
  const c = first(m);
  return "items" in c ? c.items[0] : assert.fail("no items");
};

test("WBXML 1.1, 1.2 and 1.3 headers with the SyncML 1.2, 1.1 and 1.0 public ids", () => {
  for (const version of [1, 2, 3]) {
    for (const id of [[0xa4, 0x01], [0x9f, 0x53], [0x9f, 0x51]]) {
      const m = decodeWbxml(doc([version, ...id, 0x6a, 0x00], [0x46, 0x4b, ...str("1"), 0x01, 0x4f, ...str("1201"), 0x01, 0x01]));
      assert.equal(m.header.sessionId, "7");
      assert.deepEqual(first(m), { kind: "Alert", cmdId: "1", data: "1201", items: [] });
    }
  }
});

test("a literal public id in the string table, and public id 1 (unknown)", () => {
  const lit = cstr("-//SYNCML//DTD SyncML 1.2//EN");
  const m = decodeWbxml(doc([0x02, 0x00, 0x00, 0x6a, lit.length, ...lit], []));
  assert.equal(m.header.msgId, "1");
  const tree = decodeTree(doc([0x03, 0x00, 0x00, 0x6a, lit.length, ...lit], []));
  assert.equal(tree.wbxml?.publicIdLiteral, "-//SYNCML//DTD SyncML 1.2//EN");
  assert.equal(decodeWbxml(doc([0x03, 0x01, 0x6a, 0x00], [])).header.verDTD, "1.2");
});

test("STR_T references, LITERAL tags and ENTITY tokens build the same text", () => {
  const table = [...cstr("./DevInfo/"), ...cstr("Final")];
  // Target ./DevInfo/ (STR_T 0) + "Man"; Data: ENTITY 'A', ENTITY U+20AC, STR_T 3 ("evInfo/"); Final as a LITERAL tag.
  const item = [0x6e, 0x57, 0x83, 0x00, ...str("Man"), 0x01, 0x01, 0x4f, 0x02, 0x41, 0x02, 0xc1, 0x2c, 0x83, 0x03, 0x01];
  const m = decodeWbxml(doc([0x02, 0xa4, 0x01, 0x6a, table.length, ...table], replace(item), [0x04, 0x0b]));
  assert.deepEqual(firstItem(m), { target: { locURI: "./DevInfo/Man" }, data: "A\u20acevInfo/" });
  assert.equal(m.body.final, true);
});

test("MetInf on code page 1, switching back to page 0", () => {
  const item = [0x5a, ...page(1), 0x47, ...str("bin"), 0x01, 0x53, ...str("application/octet-stream"), 0x01, 0x52, ...str(" 3 "), 0x01,
    ...page(0), 0x01, 0x4f, 0xc3, 0x03, 0xff, 0x00, 0x41, 0x01];
  const it = firstItem(decodeWbxml(doc([0x02, 0xa4, 0x01, 0x6a, 0x00], replace(item))));
  assert.deepEqual(it.meta, { format: "bin", type: "application/octet-stream", size: 3 });
  assert.deepEqual(it.data, new Uint8Array([0xff, 0x00, 0x41]));
});

test("OPAQUE Data: UTF-8 text becomes a string unless the format is bin; other bytes stay bytes", () => {
  const text = enc("caf\u00e9 <ok>");
  const asText = firstItem(decodeWbxml(doc([0x02, 0xa4, 0x01, 0x6a, 0x00], replace([0x4f, 0xc3, text.length, ...text, 0x01]))));
  assert.equal(asText.data, "caf\u00e9 <ok>");
  const raw = firstItem(decodeWbxml(doc([0x02, 0xa4, 0x01, 0x6a, 0x00], replace([0x4f, 0xc3, 0x02, 0xc0, 0x80, 0x01]))));
  assert.deepEqual(raw.data, new Uint8Array([0xc0, 0x80]));
});

test("ISO-8859-1 and US-ASCII charsets", () => {
  const latin = doc([0x02, 0xa4, 0x01, 0x04, 0x00], replace([0x4f, 0x03, 0x63, 0x61, 0x66, 0xe9, 0x00, 0x01]));
  assert.equal(firstItem(decodeWbxml(latin)).data, "caf\u00e9");
  const ascii = doc([0x02, 0xa4, 0x01, 0x03, 0x00], replace([0x4f, ...str("plain"), 0x01]));
  assert.equal(firstItem(decodeWbxml(ascii)).data, "plain");
});

test("a nested DevInf document in Data decodes to elements; DevInf 1.1 calls token 0x1C Size", () => {
  const devinf = [0x02, 0x9f, 0x54, 0x6a, 0x00, 0x4a, 0x65, ...str("1.1"), 0x01, 0x5c, ...str("100"), 0x01, 0x01];
  const item = [0x5a, ...page(1), 0x53, ...str("application/vnd.syncml-devinf+wbxml"), 0x01, ...page(0), 0x01, 0x4f, 0xc3, devinf.length, ...devinf, 0x01];
  const it = firstItem(decodeWbxml(doc([0x02, 0xa4, 0x01, 0x6a, 0x00], replace(item))));
  assert.equal(it.meta?.type, "application/vnd.syncml-devinf+xml");
  assert.deepEqual(it.data, { name: "DevInf", children: [{ name: "VerDTD", children: ["1.1"] }, { name: "Size", children: ["100"] }] });
});

test("libwbxml's own encodings of the corpus (1.2 inline strings; 1.3 with a string table) decode like the XML", () => {
  const dir = join(FIXTURES, "wbxml");
  const files = readdirSync(dir).filter((f) => f.endsWith(".wbxml"));
  assert.ok(files.length >= 10);
  for (const f of files) {
    const xml = decodeXml(fixture(f.replace(/\.libwbxml-.*$/, ".xml")));
    assert.deepEqual(decodeMessage(fixture(join("wbxml", f))), xml, f);
  }
});

test("decodeMessage tells XML from WBXML by the first bytes", () => {
  const msg = decodeXml(fixture("pkg1-client-init.xml"));
  assert.deepEqual(decodeMessage(encodeWbxml(msg)), msg);
  assert.deepEqual(decodeMessage(new Uint8Array([0xef, 0xbb, 0xbf, ...fixture("pkg1-client-init.xml")])), msg);
});
