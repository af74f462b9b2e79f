// The dm-syncml command line, run as people run it (bin/dm-syncml.js on the compiled CLI).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeMessage, decodeWbxml, decodeXml, encodeWbxml } from "../../../agent/syncml/index.js";
import { FIXTURES, ROOT, fixture } from "./fixtures.js";

const BIN = join(ROOT, "bin", "dm-syncml.js");
const dir = mkdtempSync(join(tmpdir(), "dm-syncml-cli-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], input?: Uint8Array) {
  const r = spawnSync(process.execPath, [BIN, ...args], { input, cwd: ROOT });
  return { status: r.status, stdout: r.stdout, out: r.stdout.toString("utf8"), err: r.stderr.toString("utf8") };
}
const fx = (name: string) => join(FIXTURES, name);

test("decode prints indented XML of an XML message", () => {
  const r = cli(["decode", fx("pkg1-client-init.xml")]);
  assert.equal(r.status, 0, r.err);
  assert.match(r.out, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<SyncML xmlns="SYNCML:SYNCML1.2">\n {2}<SyncHdr>\n {4}<VerDTD>1.2<\/VerDTD>/);
  assert.deepEqual(decodeXml(r.out), decodeXml(fixture("pkg1-client-init.xml")));
});

test("decode of WBXML (libwbxml's, with a string table) says what the header holds, then the same XML", () => {
  const r = cli(["decode", fx("wbxml/pkg2-server-management.libwbxml-1.3-strtbl.wbxml")]);
  assert.equal(r.status, 0, r.err);
  assert.match(r.out, /^<!-- WBXML 1\.3, 1221 bytes: public id 0x1201 \(-\/\/SYNCML\/\/DTD SyncML 1\.2\/\/EN\), charset UTF-8, string table \d+ bytes, language SyncML -->\n<SyncML/);
  assert.deepEqual(decodeXml(r.out.replace(/^<!--.*-->\n/, "")), decodeXml(fixture("pkg2-server-management.xml")));
});

test("decode shows opaque binary Data as Base64 with a note, and reads standard input", () => {
  const msg = decodeXml(fixture("pkg1-client-init.xml"));
  const replace = msg.body.commands[1];
  assert.ok(replace.kind === "Replace");
  replace.items[0].meta = { format: "bin" };
  replace.items[0].data = new Uint8Array([0xde, 0xad, 0xbe, 0xef]);
  const r = cli(["decode", "-"], encodeWbxml(msg));
  assert.equal(r.status, 0, r.err);
  assert.match(r.out, /<Data><!-- 4 opaque bytes, shown as Base64 -->3q2\+7w==<\/Data>/);
});

test("encode writes WBXML to a file or to a pipe, with the header options", () => {
  const out = join(dir, "pkg2.wbxml");
  const r = cli(["encode", fx("pkg2-server-management.xml"), "--wbxml", "-o", out, "--version", "1.3", "--string-table", "--literal-public-id"]);
  assert.equal(r.status, 0, r.err);
  const bytes = new Uint8Array(readFileSync(out));
  assert.equal(bytes[0], 3);
  assert.equal(bytes[1], 0);
  assert.deepEqual(decodeWbxml(bytes), decodeXml(fixture("pkg2-server-management.xml")));
  const piped = cli(["encode", fx("pkg1-client-init.xml")]);
  assert.equal(piped.status, 0, piped.err);
  assert.deepEqual(decodeWbxml(new Uint8Array(piped.stdout)), decodeXml(fixture("pkg1-client-init.xml")));
});

test("encode --xml turns WBXML back into XML; TNDS documents encode too", () => {
  const r = cli(["encode", fx("wbxml/tnds-add.libwbxml-1.2.wbxml"), "--xml"]);
  assert.equal(r.status, 0, r.err);
  assert.deepEqual(decodeXml(r.out), decodeXml(fixture("tnds-add.xml")));
  const t = cli(["encode", fx("tnds/email-subtree.xml")]);
  assert.equal(t.status, 0, t.err);
  writeFileSync(join(dir, "tnds.wbxml"), t.stdout);
  assert.match(cli(["check", join(dir, "tnds.wbxml")]).out, /OK, WBXML 1\.2 TNDS document, 6 nodes/);
});

test("check says OK with a summary, or lists problems and exits 1", () => {
  const ok = cli(["check", fx("pkg3-client-results.xml")]);
  assert.equal(ok.status, 0, ok.err);
  assert.match(ok.out, /OK, XML message, SessionID 4A1, MsgID 2: Status x5, Results x2, Alert, Final/);
  const bad = cli(["check", fx("unsupported-command.xml")]);
  assert.equal(bad.status, 1);
  assert.match(bad.out, /1 problem in XML message/);
  assert.match(bad.out, /\n {2}SyncBody\/Put\[1\]: Put is not an OMA DM command\n/);
});

test("broken input is reported with its error code, exit 1", () => {
  const whole = encodeWbxml(decodeMessage(fixture("pkg1-client-init.xml")));
  const r = cli(["check", "-"], whole.subarray(0, 40));
  assert.equal(r.status, 1);
  assert.match(r.err, /^dm-syncml: -: truncated: /);
  const x = cli(["decode", "-"], new TextEncoder().encode('<!DOCTYPE a [<!ENTITY x "y">]><a/>'));
  assert.equal(x.status, 1);
  assert.match(x.err, /xml-forbidden/);
  const big = cli(["check", fx("pkg2-server-management.xml"), "--max-bytes", "100"]);
  assert.equal(big.status, 1);
  assert.match(big.err, /too-large/);
  assert.equal(cli(["check", join(dir, "missing.xml")]).status, 1);
});

test("usage errors exit 2 with the usage text; --help exits 0", () => {
  for (const args of [["bogus", "x"], ["decode"], ["encode", "x", "--version", "2.0"], ["check", "a", "b"], ["decode", "x", "--frobnicate"]]) {
    const r = cli(args);
    assert.equal(r.status, 2, args.join(" "));
    assert.match(r.err, /Usage: dm-syncml/);
  }
  const help = cli(["--help"]);
  assert.equal(help.status, 0);
  assert.match(help.err, /decode FILE/);
});
