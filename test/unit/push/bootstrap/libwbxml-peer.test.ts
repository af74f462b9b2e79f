// Interop with a real peer: Debian's libwbxml2-utils (xml2wbxml, wbxml2xml, which know "-//WAPFORUM//DTD PROV
// 1.0//EN"), installed by build/system-deps.sh. libwbxml's WBXML of our XML fixtures and of the oracle's XML
// decodes with ours to the same model, in every header and string-table variant; libwbxml reads the oracle's
// WBXML back to XML that our XML reader decodes to the oracle's model (so the oracle is checked by the peer too);
// and SyncML DM bootstrap messages through xml2wbxml give the same Adds. Skipped only locally when the tools are
// absent; under CI their absence fails.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { decodeProvisioningDoc, dmBootstrapToDmacc, planBootstrap } from "../../../../agent/push/bootstrap/index.js";
import { tempDir } from "../../../support/temp.js";
import { cpVectors, FIXTURES, fromHex, json } from "./cp-vectors.js";

const missing = ["wbxml2xml", "xml2wbxml"].filter((t) => spawnSync(t, [], { stdio: "ignore" }).error);
const skip = missing.length > 0 && !process.env.CI ? `${missing.join(", ")} not installed (bash build/system-deps.sh)` : false;
const FLAGS = [[], ["-n"], ["-v", "1.1"], ["-v", "1.2", "-n"], ["-k"]];

const dir = tempDir("dm-cp-peer-");
process.on("exit", () => dir.remove());

function run(tool: string, args: string[]): void {
  const r = spawnSync(tool, args, { encoding: "utf8" });
  assert.equal(r.status, 0, `${tool} ${args.join(" ")} failed: ${r.stderr || r.stdout}`);
}

function theirWbxml(xml: string | Uint8Array, flags: string[]): Uint8Array {
  writeFileSync(join(dir.path, "in.xml"), xml);
  run("xml2wbxml", [...flags, "-o", join(dir.path, "out.wbxml"), join(dir.path, "in.xml")]);
  return new Uint8Array(readFileSync(join(dir.path, "out.wbxml")));
}

/** libwbxml's table spells the bearer tokens 0xB5/0xB6 "TRETRA-…"; ProvCont §8 and Wireshark say TETRA. */
function theirXml(wbxml: Uint8Array): string {
  writeFileSync(join(dir.path, "in.wbxml"), wbxml);
  run("wbxml2xml", ["-o", join(dir.path, "out.xml"), join(dir.path, "in.wbxml")]);
  return readFileSync(join(dir.path, "out.xml"), "utf8").replace(/"TRETRA-/g, '"TETRA-');
}

const cpFixtures = readdirSync(FIXTURES).filter((f) => f.startsWith("w7-") && f.endsWith(".xml")).sort();

test("libwbxml's tools are installed", { skip }, () => {
  assert.deepEqual(missing, [], `missing ${missing.join(", ")}: build/system-deps.sh installs Debian's libwbxml2-utils`);
});

test("xml2wbxml's WBXML of the CP fixtures decodes to the model of the XML, in every variant", { skip }, () => {
  assert.ok(cpFixtures.length >= 2);
  for (const name of cpFixtures) {
    const xml = readFileSync(join(FIXTURES, name));
    const expected = json(decodeProvisioningDoc(new Uint8Array(xml)));
    for (const flags of FLAGS) {
      const wbxml = theirWbxml(xml, flags);
      assert.deepEqual(json(decodeProvisioningDoc(wbxml)), expected, `${name} ${flags.join(" ")}`);
      const plan = (b: Uint8Array) => json(planBootstrap(b, { accountName: (_s, i) => `acc${i}` }));
      assert.deepEqual(plan(wbxml), plan(new Uint8Array(xml)), `${name} ${flags.join(" ")}: plan`);
    }
  }
});

test("xml2wbxml's WBXML of the oracle's XML documents decodes to the oracle's model", { skip }, () => {
  const docs = cpVectors().xml.filter((x) => x.peer);
  assert.ok(docs.length >= 40);
  docs.forEach((x, i) => {
    const flags = FLAGS[i % FLAGS.length];
    assert.deepEqual(json(decodeProvisioningDoc(theirWbxml(x.text, flags))), x.expect, `${x.name} ${flags.join(" ")}`);
  });
});

test("wbxml2xml reads the oracle's WBXML documents as the oracle's model", { skip }, () => {
  const docs = cpVectors().wbxml.filter((x) => x.peer);
  assert.ok(docs.length >= 60);
  for (const x of docs) assert.deepEqual(json(decodeProvisioningDoc(theirXml(fromHex(x.bytes)))), x.expect, x.name);
});

test("xml2wbxml's WBXML of the SyncML DM bootstrap fixtures gives the same Adds", { skip }, () => {
  for (const name of ["dm-bootstrap-1.2.xml", "dm-bootstrap-1.1.xml"]) {
    const xml = readFileSync(join(FIXTURES, name));
    const expected = json(dmBootstrapToDmacc(new Uint8Array(xml)));
    for (const flags of [[], ["-n"]]) {
      const wbxml = theirWbxml(xml, flags);
      assert.deepEqual(json(dmBootstrapToDmacc(wbxml)), expected, `${name} ${flags.join(" ")}`);
      assert.deepEqual(json(planBootstrap(wbxml, { accountName: () => "unused" }).adds), expected);
    }
  }
});
