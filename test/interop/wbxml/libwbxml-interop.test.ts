// Interop with a real peer: Debian's libwbxml2-utils (wbxml2xml, xml2wbxml), installed by build/system-deps.sh.
// Our WBXML must read back through wbxml2xml as the same tree, and libwbxml's WBXML (1.1, 1.2, 1.3, with and
// without a string table) must decode with ours to the same message.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  decodeTnds, decodeTree, decodeWbxml, decodeXml, encodeTndsWbxml, encodeWbxml, encodeXml,
  type WbxmlWriteOptions, type XmlChild, type XmlElement,
} from "../../../agent/syncml/index.js";

const ROOT = join(import.meta.dirname, "..", "..", "..", "..");
const FIXTURES = join(ROOT, "test", "fixtures", "syncml");
const corpus = readdirSync(FIXTURES).filter((f) => f.endsWith(".xml")).sort();

const missing = ["wbxml2xml", "xml2wbxml"].filter((t) => spawnSync(t, [], { stdio: "ignore" }).error);
const skip = missing.length > 0 && !process.env.CI ? `${missing.join(", ")} not installed (bash build/system-deps.sh)` : false;

test("libwbxml's tools are installed", { skip }, () => {
  assert.deepEqual(missing, [], `missing ${missing.join(", ")}: build/system-deps.sh installs Debian's libwbxml2-utils`);
});

const dir = mkdtempSync(join(tmpdir(), "dm-syncml-interop-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

function run(tool: string, args: string[]): void {
  const r = spawnSync(tool, args, { encoding: "utf8" });
  assert.equal(r.status, 0, `${tool} ${args.join(" ")} failed: ${r.stderr || r.stdout}`);
}

/** Our WBXML through wbxml2xml; returns libwbxml's XML. */
function theirXml(wbxml: Uint8Array): string {
  writeFileSync(join(dir, "in.wbxml"), wbxml);
  run("wbxml2xml", ["-m", "0", "-o", join(dir, "out.xml"), join(dir, "in.wbxml")]);
  return readFileSync(join(dir, "out.xml"), "utf8");
}

/** An XML file through xml2wbxml with `args`; returns libwbxml's WBXML. */
function theirWbxml(xmlFile: string, args: string[]): Uint8Array {
  run("xml2wbxml", [...args, "-o", join(dir, "out.wbxml"), xmlFile]);
  return new Uint8Array(readFileSync(join(dir, "out.wbxml")));
}

/**
 * The tree as a reader sees it: leaf text trimmed (libwbxml drops ignorable white space), OPAQUE text as text
 * (libwbxml sends some Data that way), nested-document Types as +xml.
 */
function normal(e: XmlElement): XmlElement {
  const text = (s: string) => s.trim().replace(/\+wbxml$/, "+xml");
  const kids = e.children.map((c: XmlChild) =>
    typeof c === "string" ? text(c) : c instanceof Uint8Array ? text(new TextDecoder("utf-8", { fatal: true }).decode(c)) : normal(c));
  return { name: e.name, children: kids.filter((c) => c !== "") };
}

const OURS: WbxmlWriteOptions[] = [
  {}, { version: 1 }, { version: 3 }, { stringTable: true }, { literalPublicId: true },
  { version: 3, stringTable: true, literalPublicId: true },
];

test("our WBXML decodes with wbxml2xml to the same tree, every command, every header variant", { skip }, () => {
  let checked = 0;
  for (const name of corpus) {
    const msg = decodeXml(readFileSync(join(FIXTURES, name)));
    const expected = normal(decodeTree(encodeXml(msg)).root);
    for (const opts of OURS) {
      const xml = theirXml(encodeWbxml(msg, opts));
      const label = `${name} ${JSON.stringify(opts)}`;
      assert.deepEqual(normal(decodeTree(xml).root), expected, label);
      assert.deepEqual(decodeXml(xml), msg, label);
      checked++;
    }
  }
  assert.equal(checked, corpus.length * OURS.length);
});

const THEIRS = [
  ["-v", "1.2", "-n"],
  ["-v", "1.3", "-n"],
  ["-v", "1.1", "-n"],
  ["-v", "1.2"],
  ["-v", "1.3"],
];

test("xml2wbxml output (1.1, 1.2, 1.3; inline strings and string table) decodes with ours to the same tree", { skip }, () => {
  for (const name of corpus) {
    const file = join(FIXTURES, name);
    const msg = decodeXml(readFileSync(file));
    const expected = normal(decodeTree(readFileSync(file, "utf8")).root);
    for (const args of THEIRS) {
      const wbxml = theirWbxml(file, args);
      const label = `${name} xml2wbxml ${args.join(" ")}`;
      assert.deepEqual(decodeWbxml(wbxml), msg, label);
      // Trees compare equal except where libwbxml rewrote a nested document's Type to +wbxml and back.
      assert.deepEqual(normal(decodeTree(wbxml).root), expected, label);
    }
  }
});

test("string tables really are used by both sides", { skip }, () => {
  const file = join(FIXTURES, "pkg2-server-management.xml");
  const theirs = theirWbxml(file, ["-v", "1.3"]);
  assert.ok(decodeTree(theirs).wbxml!.stringTableLength > 50);
  const ours = encodeWbxml(decodeXml(readFileSync(file)), { stringTable: true });
  assert.ok(decodeTree(ours).wbxml!.stringTableLength > 50);
  assert.deepEqual(decodeXml(theirXml(ours)), decodeWbxml(theirs));
});

test("TNDS documents interoperate both ways (literal DM-DDF public id, code page 2)", { skip }, () => {
  const file = join(FIXTURES, "tnds", "email-subtree.xml");
  const tree = decodeTnds(readFileSync(file, "utf8"));
  for (const args of THEIRS) assert.deepEqual(decodeTnds(theirWbxml(file, args)), tree, args.join(" "));
  for (const opts of OURS) assert.deepEqual(decodeTnds(theirXml(encodeTndsWbxml(tree, opts))), tree, JSON.stringify(opts));
});
