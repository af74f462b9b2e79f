// What an integrator sees with `dm-device store --store DIR` after the operator provisioned an account on a
// device with its factory defaults: the account's native keys, the password masked.
import { it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { createEmulatedDevice } from "../../hal/emulated/device.js";
import { settle } from "../../hal/async.js";
import { Tree } from "../../agent/cm/tree.js";
import { DEFAULT_URI_LIMITS, parseUri, type DmUri } from "../../agent/cm/uri.js";
import type { DmValue } from "../csp.js";
import { FACTORY_ROOT_ACL, applyFactoryDefaults, standardCsps } from "../index.js";
import { ROOT, tempDir } from "../../test/support/temp.js";
import { CONTENT_TYPES } from "./ddf.js";

const uri = (text: string): DmUri => parseUri(text) as DmUri;
const chr = (data: string): DmValue => ({ format: "chr", type: "text/plain", data });

it("dm-device store shows a provisioned ActiveSync account with its password masked", async () => {
  const dir = tempDir();
  try {
    const handset = createEmulatedDevice({ directory: dir.path });
    const tree = new Tree({ csps: standardCsps(handset.device, DEFAULT_URI_LIMITS), rootAcl: FACTORY_ROOT_ACL, now: () => 0 });
    const tx = handset.device.config.open({ path: "" }).begin();
    applyFactoryDefaults(tree.session(tx, "factory"), "operator.example");
    const t = tree.session(tx, "operator.example");
    const account = "./Vendor/MSFT/ActiveSync/Accounts/%7B0F1E2D3C-4B5A-4978-8695-A4B3C2D1E0F9%7D";
    t.add(uri(`${account}/EmailAddress`), chr("someone@example.com"));
    t.add(uri(`${account}/Password`), chr("hunter2"));
    t.add(uri(`${account}/Options/ContentTypes/${CONTENT_TYPES.email}/Enabled`), chr("1"));
    await settle((done) => tx.commit(done));
    handset.close();

    const run = spawnSync(process.execPath, [join(ROOT, "bin", "dm-device.js"), "store", "--store", dir.path], { encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    assert.ok(!run.stdout.includes("hunter2"));
    const dump = JSON.parse(run.stdout) as { Software: { Microsoft: { ActiveSync: { Accounts: Record<string, Record<string, unknown>> } } } };
    const stored = dump.Software.Microsoft.ActiveSync.Accounts["{0F1E2D3C-4B5A-4978-8695-A4B3C2D1E0F9}"];
    assert.equal(stored.EmailAddress, "someone@example.com");
    assert.equal(stored.Password, "********");
    assert.deepEqual(stored.Options, { ContentTypes: { [CONTENT_TYPES.email]: { Enabled: true } } });
  } finally {
    dir.remove();
  }
});
