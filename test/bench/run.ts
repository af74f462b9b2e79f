// `npm run bench`: the figures the README quotes. Bundle size, boot time and heap of the real bundle in
// QuickJS (quickjs-emscripten, release-sync) over the emulated HAL, then every benchmark entry
// (test/bench/entries, bundled by the build) evaluated in a bare QuickJS context.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { RELEASE_SYNC, newQuickJSWASMModule } from "quickjs-emscripten";
import { Handset } from "../../hal/emulated/handset.js";
import { tempDir } from "../support/temp.js";
import { ROOT } from "../support/temp.js";
import { benchSession } from "../integration/session/support/bench-session.js";

interface Row {
  metric: string;
  value: number;
  unit: string;
}

const rows: Row[] = [];
const add = (metric: string, value: number, unit: string) => rows.push({ metric, value, unit });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const size = JSON.parse(readFileSync(join(ROOT, "build", "out", "size.json"), "utf8")) as { bytes: number; gzip: number };
add("bundle, minified", size.bytes, "bytes");
add("bundle, gzip -9", size.gzip, "bytes");

// Boot: runtime + prelude + bundle evaluation, module already loaded; heap once the agent is idle.
const boots: number[] = [];
const heaps: number[] = [];
for (let i = 0; i < 7; i++) {
  const dir = tempDir();
  const started = performance.now();
  const handset = await Handset.boot({ directory: dir.path });
  boots.push(performance.now() - started);
  await handset.idle();
  heaps.push(handset.vm.memory().memoryUsed);
  handset.shutdown();
  dir.remove();
}
add("boot: new runtime, prelude, evaluate bundle (median of 6, first dropped)", median(boots.slice(1)), "ms");
add("QuickJS heap after boot (memory_used_size)", median(heaps), "bytes");

// Evaluating the bundle alone, in a bare context over the plain-JS device stub (no bridge in the way).
{
  const module = await newQuickJSWASMModule(RELEASE_SYNC);
  const stub = readFileSync(join(ROOT, "test", "engine-2021", "device-stub.js"), "utf8");
  const bundle = readFileSync(join(ROOT, "build", "out", "dm-agent.js"), "utf8");
  const times: number[] = [];
  for (let i = 0; i < 11; i++) {
    const runtime = module.newRuntime();
    const context = runtime.newContext();
    context.unwrapResult(context.evalCode(stub, "device-stub.js")).dispose();
    const started = performance.now();
    context.unwrapResult(context.evalCode(bundle, "dm-agent.js")).dispose();
    times.push(performance.now() - started);
    runtime.executePendingJobs();
    context.dispose();
    runtime.dispose();
  }
  add("evaluate the bundle (quickjs-emscripten 2025, median of 11)", median(times), "ms");
}

// The device engine: QuickJS 2021-03-27 built from npm qjsc's sources (build/quickjs-2021.sh).
{
  const runner = join(ROOT, "build", "out", "quickjs-2021", "run-scripts");
  const built = spawnSync("bash", [join(ROOT, "build", "quickjs-2021.sh")], { encoding: "utf8" });
  if (built.status === 0 && existsSync(runner)) {
    const args = ["--memory", join(ROOT, "test", "engine-2021", "device-stub.js"), join(ROOT, "build", "out", "dm-agent.js")];
    const times: number[] = [];
    let memory: { malloc_size?: number; memory_used_size?: number } = {};
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const run = spawnSync(runner, args, { encoding: "utf8" });
      times.push(performance.now() - started);
      const line = run.stdout.split("\n").find((l) => l.startsWith("{") && l.includes("malloc_size"));
      if (line) memory = JSON.parse(line);
    }
    add("QuickJS 2021 native: process boot + bundle (median of 5)", median(times), "ms");
    if (memory.malloc_size !== undefined) add("QuickJS 2021 native: heap after boot (malloc_size)", memory.malloc_size, "bytes");
  } else {
    add("QuickJS 2021 native: build failed", NaN, "");
  }
}

// A whole session of 200 commands over TLS on loopback: QuickJS heap peak (budget 2 MiB) and wall time.
for (const encoding of ["xml", "wbxml"] as const) {
  const run = await benchSession(encoding);
  if (run.status !== "completed") add(`200-command session, ${encoding}: ${run.status}`, NaN, "");
  add(`200-command session over TLS, ${encoding}: QuickJS heap peak (memory_used_size)`, run.peak, "bytes");
  add(`200-command session over TLS, ${encoding}: wall time`, run.ms, "ms");
}

const entries = join(ROOT, "build", "out", "bench");
if (existsSync(entries)) {
  const module = await newQuickJSWASMModule(RELEASE_SYNC);
  for (const name of readdirSync(entries).filter((n) => n.endsWith(".js")).sort()) {
    const runtime = module.newRuntime();
    runtime.setMemoryLimit(64 * 1024 * 1024);
    const context = runtime.newContext();
    try {
      context.unwrapResult(context.evalCode(readFileSync(join(entries, name), "utf8"), name)).dispose();
      // Entries may be asynchronous (the session bench awaits HAL callbacks): run them and drain the jobs.
      context.unwrapResult(
        context.evalCode(
          "Promise.all((globalThis.benchmarks || []).map(async (b) => ({ name: b.name, rows: await b.run() })))" +
            ".then((r) => { globalThis.__bench = JSON.stringify(r); }, (e) => { globalThis.__bench = JSON.stringify({ error: String(e) }); })",
        ),
      ).dispose();
      let text: string | undefined;
      for (let i = 0; i < 100000 && text === undefined; i++) {
        runtime.executePendingJobs(-1);
        const h = context.getProp(context.global, "__bench");
        if (context.typeof(h) === "string") text = context.getString(h);
        h.dispose();
        if (text === undefined && !runtime.hasPendingJob()) break;
      }
      const parsed = JSON.parse(text ?? '{"error":"the benchmark never settled"}') as Array<{ name: string; rows: Row[] }> | { error: string };
      if (!Array.isArray(parsed)) throw new Error(parsed.error);
      const suites = parsed;
      for (const suite of suites) for (const r of suite.rows) add(`${suite.name}: ${r.metric}`, r.value, r.unit);
    } catch (error) {
      add(`${name}: FAILED ${(error as Error).message}`, NaN, "");
    } finally {
      context.dispose();
      runtime.dispose();
    }
  }
}

const width = Math.max(...rows.map((r) => r.metric.length));
console.log(`${"metric".padEnd(width)}  ${"value".padStart(12)}  unit`);
for (const r of rows) {
  const value = Number.isInteger(r.value) ? String(r.value) : r.value.toFixed(2);
  console.log(`${r.metric.padEnd(width)}  ${value.padStart(12)}  ${r.unit}`);
}
writeFileSync(join(ROOT, "build", "out", "bench.json"), JSON.stringify(rows, null, 2) + "\n");
