// The real bundle evaluated in QuickJS 2021-03-27 (the engine device images carry), built from the npm
// package `qjsc` by build/quickjs-2021.sh. The Node-side host runs a 2025 engine that accepts newer JS,
// so passing there proves nothing about the device; this test does.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHash, createHmac } from "node:crypto";
import { rollup } from "rollup";

const root = join(import.meta.dirname, "..", "..", "..");
const buildScript = join(root, "build", "quickjs-2021.sh");
const runner = join(root, "build", "out", "quickjs-2021", "run-scripts");
const stub = join(root, "test", "engine-2021", "device-stub.js");
const bundle = join(root, "build", "out", "dm-agent.js");

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  /** stdout lines that are neither LOG nor TRACE: print() output, --eval results, --memory. */
  output: string[];
  traces: Array<{ name: string; at: number; step?: number; detail?: Record<string, unknown> }>;
  logs: Array<{ level: string; message: string }>;
}

function run(args: string[]): Run {
  const r = spawnSync(runner, args, { encoding: "utf8", timeout: 60_000 });
  if (r.error) throw r.error;
  const lines = r.stdout.split("\n").filter((l) => l !== "");
  return {
    status: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    output: lines.filter((l) => !l.startsWith("TRACE ") && !l.startsWith("LOG ")),
    traces: lines.filter((l) => l.startsWith("TRACE ")).map((l) => JSON.parse(l.slice(6))),
    logs: lines.filter((l) => l.startsWith("LOG ")).map((l) => JSON.parse(l.slice(4))),
  };
}

let scratch = "";
function script(name: string, source: string): string {
  const path = join(scratch, name);
  writeFileSync(path, source);
  return path;
}

before(() => {
  // Cached: ~20-25 s cold, well under a second once built.
  const build = spawnSync("bash", [buildScript], { cwd: root, encoding: "utf8", timeout: 300_000 });
  assert.equal(build.status, 0, `build/quickjs-2021.sh failed:\n${build.stderr}${build.error ?? ""}`);
  scratch = mkdtempSync(join(tmpdir(), "engine-2021-"));
});
after(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

// Locally the bundle may not be built yet; in CI a missing bundle is a failure, never a skip.
const needsBundle = {
  skip: !existsSync(bundle) && !process.env.CI ? `${bundle} is absent: run \`npm run build\` first` : false,
};

describe("the bundle in QuickJS 2021-03-27", () => {
  test("evaluates after the device stub, boots, and publishes dmAgent", needsBundle, () => {
    assert.ok(existsSync(bundle), `${bundle} is missing: the build did not produce the bundle`);
    const r = run([stub, bundle, "--eval", "typeof dmAgent", "--eval", "JSON.stringify(dmAgent.status())"]);
    assert.equal(r.stderr, "", "no exception and no unhandled rejection");
    assert.equal(r.status, 0);
    assert.equal(r.output[0], "object");
    const names = r.traces.map((e) => e.name);
    assert.ok(names.includes("agent.ready"), `trace has agent.ready; got ${names.join(", ")}`);
    assert.ok(!names.includes("agent.error"), `no agent.error: ${JSON.stringify(r.traces)}`);
    assert.deepEqual(r.logs.filter((l) => l.level === "error"), []);
    const status = JSON.parse(r.output[1]) as { state: string; busy: number };
    assert.equal(status.state, "ready");
    assert.equal(status.busy, 0);
  });

  test("fits the default 4 MiB heap and reports its memory use", needsBundle, (t) => {
    assert.ok(existsSync(bundle), `${bundle} is missing: the build did not produce the bundle`);
    const r = run(["--memory", stub, bundle]);
    assert.equal(r.stderr, "");
    assert.equal(r.status, 0);
    const memory = JSON.parse(r.output[r.output.length - 1]) as { malloc_size: number; memory_used_size: number; malloc_limit: number };
    assert.equal(memory.malloc_limit, 4 * 1024 * 1024);
    assert.ok(memory.memory_used_size > 0 && memory.malloc_size < memory.malloc_limit);
    t.diagnostic(`bundle loaded from source: malloc_size ${memory.malloc_size} B, memory_used_size ${memory.memory_used_size} B`);
  });
});

describe("the runner", () => {
  test("really is the 2021 engine: ES2022 library calls are missing", () => {
    const at = run([script("at.js", "[1, 2].at(0);\n")]);
    assert.equal(at.status, 1, "Array.prototype.at exists: this is not QuickJS 2021-03-27");
    assert.match(at.stderr, /TypeError: not a function/);
    const hasOwn = run(["--eval", "Object.hasOwn({ a: 1 }, 'a')"]);
    assert.equal(hasOwn.status, 1, "Object.hasOwn exists: this is not QuickJS 2021-03-27");
    assert.match(hasOwn.stderr, /TypeError: not a function/);
  });

  test("runs ES2020 and drains jobs after each file", () => {
    const a = script("es2020.js", [
      "var seen = [];",
      "const o = { a: { b: 2 } };",
      "print(o.a?.b ?? 0, o.x?.y ?? 'none', 2n ** 64n, 'a-b'.replaceAll('-', '+'));",
      "Promise.allSettled([Promise.resolve(1)]).then((r) => seen.push(r[0].status));",
      "(async () => { await null; seen.push('awaited'); })();",
    ].join("\n"));
    const b = script("after.js", "print(seen.sort().join(','));\n");
    const r = run([a, b, "--eval", "seen.length"]);
    assert.equal(r.stderr, "");
    assert.equal(r.status, 0);
    assert.deepEqual(r.output, ["2 none 18446744073709551616 a+b", "awaited,fulfilled", "2"]);
  });

  test("reports an uncaught exception with its message and stack, and exits 1", () => {
    const r = run([script("throws.js", "function inner() { throw new RangeError('boom'); }\ninner();\n")]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /uncaught exception in .*throws\.js: RangeError: boom/);
    assert.match(r.stderr, /at inner \(.*throws\.js/);
  });

  test("reports a promise rejection nobody handles, but not one handled later", () => {
    const lost = run(["--eval", "Promise.reject(new Error('lost')); 1"]);
    assert.equal(lost.status, 1);
    assert.match(lost.stderr, /unhandled promise rejection: Error: lost/);
    const late = run(["--eval", "const p = Promise.reject(new Error('late')); p.catch(() => print('caught')); 2"]);
    assert.equal(late.stderr, "");
    assert.deepEqual(late.output, ["caught", "2"]);
  });

  test("enforces --memory-limit and reports out of memory", () => {
    const r = run(["--memory-limit", "1000000", "--eval", "new ArrayBuffer(2000000)"]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /out of memory/);
  });
});

describe("the device stub", () => {
  test("commits through a job, and config reads see the transaction's own writes", () => {
    const s = script("store.js", [
      "const d = device.config.open({ path: 'x' });",
      "const tx = d.begin();",
      "tx.write('a/b', { type: 'int32', value: 7 });",
      "var order = [String(tx.read('a/b').value), String(d.read('a/b'))];",
      "tx.commit(function (error) { order.push('committed ' + error); });",
      "order.push('after commit()');",
    ].join("\n"));
    const r = run([stub, s, "--eval", "order.join('|')", "--eval", "JSON.stringify(deviceStub.dump())"]);
    assert.equal(r.stderr, "");
    assert.equal(r.output[0], "7|undefined|after commit()|committed null");
    assert.deepEqual(JSON.parse(r.output[1]), { x: { type: "node" }, "x/a": { type: "node" }, "x/a/b": { type: "int32", value: 7 } });
  });
});

describe("agent code in QuickJS 2021-03-27", () => {
  test("crypto and base64 give node:crypto's answers, and MD5 of 64 KiB is quick enough", async (t) => {
    // Bundled on its own: the agent may not import it yet, and this pins the engine-specific paths
    // (Int32Array arithmetic, fromCharCode.apply over typed arrays) in the device's engine.
    const dist = join(root, "dist", "agent");
    const entry = script("crypto-entry.js", [
      `import { md5 } from ${JSON.stringify(join(dist, "crypto", "md5.js"))};`,
      `import { sha1 } from ${JSON.stringify(join(dist, "crypto", "sha1.js"))};`,
      `import { hmacMd5, hmacSha1 } from ${JSON.stringify(join(dist, "crypto", "hmac.js"))};`,
      `import { base64Encode, base64Decode } from ${JSON.stringify(join(dist, "bytes", "base64.js"))};`,
      `import { hexEncode, hexDecode } from ${JSON.stringify(join(dist, "bytes", "hex.js"))};`,
      "globalThis.lib = { md5, sha1, hmacMd5, hmacSha1, base64Encode, base64Decode, hexEncode, hexDecode };",
    ].join("\n"));
    const build = await rollup({ input: entry });
    const { output } = await build.generate({ format: "iife" });
    await build.close();
    const bundled = script("crypto-bundle.js", output[0].code);
    const probe = script("crypto-probe.js", `
      const data = (n) => { const b = new Uint8Array(n); for (let i = 0; i < n; i++) b[i] = (i * 31 + n) & 255; return b; };
      for (const n of LENGTHS) {
        const m = data(n), k = data(n % 130);
        const b64 = lib.base64Encode(m), back = lib.base64Decode(b64);
        print(JSON.stringify({ n, md5: lib.hexEncode(lib.md5(m)), sha1: lib.hexEncode(lib.sha1(m)),
          hmacMd5: lib.hexEncode(lib.hmacMd5(k, m)), hmacSha1: lib.hexEncode(lib.hmacSha1(k, m)),
          b64, roundTrip: lib.hexEncode(back) === lib.hexEncode(m) && lib.hexEncode(lib.hexDecode(lib.hexEncode(m))) === lib.hexEncode(m) }));
      }
      const big = data(65536), t0 = Date.now();
      for (let i = 0; i < 4; i++) lib.md5(big);
      print("md5-64k-ms " + (Date.now() - t0) / 4);
    `.replace("LENGTHS", JSON.stringify([0, 1, 3, 55, 56, 57, 63, 64, 65, 127, 128, 129, 1000, 4097])));
    const r = run([bundled, probe]);
    assert.equal(r.stderr, "");
    assert.equal(r.status, 0);
    const data = (n: number) => new Uint8Array(n).map((_, i) => (i * 31 + n) & 255);
    const lines = r.output.filter((l) => l.startsWith("{"));
    assert.equal(lines.length, 14);
    for (const line of lines) {
      const got = JSON.parse(line) as Record<string, string | number | boolean>;
      const n = got.n as number;
      const m = data(n);
      const k = data(n % 130);
      assert.deepEqual(got, {
        n,
        md5: createHash("md5").update(m).digest("hex"),
        sha1: createHash("sha1").update(m).digest("hex"),
        hmacMd5: createHmac("md5", k).update(m).digest("hex"),
        hmacSha1: createHmac("sha1", k).update(m).digest("hex"),
        b64: Buffer.from(m).toString("base64"),
        roundTrip: true,
      }, `${n} bytes`);
    }
    const ms = Number(r.output.find((l) => l.startsWith("md5-64k-ms "))?.split(" ")[1]);
    t.diagnostic(`QuickJS 2021 x86-64: MD5 of 64 KiB in ${ms} ms`);
    assert.ok(ms < 1000, `MD5 of 64 KiB took ${ms} ms`);
  });
});
