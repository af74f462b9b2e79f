// XML decoding of the DM 1.2 corpus into the typed model, including what real servers send.
import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeTnds, decodeXml, SyncMLError, type Command } from "../../../agent/syncml/index.js";
import { fixture } from "./fixtures.js";

const load = (name: string) => decodeXml(fixture(name));
const byKind = <K extends Command["kind"]>(cs: Command[], kind: K) => cs.filter((c): c is Extract<Command, { kind: K }> => c.kind === kind);

test("package 1: header, credentials, MetInf sizes as numbers, Alert 1201 and DevInfo", () => {
  const m = load("pkg1-client-init.xml");
  assert.deepEqual(m.header, {
    verDTD: "1.2", verProto: "DM/1.2", sessionId: "4A1", msgId: "1",
    target: { locURI: "https://dm.operator.example/dm", locName: "operator-dm" },
    source: { locURI: "IMEI:490154203237518", locName: "dmuser" },
    cred: { meta: { format: "b64", type: "syncml:auth-md5" }, data: "Zz6EivR3yeaaENcRN6lpAQ==" },
    meta: { maxMsgSize: 16384, maxObjSize: 262144 },
  });
  assert.deepEqual(m.body.commands[0], { kind: "Alert", cmdId: "1", data: "1201", items: [] });
  const [replace] = byKind(m.body.commands, "Replace");
  assert.equal(replace.items.length, 5);
  assert.deepEqual(replace.items[0], {
    source: { locURI: "./DevInfo/DevId" }, meta: { format: "chr", type: "text/plain" }, data: "IMEI:490154203237518",
  });
  assert.equal(m.body.final, true);
});

test("package 2: every server command, Chal, escaped XML payload and containers", () => {
  const m = load("pkg2-server-management.xml");
  assert.equal(m.header.respUri, "https://dm.operator.example/dm?s=4A1");
  const [hdrStatus] = byKind(m.body.commands, "Status");
  assert.deepEqual(hdrStatus, {
    kind: "Status", cmdId: "1", msgRef: "1", cmdRef: "0", cmd: "SyncHdr",
    targetRefs: ["https://dm.operator.example/dm"], sourceRefs: ["IMEI:490154203237518"],
    chal: { type: "syncml:auth-md5", format: "b64", nextNonce: "ZG9iZWhhdmUNCg==" }, data: "212", items: [],
  });
  assert.deepEqual(m.body.commands.map((c) => c.kind), [
    "Status", "Status", "Status", "Get", "Add", "Replace", "Delete", "Copy", "Exec", "Alert", "Atomic", "Sequence",
  ]);
  const [add] = byKind(m.body.commands, "Add");
  assert.deepEqual(add.items[0].meta, { format: "node" });
  assert.equal(add.items[1].data, "Hello & welcome <user>");
  const [replace] = byKind(m.body.commands, "Replace");
  assert.deepEqual(replace.meta, { format: "xml", type: "text/xml" });
  assert.match(String(replace.items[0].data), /^<wap-provisioningdoc version="1.1"><characteristic/);
  const [copy] = byKind(m.body.commands, "Copy");
  assert.equal(copy.items[0].source?.locURI, "./Vendor/Acme/Settings/Greeting");
  const [exec] = byKind(m.body.commands, "Exec");
  assert.equal(exec.correlator, "fumo-7f3a");
  const [atomic] = byKind(m.body.commands, "Atomic");
  assert.deepEqual(atomic.commands.map((c) => `${c.kind}:${c.cmdId}`), ["Add:12", "Replace:13"]);
  const [sequence] = byKind(m.body.commands, "Sequence");
  assert.equal(sequence.noResp, true);
  assert.deepEqual(sequence.commands.map((c) => c.kind), ["Alert", "Get"]);
});

test("package 3: Results with TargetRef, an embedded TNDS tree, Status with Item, generic alert", () => {
  const m = load("pkg3-client-results.xml");
  const results = byKind(m.body.commands, "Results");
  assert.deepEqual(results[0].items[0].meta, { format: "chr", type: "text/plain", size: 9 });
  assert.deepEqual(results[1].targetRefs, ["./Vendor/Acme?list=TNDS+ACL+Format+Value"]);
  const data = results[1].items[0].data;
  assert.ok(data && typeof data === "object" && !(data instanceof Uint8Array));
  const tree = decodeTnds(data);
  assert.equal(tree.nodes[0].props?.acl, "Get=*&Replace=operator-dm");
  assert.equal(tree.nodes[0].children[0].value, "Hello & welcome");
  const statusWithItem = byKind(m.body.commands, "Status").filter((s) => s.items.length)[0];
  assert.deepEqual(statusWithItem.items, [{ data: "1" }]);
  const [alert] = byKind(m.body.commands, "Alert");
  assert.deepEqual(alert, {
    kind: "Alert", cmdId: "8", data: "1226", correlator: "fumo-7f3a",
    items: [{ source: { locURI: "./FUMO/Pkg1" }, meta: { type: "org.openmobilealliance.dm.firmwareupdate.update", format: "int", mark: "critical" }, data: "200" }],
  });
});

test("large objects: MoreData, Size and header NoResp", () => {
  const m = load("large-object.xml");
  assert.equal(m.header.noResp, true);
  assert.equal(m.body.final, false);
  const [replace] = byKind(m.body.commands, "Replace");
  assert.equal(replace.items[0].moreData, true);
  assert.equal(replace.items[0].meta?.size, 120);
});

test("every MetInf element and Get with Lang", () => {
  const m = load("metinf-full.xml");
  assert.deepEqual(m.header.meta, { maxMsgSize: 8192, emi: ["vendor-hint-1"] });
  const [get] = byKind(m.body.commands, "Get");
  assert.equal(get.lang, "fr");
  assert.equal(get.items[0].target?.locName, "language");
  const [replace] = byKind(m.body.commands, "Replace");
  assert.deepEqual(replace.items[0].meta, {
    fieldLevel: true, format: "int", type: "text/plain", mark: "high", size: 2,
    anchor: { last: "20240301T100000Z", next: "20240302T100000Z" }, version: "3", maxObjSize: 4096, emi: ["a", "b"],
    mem: { sharedMem: true, freeMem: 81920, freeId: 12 },
  });
});

test("what real servers send: prefixes, padded values, UUID CmdIDs, CDATA, character references, DOCTYPE", () => {
  const m = load("server-quirks.xml");
  assert.equal(m.header.verDTD, "1.2");
  assert.equal(m.header.verProto, "DM/1.2");
  const [config, , motto] = m.body.commands;
  assert.equal(config.cmdId, "3f2504e0-4f89-11d3-9a0c-0305e82c3301");
  assert.ok(config.kind === "Replace" && motto.kind === "Replace");
  assert.deepEqual(config.items[0], {
    target: { locURI: "./Vendor/Acme/Config" }, meta: { format: "xml", type: "text/xml" },
    data: '<config><entry key="a&b">1 < 2</entry></config>',
  });
  assert.equal(motto.items[0].data, "Caf\u00e9 \u20ac5 \"open\" 'now'");
});

test("Data keeps its white space exactly; other values are trimmed of XML white space only", () => {
  const xml = (data: string, uri: string) => `<SyncML><SyncHdr><VerDTD>1.2</VerDTD><VerProto>DM/1.2</VerProto><SessionID>1</SessionID><MsgID>1</MsgID><Target><LocURI>a</LocURI></Target><Source><LocURI>b</LocURI></Source></SyncHdr><SyncBody><Replace><CmdID>1</CmdID><Item><Target><LocURI>${uri}</LocURI></Target><Data>${data}</Data></Item></Replace></SyncBody></SyncML>`;
  const item = (d: string, u: string) => {
    const c = decodeXml(xml(d, u)).body.commands[0];
    return c.kind === "Replace" ? c.items[0] : assert.fail();
  };
  assert.deepEqual(item("  two words \n", "\n ./a\t"), { target: { locURI: "./a" }, data: "  two words \n" });
  assert.equal(item("x", "\u00a0./a\u00a0").target?.locURI, "\u00a0./a\u00a0");
  assert.equal(item("", "./a").data, "");
  assert.equal(item("<![CDATA[]]>", "./a").data, "");
  assert.equal(item("a<![CDATA[<b>]]>c&amp;", "./a").data, "a<b>c&");
  assert.throws(() => item("text<X/>", "./a"), (e: unknown) => e instanceof SyncMLError && e.code === "invalid-value");
  assert.throws(() => item("<X/><Y/>", "./a"), (e: unknown) => e instanceof SyncMLError && e.code === "unexpected-element");
});

test("unknown elements and repeated singletons are errors with a path", () => {
  const base = new TextDecoder().decode(fixture("pkg1-client-init.xml"));
  const bad = (from: string, to: string, code: string, path: RegExp) => {
    assert.throws(() => decodeXml(base.replace(from, to)), (e: unknown) => {
      assert.ok(e instanceof SyncMLError);
      assert.equal(e.code, code);
      assert.match(e.path ?? "", path);
      return true;
    });
  };
  bad("<Final/>", "<Final/><Final/>", "unexpected-element", /SyncBody\/Final/);
  bad("<Data>1201</Data>", "<Data>1201</Data><Meta/>", "unexpected-element", /Alert\[1\]\/Meta/);
  bad("<MsgID>1</MsgID>", "<MsgID>1</MsgID><MsgID>2</MsgID>", "unexpected-element", /SyncHdr\/MsgID/);
  bad("<MaxMsgSize xmlns=\"syncml:metinf\">16384", "<MaxMsgSize xmlns=\"syncml:metinf\">16k", "invalid-value", /MaxMsgSize/);
  bad("<Alert>", "<Bogus>", "xml-syntax", /^$/);
  bad("<Alert>\n      <CmdID>1</CmdID>\n      <Data>1201</Data>\n    </Alert>", "<Bogus/>", "unexpected-element", /Bogus/);
  bad("<SyncML xmlns=\"SYNCML:SYNCML1.2\">", "<SyncML xmlns=\"SYNCML:SYNCML1.2\"><Final/>", "unexpected-element", /SyncML\/Final/);
});

test("SyncML commands OMA DM does not use are kept as Unsupported, with their CmdID", () => {
  assert.deepEqual(load("unsupported-command.xml").body.commands, [{ kind: "Unsupported", name: "Put", cmdId: "1" }]);
});

test("lenient on missing required elements: they decode empty for the DPU to answer", () => {
  const m = decodeXml("<SyncML><SyncHdr/><SyncBody><Status/><Add/><Atomic/></SyncBody></SyncML>");
  assert.deepEqual(m.header, { verDTD: "", verProto: "", sessionId: "", msgId: "", target: { locURI: "" }, source: { locURI: "" } });
  assert.deepEqual(m.body.commands, [
    { kind: "Status", cmdId: "", msgRef: "", cmdRef: "", cmd: "", targetRefs: [], sourceRefs: [], data: "", items: [] },
    { kind: "Add", cmdId: "", items: [] },
    { kind: "Atomic", cmdId: "", commands: [] },
  ]);
});
