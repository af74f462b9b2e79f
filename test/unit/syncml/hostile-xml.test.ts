// Hostile XML: every input ends in a SyncMLError with the right code, quickly, and nothing is ever resolved.
import { test } from "node:test";
import assert from "node:assert/strict";
import { SyncMLError, decodeXml, type SyncMLErrorCode } from "../../../agent/syncml/index.js";
import { utf8Encode } from "../../../agent/bytes/utf8.js";
import { fixture } from "./fixtures.js";

function rejects(input: string | Uint8Array, code: SyncMLErrorCode, limits?: Parameters<typeof decodeXml>[1]): void {
  const started = Date.now();
  assert.throws(() => decodeXml(input, limits), (e: unknown) => {
    assert.ok(e instanceof SyncMLError, `not a SyncMLError: ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return true;
  });
  assert.ok(Date.now() - started < 2000, "took too long");
}

const HDR = "<SyncHdr><VerDTD>1.2</VerDTD><VerProto>DM/1.2</VerProto><SessionID>1</SessionID><MsgID>1</MsgID>" +
  "<Target><LocURI>a</LocURI></Target><Source><LocURI>b</LocURI></Source></SyncHdr>";
const withData = (data: string) => `<SyncML>${HDR}<SyncBody><Replace><CmdID>1</CmdID><Item><Data>${data}</Data></Item></Replace></SyncBody></SyncML>`;

test("entity expansion (billion laughs) is refused before parsing", () => {
  const lol = '<!DOCTYPE SyncML [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>';
  rejects(`${lol}${withData("&c;")}`, "xml-forbidden");
});

test("external entities and DTDs are never resolved", () => {
  rejects(`<!DOCTYPE SyncML [<!ENTITY x SYSTEM "file:///etc/passwd">]>${withData("&x;")}`, "xml-forbidden");
  rejects(`<!DOCTYPE SyncML SYSTEM "http://127.0.0.1:9/evil.dtd">${withData("&x;")}`, "unknown-entity");
  rejects(withData("<!ENTITY x 'y'>"), "xml-forbidden");
});

test("a DOCTYPE naming only the public SyncML DTD is skipped, as servers and libwbxml send it", () => {
  const msg = decodeXml(`<?xml version="1.0"?>\n<!DOCTYPE SyncML PUBLIC "-//SYNCML//DTD SyncML 1.2//EN" "http://www.openmobilealliance.org/tech/DTD/OMA-TS-SyncML_RepPro_DTD-V1_2.dtd">\n${withData("x")}`);
  assert.equal(msg.header.verDTD, "1.2");
});

test("only the five predefined entities and character references are decoded", () => {
  const msg = decodeXml(withData("&lt;&gt;&amp;&quot;&apos;&#65;&#x42;&#x1F600;"));
  const cmd = msg.body.commands[0];
  assert.equal(cmd.kind === "Replace" && cmd.items[0].data, "<>&\"'AB\u{1F600}");
  rejects(withData("&nbsp;"), "unknown-entity");
  rejects(withData("&copy;"), "unknown-entity");
  rejects(withData("&#0;"), "invalid-char");
  rejects(withData("&#xD800;"), "invalid-char");
  rejects(withData("&#x110000;"), "invalid-char");
});

test("size, depth and element-count limits hold", () => {
  rejects(withData("x".repeat(2000)), "too-large", { maxBytes: 1000 });
  rejects(utf8Encode(withData("x".repeat(2000))), "too-large", { maxBytes: 1000 });
  rejects("<a>".repeat(200000) + "</a>".repeat(200000), "too-large");
  rejects("<a>".repeat(60000) + "</a>".repeat(60000), "too-deep");
  rejects(`<SyncML>${"<a/>".repeat(60000)}</SyncML>`, "too-many-elements");
  rejects(withData("x"), "too-many-elements", { maxElements: 5 });
  rejects(withData("x"), "too-deep", { maxDepth: 4 });
});

test("truncated and malformed documents are xml-syntax errors", () => {
  const whole = new TextDecoder().decode(fixture("pkg2-server-management.xml"));
  for (const cut of [10, 100, 500, 1000, whole.length - 12]) rejects(whole.slice(0, cut), "xml-syntax");
  rejects("<SyncML><SyncHdr></SyncML></SyncHdr>", "xml-syntax");
  rejects("<SyncML/><SyncML/>", "xml-syntax");
  rejects("<SyncML><![CDATA[x</SyncML>", "xml-syntax");
  rejects("<SyncML a='1' a='2'/>", "xml-syntax");
  rejects("", "xml-syntax");
  rejects("just text", "xml-syntax");
});

test("invalid UTF-8 is refused", () => {
  const bytes = utf8Encode(withData("caf\u00e9"));
  const at = bytes.indexOf(0xc3);
  bytes[at + 1] = 0x28;
  rejects(bytes, "invalid-utf8");
  rejects(new Uint8Array([0x3c, 0x61, 0x3e, 0xc0, 0x80, 0x3c, 0x2f, 0x61, 0x3e]), "invalid-utf8");
});

test("pathological but bounded inputs finish quickly (QuickJS would build long tags and text quadratically)", () => {
  rejects(`<SyncML ${"b='1' ".repeat(50000)}/>`, "too-large");
  rejects(`<${"a".repeat(500000)}/>`, "too-large");
  rejects(`<?pi ${"a".repeat(5000)}?><SyncML/>`, "too-large");
  rejects(`<SyncML>${"&amp;".repeat(150000)}</SyncML>`, "invalid-value");
  rejects(`<SyncML>${"x".repeat(900000)}</SyncML>`, "invalid-value");
  rejects(withData("a\0b"), "invalid-char");
  const long = "x&amp;y ".repeat(100000);
  const msg = decodeXml(withData(long));
  assert.equal(msg.body.commands[0].kind === "Replace" && msg.body.commands[0].items[0].data, long.replace(/&amp;/g, "&"));
  rejects(`${"<!DOCTYPE a>".repeat(50000)}<SyncML/>`, "xml-forbidden");
  rejects(`<SyncML>${"<!-- c -->".repeat(80000)}</SyncML>`, "not-syncml");
});

test("prototype-polluting element names are refused or just unknown elements", () => {
  rejects(`<SyncML>${HDR}<SyncBody><__proto__><CmdID>1</CmdID></__proto__></SyncBody></SyncML>`, "xml-syntax"); // the parser renames it #__proto__
  rejects(`<SyncML>${HDR}<SyncBody><constructor/></SyncBody></SyncML>`, "unexpected-element");
  rejects(`<SyncML>${HDR}<SyncBody><hasOwnProperty/></SyncBody></SyncML>`, "unexpected-element");
  assert.equal(({} as Record<string, unknown>).CmdID, undefined);
});
