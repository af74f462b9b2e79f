// wap-provisioningdoc decoding agrees field by field with documents the independent Python oracle encoded (WBXML
// 1.1–1.3, both code pages, string tables, literal public ids, inline strings, entities, opaque data, value
// tokens and prefixes; XML with comments, DOCTYPE, character references), refuses malformed documents with their
// code, refuses every truncation, and bounds what hostile documents can make it do.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeProvisioningDoc, PROV_LIMITS } from "../../../../agent/push/bootstrap/index.js";
import { code, cpVectors, FIXTURES, fromHex, json } from "./cp-vectors.js";

const v = cpVectors();

describe("wap-provisioningdoc WBXML", () => {
  test("the oracle made a good number of documents", () => {
    assert.ok(v.wbxml.length >= 200 && v.xml.length >= 80, `${v.wbxml.length} WBXML, ${v.xml.length} XML`);
  });

  for (const x of v.wbxml) {
    test(`decodes like the oracle: ${x.name}`, () => {
      assert.deepEqual(json(decodeProvisioningDoc(fromHex(x.bytes))), x.expect);
    });
  }

  for (const x of v.reject) {
    test(`refuses with "${x.code}": ${x.name}`, () => {
      assert.equal(code(() => decodeProvisioningDoc(fromHex(x.bytes))), x.code);
    });
  }

  test("every truncation of every oracle document is refused with a PushError", () => {
    let cuts = 0;
    for (const x of v.wbxml) {
      const bytes = fromHex(x.bytes);
      for (let n = 0; n < bytes.length; n++, cuts++) {
        const c = code(() => decodeProvisioningDoc(bytes.subarray(0, n)));
        assert.ok(c === "truncated" || c === "bad-provisioning", `${x.name}: cut at ${n} gave ${c}`);
      }
    }
    assert.ok(cuts > 20000);
  });

  test("a peer's document (NowSMS, with a string table) decodes to what it says", () => {
    const peer = JSON.parse(readFileSync(join(FIXTURES, "nowsms-netwpin.json"), "utf8"));
    assert.deepEqual(json(decodeProvisioningDoc(fromHex(peer.wbxml))), peer.model);
  });

  test("garbage gives a PushError or a document, never another exception", () => {
    let seed = 4242;
    const next = () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    for (let i = 0; i < 20000; i++) {
      const bytes = new Uint8Array(next() % 96).map(() => next());
      if (i & 1 && bytes.length > 4) bytes.set([3, 0x0b, 0x6a, 0], 0); // mostly past the header
      code(() => decodeProvisioningDoc(bytes));
    }
  });
});

describe("wap-provisioningdoc XML", () => {
  for (const x of v.xml) {
    test(`decodes like the oracle: ${x.name}`, () => {
      assert.deepEqual(json(decodeProvisioningDoc(x.text)), x.expect);
      assert.deepEqual(json(decodeProvisioningDoc(new Uint8Array(Buffer.from(x.text, "utf8")))), x.expect);
    });
  }

  for (const x of v.xmlReject) {
    test(`refuses with "${x.code}": ${x.name}`, () => {
      assert.equal(code(() => decodeProvisioningDoc(x.text)), x.code);
    });
  }

  test("every truncation of an oracle XML document is refused or decodes as a document", () => {
    for (const x of v.xml.slice(0, 20)) {
      for (let n = 0; n < x.text.length; n++) {
        const c = code(() => decodeProvisioningDoc(x.text.slice(0, n)));
        assert.ok(c === "truncated" || c === "bad-provisioning" || c === "no error", `${x.name}: cut at ${n} gave ${c}`);
      }
    }
  });

  test("XML that is not UTF-8 is refused", () => {
    const bytes = new Uint8Array(Buffer.from('<wap-provisioningdoc><characteristic type="\xe9"/></wap-provisioningdoc>', "latin1"));
    assert.equal(code(() => decodeProvisioningDoc(bytes)), "bad-provisioning");
  });
});

describe("limits on hostile documents", () => {
  const deepXml = (n: number) => "<wap-provisioningdoc>" + '<characteristic type="A">'.repeat(n) + "</characteristic>".repeat(n) + "</wap-provisioningdoc>";

  test("nesting deeper than maxDepth is refused (XML and WBXML)", () => {
    assert.equal(code(() => decodeProvisioningDoc(deepXml(PROV_LIMITS.maxDepth - 1))), "no error");
    assert.equal(code(() => decodeProvisioningDoc(deepXml(PROV_LIMITS.maxDepth))), "provisioning-limit");
    const deep = [3, 0x0b, 0x6a, 0, 0x45];
    for (let i = 0; i < 5000; i++) deep.push(0xc6, 0x53, 0x01);
    assert.equal(code(() => decodeProvisioningDoc(new Uint8Array(deep))), "provisioning-limit");
  });

  test("more elements than maxElements are refused", () => {
    const xml = '<wap-provisioningdoc><characteristic type="A">' + '<parm name="N"/>'.repeat(50) + "</characteristic></wap-provisioningdoc>";
    assert.equal(code(() => decodeProvisioningDoc(xml, { maxElements: 52 })), "no error");
    assert.equal(code(() => decodeProvisioningDoc(xml, { maxElements: 51 })), "provisioning-limit");
  });

  test("string-table references cannot amplify past maxText", () => {
    const big = Buffer.alloc(60000, 0x41);
    const head = [3, 0x0b, 0x6a, 0x83, 0xd4, 0x61]; // string table of 60001 octets (mb_u_int32 83 D4 61)
    const body = [0x45, 0xc6, 0x53, 0x01];
    for (let i = 0; i < 20; i++) body.push(0x87, 0x05, 0x83, 0x00, 0x01); // parm name=<60000 characters>
    body.push(0x01, 0x01);
    const doc = new Uint8Array([...head, ...big, 0, ...body]);
    assert.equal(code(() => decodeProvisioningDoc(doc)), "provisioning-limit");
    assert.equal(code(() => decodeProvisioningDoc(doc, { maxText: 2_000_000 })), "no error");
  });

  test("documents over maxBytes are refused before any decoding", () => {
    const xml = deepXml(2) + " ".repeat(PROV_LIMITS.maxBytes);
    assert.equal(code(() => decodeProvisioningDoc(xml)), "provisioning-limit");
    assert.equal(code(() => decodeProvisioningDoc(new Uint8Array(PROV_LIMITS.maxBytes + 1))), "provisioning-limit");
  });

  test("input that is neither bytes nor text is refused as bad input", () => {
    assert.equal(code(() => decodeProvisioningDoc(42 as unknown as string)), "bad-input");
  });
});
