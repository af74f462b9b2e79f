// The XML encoder: escaping, CDATA, namespaces, characters XML cannot carry, binary data.
import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeXml, elementToXml, encodeXml, SyncMLError, type SyncMLMessage } from "../../../agent/syncml/index.js";

const msg = (data: string | Uint8Array): SyncMLMessage => ({
  header: { verDTD: "1.2", verProto: "DM/1.2", sessionId: "1", msgId: "1", target: { locURI: "https://srv/dm?a=1&b=<2>" }, source: { locURI: "IMEI:1" } },
  body: {
    commands: [{ kind: "Replace", cmdId: "2", meta: { format: "chr" }, items: [{ target: { locURI: "./x" }, data }] }],
    final: true,
  },
});
const dataOf = (m: SyncMLMessage) => {
  const c = m.body.commands[0];
  return c.kind === "Replace" ? c.items[0].data : assert.fail();
};

test("the wire form: declaration, SyncML 1.2 namespace, MetInf namespace, no white space", () => {
  const xml = encodeXml(msg("v"));
  assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?><SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr><VerDTD>1.2</VerDTD>'));
  assert.match(xml, /<Meta><Format xmlns="syncml:metinf">chr<\/Format><\/Meta>/);
  assert.match(xml, /<Final\/><\/SyncBody><\/SyncML>$/);
  assert.match(xml, /<LocURI>https:\/\/srv\/dm\?a=1&amp;b=&lt;2&gt;<\/LocURI>/);
});

test("character data is escaped, or CDATA when it is markup, never raw", () => {
  assert.match(encodeXml(msg("a & b")), /<Data>a &amp; b<\/Data>/);
  assert.match(encodeXml(msg("<x a='1'/>")), /<Data><!\[CDATA\[<x a='1'\/>\]\]><\/Data>/);
  assert.match(encodeXml(msg("<x>]]></x>")), /<Data>&lt;x&gt;\]\]&gt;&lt;\/x&gt;<\/Data>/);
  assert.match(encodeXml(msg("line\r\nnext")), /<Data>line&#13;\nnext<\/Data>/);
  for (const s of ["<x>]]></x>", "a\r\nb\rc", "  pad  ", "<![CDATA[x]]>", "&amp;", "\u{1F600}\t\n"]) assert.equal(dataOf(decodeXml(encodeXml(msg(s)))), s);
});

test("characters XML 1.0 cannot carry are an error, not a broken document", () => {
  for (const s of ["\u0000", "a\u0001", "\u001f", "\ufffe", "\ud800x", "x\udc00"]) {
    assert.throws(() => encodeXml(msg(s)), (e: unknown) => e instanceof SyncMLError && e.code === "invalid-char", JSON.stringify(s));
  }
});

test("opaque bytes: UTF-8 text is written as text, anything else needs b64 (or a readable view for people)", () => {
  assert.match(encodeXml(msg(new TextEncoder().encode("plain <text>"))), /<Data><!\[CDATA\[plain <text>\]\]><\/Data>/);
  const bin = new Uint8Array([0xff, 0x00, 0x10]);
  assert.throws(() => encodeXml(msg(bin)), (e: unknown) => e instanceof SyncMLError && e.code === "unencodable");
  const view = (b: Uint8Array) => `<!-- ${b.length} bytes -->${Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("")}`;
  assert.match(encodeXml(msg(bin), { binary: view }), /<Data><!-- 3 bytes -->ff0010<\/Data>/);
});

test("indented output puts white space only between elements", () => {
  const xml = encodeXml(msg("  keep  "), { indent: "  " });
  assert.match(xml, /\n {8}<Data> {2}keep {2}<\/Data>\n/);
  assert.deepEqual(decodeXml(xml), msg("  keep  "));
});

test("element names are checked, and SyncML 1.1 messages get the 1.1 namespace", () => {
  assert.throws(() => elementToXml({ name: "a b", children: [] }), (e: unknown) => e instanceof SyncMLError && e.code === "unencodable");
  const m = msg("x");
  m.header.verDTD = "1.1";
  assert.match(encodeXml(m), /<SyncML xmlns="SYNCML:SYNCML1.1">/);
});

test("embedded documents get their namespace", () => {
  const m = msg("x");
  const c = m.body.commands[0];
  if (c.kind === "Replace") c.items[0].data = { name: "MgmtTree", children: [{ name: "VerDTD", children: ["1.2"] }] };
  assert.match(encodeXml(m), /<Data><MgmtTree xmlns="syncml:dmddf1.2"><VerDTD>1.2<\/VerDTD><\/MgmtTree><\/Data>/);
});
