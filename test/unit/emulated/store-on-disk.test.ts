// What the emulated store keeps on disk, and how it treats what it finds there when it opens.
import { describe, it, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isHalError } from "../../../hal/async.js";
import { openConfigStore, type EmulatedConfigStore } from "../../../hal/emulated/config-store.js";
import { commit, dumpStore, throwsCode } from "../../conformance/suite/config.js";

async function seed(store: EmulatedConfigStore): Promise<void> {
  const tx = store.open({ path: "" }).begin();
  tx.write("a/int64", { type: "int64", value: -(2n ** 63n) });
  tx.write("a/nan", { type: "float64", value: NaN });
  tx.write("a/minus-zero", { type: "float64", value: -0 });
  tx.write("a/bytes", { type: "buffer", value: new Uint8Array([0, 255, 16]).buffer });
  tx.write("a/flag", { type: "boolean", value: false });
  await commit(tx);
}

describe("store on disk", () => {
  let root: string;
  let directory: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "dm-store-disk-"));
    directory = join(root, "device", "config");
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("creates the directory with its missing parents", () => {
    openConfigStore({ directory }).close();
    assert.ok(statSync(directory).isDirectory());
  });

  it("writes one checksummed snapshot file with every value in a readable form", async () => {
    const store = openConfigStore({ directory });
    await seed(store);
    store.close();
    const text = readFileSync(join(directory, "store.json"), "utf8");
    const [header, ...rest] = text.split("\n");
    assert.match(header!, /^dm-agent-config 1 \d+ [0-9a-f]{64}$/);
    assert.equal(Number(header!.split(" ")[2]), Buffer.byteLength(rest.join("\n")));
    assert.deepEqual(JSON.parse(rest.join("\n")), [
      ["a", "node"],
      ["a/bytes", "buffer", "AP8Q"],
      ["a/flag", "boolean", false],
      ["a/int64", "int64", "-9223372036854775808"],
      ["a/minus-zero", "float64", "-0"],
      ["a/nan", "float64", "NaN"],
    ]);
    const again = openConfigStore({ directory });
    const value = again.open({ path: "a" }).read("minus-zero");
    assert.ok(value?.type === "float64" && Object.is(value.value, -0), "-0 survives too");
    again.close();
  });

  it("a commit takes 5 steps plus one per written chunk", async () => {
    for (const writeChunkSize of [1, 10, 100, 1 << 16]) {
      rmSync(directory, { recursive: true, force: true });
      const store = openConfigStore({ directory, writeChunkSize });
      await seed(store);
      const size = statSync(join(directory, "store.json")).size;
      assert.equal(store.lastCommitSteps, 5 + Math.ceil(size / writeChunkSize), `chunk ${writeChunkSize}`);
      store.close();
    }
  });

  it("removes a leftover temp file on open and ignores its content", async () => {
    const store = openConfigStore({ directory });
    await seed(store);
    const before = dumpStore(store);
    store.close();
    writeFileSync(join(directory, "store.json.tmp"), "dm-agent-config 1 999 torn");
    const reopened = openConfigStore({ directory });
    assert.equal(existsSync(join(directory, "store.json.tmp")), false);
    assert.deepStrictEqual(dumpStore(reopened), before);
    reopened.close();
  });

  for (const [damage, corrupt] of [
    ["a flipped byte", (b: Buffer) => { b[b.length - 5] ^= 1; return b; }],
    ["a truncated body", (b: Buffer) => b.subarray(0, b.length - 10)],
    ["a missing header", (b: Buffer) => b.subarray(b.indexOf(0x0a) + 1)],
    ["an empty file", () => Buffer.alloc(0)],
  ] as const) {
    it(`refuses to open a store file with ${damage} (EIO), and frees the directory`, async () => {
      const store = openConfigStore({ directory });
      await seed(store);
      store.close();
      const file = join(directory, "store.json");
      writeFileSync(file, corrupt(readFileSync(file)));
      assert.throws(() => openConfigStore({ directory }), (e: unknown) => isHalError(e, "EIO") && /corrupt/.test(e.message));
      rmSync(file);
      openConfigStore({ directory }).close();
    });
  }

  it("refuses a second live store on the same directory with EBUSY until the first is closed", () => {
    const first = openConfigStore({ directory });
    throwsCode(() => openConfigStore({ directory }), "EBUSY");
    throwsCode(() => openConfigStore({ directory: join(directory, "..", "config") }), "EBUSY");
    first.close();
    openConfigStore({ directory }).close();
  });
});
