// TNDS: decoding a subtree with its properties, encoding it back (XML and WBXML), and carrying it in a message.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  decodeMessage, decodeTnds, decodeWbxml, encodeTnds, encodeTndsWbxml, encodeWbxml, SyncMLError, tndsToElement, TNDS_XML,
  type TndsNode, type TndsTree,
} from "../../../agent/syncml/index.js";
import { fixture } from "./fixtures.js";
import { fieldText, dataText } from "./arbitraries.js";

const tree = () => decodeTnds(fixture("tnds/email-subtree.xml"));

test("a TNDS document decodes to nodes with ACL, Format, Type, Value and Path", () => {
  const t = tree();
  assert.equal(t.verDTD, "1.2");
  assert.equal(t.man, "Acme Handsets");
  const email = t.nodes[0];
  assert.deepEqual({ ...email, children: email.children.length }, {
    name: "EMail", path: "./Vendor/OperatorX",
    props: { acl: "Get=*&Add=operator-dm&Replace=operator-dm", format: "node", ddfName: "com.operatorX.dm/1.0/EMail" },
    children: 4,
  });
  assert.deepEqual(email.children[0], {
    name: "Server", props: { format: "chr", name: "Server", type: "text/plain" }, value: "mail.operatorx.example", children: [],
  });
  assert.deepEqual(email.children[2].props, { format: "b64", size: 16, type: "application/octet-stream" });
  assert.equal(email.children[3].value, undefined);
  assert.deepEqual(t.nodes[1], { name: "Continued", path: "./Vendor/OperatorX/EMail/Ext", children: [] });
});

test("encodeTnds and encodeTndsWbxml round-trip the corpus tree", () => {
  const t = tree();
  assert.deepEqual(decodeTnds(encodeTnds(t)), t);
  assert.deepEqual(decodeTnds(encodeTnds(t, { indent: "  " })), t);
  assert.deepEqual(decodeTnds(encodeTndsWbxml(t)), t);
  assert.deepEqual(decodeTnds(new TextEncoder().encode(encodeTnds(t))), t);
  assert.match(encodeTnds(t), /^<\?xml version="1.0" encoding="UTF-8"\?><MgmtTree xmlns="syncml:dmddf1.2"><VerDTD>1.2<\/VerDTD>/);
});

const node: fc.Arbitrary<TndsNode> = fc.letrec<{ n: TndsNode }>((tie) => ({
  n: fc.record({
    name: fieldText.filter((s) => s !== ""),
    path: fieldText,
    props: fc.record({
      acl: fieldText, format: fc.constantFrom("chr", "int", "node", "b64", "bool", "null", "xml", "date", "time", "float", "bin"),
      name: fieldText, size: fc.nat(), title: fieldText, tstamp: fieldText, type: fieldText, verNo: fieldText,
    }, { requiredKeys: [], noNullPrototype: true }),
    value: dataText,
    children: fc.oneof({ depthSize: "small" }, fc.constant<TndsNode[]>([]), fc.array(tie("n"), { maxLength: 3 })),
  }, { requiredKeys: ["name", "children"], noNullPrototype: true }),
})).n;
const trees: fc.Arbitrary<TndsTree> = fc.record(
  { verDTD: fc.constant("1.2"), man: fieldText, mod: fieldText, nodes: fc.array(node, { maxLength: 3 }) },
  { requiredKeys: ["verDTD", "nodes"], noNullPrototype: true },
);

test("any tree survives TNDS XML and WBXML (property)", () => {
  fc.assert(fc.property(trees, (t) => {
    assert.deepEqual(decodeTnds(encodeTnds(t)), t);
    assert.deepEqual(decodeTnds(encodeTndsWbxml(t)), t);
  }), { numRuns: 300 });
});

test("a TNDS tree embedded in Add travels as markup in XML and as a nested document in WBXML", () => {
  const msg = decodeMessage(fixture("tnds-add.xml"));
  const add = msg.body.commands[0];
  assert.ok(add.kind === "Add");
  assert.equal(add.items[0].meta?.type, TNDS_XML);
  const t = decodeTnds(add.items[0].data as never);
  assert.equal(t.nodes[0].children[0].children[2].props?.verNo, "3");
  const wbxml = encodeWbxml(msg);
  assert.ok(new TextDecoder("latin1").decode(wbxml).includes("application/vnd.syncml.dmtnds+wbxml"));
  assert.deepEqual(decodeWbxml(wbxml), msg);
  // The DPU builds a Results item from a tree the same way.
  add.items[0].data = tndsToElement(t);
  assert.deepEqual(decodeWbxml(encodeWbxml(msg)), msg);
});

test("malformed TNDS is a SyncMLError", () => {
  const bad = (xml: string, code: string) =>
    assert.throws(() => decodeTnds(xml), (e: unknown) => e instanceof SyncMLError && e.code === code, xml);
  bad("<MgmtTree><VerDTD>1.2</VerDTD><Node><Value>x</Value></Node></MgmtTree>", "unexpected-element");
  bad("<MgmtTree><Node><NodeName>a</NodeName><DFProperties/></Node></MgmtTree>", "unexpected-element");
  bad("<MgmtTree><Node><NodeName>a</NodeName><RTProperties><Format><chr/><int/></Format></RTProperties></Node></MgmtTree>", "unexpected-element");
  bad("<MgmtTree><Node><NodeName>a</NodeName><RTProperties><Size>big</Size></RTProperties></Node></MgmtTree>", "invalid-value");
  bad("<SyncML/>", "not-syncml");
  bad("<!DOCTYPE MgmtTree [<!ENTITY x 'y'>]><MgmtTree/>", "xml-forbidden");
});
