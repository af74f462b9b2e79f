// The dm-device CLI: `run --tree FILE` provisions the DM tree from TNDS (DFProperties AccessType makes a node
// read-only), `--session ID --wbxml` runs a client-initiated session, `store --format tnds` prints the tree.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { decodeTnds } from "../../../agent/syncml/index.js";
import { ROOT, tempDir } from "../../support/temp.js";
import { ScriptedServer, get, replace } from "./support/scripted-server.js";
import { CA_DIR } from "./support/device.js";

const run = promisify(execFile);
const CLI = join(ROOT, "bin", "dm-device.js");

const leaf = (name: string, value: string) => `<Node><NodeName>${name}</NodeName><Value>${value}</Value></Node>`;
const node = (name: string, ...children: string[]) => `<Node><NodeName>${name}</NodeName>${children.join("")}</Node>`;

function treeFile(url: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<MgmtTree xmlns="syncml:dmddf1.2"><VerDTD>1.2</VerDTD>
${node("DMAcc", node("acc1",
    leaf("AppID", "w7"), leaf("ServerID", "dm.test"), leaf("Name", "CLI test"),
    node("AppAddr", node("1", leaf("Addr", url), leaf("AddrType", "URI"))),
    node("AppAuth", node("c", leaf("AAuthLevel", "CLCRED"), leaf("AAuthType", "BASIC"), leaf("AAuthName", "dev"), leaf("AAuthSecret", "cli-secret"))),
  ))}
${node("Vendor",
    `<Node><NodeName>Fixed</NodeName><DFProperties><AccessType><Get/></AccessType><DFFormat><chr/></DFFormat></DFProperties><Value>factory</Value></Node>`,
    `<Node><NodeName>Free</NodeName><RTProperties><Format><int/></Format><Title>A counter</Title></RTProperties><Value>7</Value></Node>`)}
</MgmtTree>`;
}

describe("dm-device", () => {
  it("loads a TNDS tree, runs a WBXML session with the account it holds, and prints the tree as TNDS", async () => {
    const dir = tempDir();
    const server = await new ScriptedServer({
      caDir: CA_DIR,
      clientAuth: { type: "BASIC", name: "dev", secret: "cli-secret" },
      packages: [[get("./Vendor/Fixed", "1"), replace("./Vendor/Fixed", "changed", "chr", "2"), replace("./Vendor/Free", "8", "int", "3")]],
    }).start();
    try {
      const tree = join(dir.path, "tree.xml");
      writeFileSync(tree, treeFile(server.url));
      const ca = join(CA_DIR, "ca.pem");
      const store = join(dir.path, "device");
      const out = await run(process.execPath, [CLI, "run", "--store", store, "--tree", tree, "--trust", ca, "--session", "dm.test", "--wbxml", "--quiet"]);
      assert.match(out.stdout, /session: \{"status":"completed"/);
      assert.match(out.stderr, /loaded \d+ nodes/);
      assert.ok(server.exchanges.every((e) => e.contentType === "application/vnd.syncml.dm+wbxml"));
      assert.deepEqual(["1", "2", "3"].map((id) => server.statusOf(id)[0]), ["200", "425", "200"], "Fixed is read-only (AccessType Get)");
      assert.equal(server.resultsOf("1")[0].items[0].data, "factory");

      const printed = await run(process.execPath, [CLI, "store", "--store", store, "--format", "tnds"]);
      const doc = decodeTnds(printed.stdout);
      const names = doc.nodes.map((n) => n.name);
      assert.ok(names.indexOf("DMAcc") >= 0 && names.indexOf("Vendor") >= 0 && names.indexOf("DevInfo") >= 0, names.join(","));
      const vendor = doc.nodes.find((n) => n.name === "Vendor")!;
      const free = vendor.children.find((n) => n.name === "Free")!;
      assert.deepEqual([free.value, free.props?.format, free.props?.title], ["8", "int", "A counter"]);
      assert.ok(!printed.stdout.includes("cli-secret"), "write-only secrets are not printed");
    } finally {
      await server.stop();
      dir.remove();
    }
  });
});
