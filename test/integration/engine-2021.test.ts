// The real bundle evaluated in QuickJS 2021-03-27 (the engine device images carry), built from the npm
// package `qjsc` by build/quickjs-2021.sh. The Node-side host runs a 2025 engine that accepts newer JS,
// so passing there proves nothing about the device; this test does.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

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
