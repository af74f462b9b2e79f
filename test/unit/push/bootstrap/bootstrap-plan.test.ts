// One entry for `dm-device run --bootstrap FILE` and pushed bootstraps: the form is told apart (CP WBXML or XML,
// SyncML DM XML or WBXML), and the plan has the DMAcc Adds of every w7, the INIT servers, the NAPDEFs and what
// was left out.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeXml, encodeWbxml } from "../../../../agent/syncml/index.js";
import { bootstrapKind, planBootstrap } from "../../../../agent/push/bootstrap/index.js";
import { code, cpVectors, FIXTURES, fromHex, json } from "./cp-vectors.js";

const read = (name: string) => new Uint8Array(readFileSync(join(FIXTURES, name)));

describe("bootstrap plan", () => {
  test("tells the forms apart", () => {
    const syncml = read("dm-bootstrap-1.2.xml");
    assert.equal(bootstrapKind(read("w7-with-napdef.xml")), "cp");
    assert.equal(bootstrapKind(fromHex(cpVectors().good)), "cp");
    assert.equal(bootstrapKind(syncml), "syncml");
    assert.equal(bootstrapKind(encodeWbxml(decodeXml(syncml))), "syncml");
    assert.equal(bootstrapKind(encodeWbxml(decodeXml(syncml), { literalPublicId: true })), "syncml");
    assert.equal(bootstrapKind(new Uint8Array(Buffer.from("<html/>"))), undefined);
    assert.equal(bootstrapKind(new Uint8Array(0)), undefined);
    assert.equal(code(() => planBootstrap(new Uint8Array(Buffer.from("hello")), { accountName: () => "a" })), "bad-bootstrap");
  });

  test("a CP document: every w7 account, its INIT, the NAPDEFs and the rest named", () => {
    const names: string[] = [];
    const plan = planBootstrap(read("w7-with-napdef.xml"), { accountName: (serverId, i) => (names.push(serverId), `acc${i}`) });
    assert.equal(plan.source, "cp");
    assert.deepEqual(names, ["dm.operator.example"]);
    assert.deepEqual(plan.init, []);
    assert.deepEqual(plan.napdefs.map((n) => n.napId), ["NAP-GPRS"]);
    assert.deepEqual(plan.ignored, ["BOOTSTRAP", "PXLOGICAL"]);
    const values = Object.fromEntries(plan.adds.filter((a) => a.value).map((a) => [a.uri, a.value!.data]));
    assert.equal(values["./DMAcc/acc0/ServerID"], "dm.operator.example");
    assert.equal(values["./DMAcc/acc0/PrefConRef"], "proxy.operator.example");
    assert.equal(values["./DMAcc/acc0/ToConRef/2/ConRef"], "NAP-GPRS");
    assert.equal(values["./DMAcc/acc0/AppAddr/1/Port/1/PortNbr"], "443");
    assert.equal(values["./DMAcc/acc0/AppAuth/1/AAuthSecret"], "clé€");
    assert.equal(values["./DMAcc/acc0/AppAuth/2/AAuthLevel"], "SRVCRED");
    assert.equal(values["./DMAcc/acc0/AppAuth/2/AAuthSecret"], "server <secret>");
  });

  test("INIT is reported by ServerID", () => {
    const plan = planBootstrap(read("w7-windows-style.xml"), { accountName: () => "w" });
    assert.deepEqual(plan.init, ["servername"]);
    assert.deepEqual(plan.ignored, ["APPLICATION/ROLE"]);
  });

  test("a SyncML DM bootstrap message passes through dmBootstrapToDmacc", () => {
    const plan = planBootstrap(read("dm-bootstrap-1.1.xml"), { accountName: () => assert.fail("SyncML names its own accounts") });
    assert.equal(plan.source, "syncml");
    assert.equal(plan.adds[0].uri, "./DMAcc/GSMA");
    assert.deepEqual(plan.ignored, ["./SyncML/DMAcc/GSMA/Unknown", "./SyncML/Con/GPRS"]);
  });

  test("a CP document without a w7 plans nothing for DMAcc; non-w7 applications are named", () => {
    const xml = '<wap-provisioningdoc><characteristic type="APPLICATION"><parm name="APPID" value="w2"/></characteristic></wap-provisioningdoc>';
    const plan = planBootstrap(new Uint8Array(Buffer.from(xml)), { accountName: () => "x" });
    assert.deepEqual(json(plan), { source: "cp", adds: [], init: [], napdefs: [], ignored: ["APPLICATION w2"] });
  });

  test("decoding errors are PushErrors with the decoder's code", () => {
    const cut = fromHex(cpVectors().good).subarray(0, 10);
    assert.equal(code(() => planBootstrap(cut, { accountName: () => "a" })), "truncated");
    const noId = '<wap-provisioningdoc><characteristic type="APPLICATION"><parm name="APPID" value="w7"/></characteristic></wap-provisioningdoc>';
    assert.equal(code(() => planBootstrap(new Uint8Array(Buffer.from(noId)), { accountName: () => "a" })), "bad-bootstrap");
  });
});
