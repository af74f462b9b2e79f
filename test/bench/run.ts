// `npm run bench`: the figures the README quotes. Bundle size, boot time and heap of the real bundle in
// QuickJS (quickjs-emscripten, release-sync) over the emulated HAL, then every benchmark entry
// (test/bench/entries, bundled by the build) evaluated in a bare QuickJS context.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RELEASE_SYNC, newQuickJSWASMModule } from "quickjs-emscripten";
import { Handset } from "../../hal/emulated/handset.js";
import { tempDir } from "../support/temp.js";
import { ROOT } from "../support/temp.js";

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

const entries = join(ROOT, "build", "out", "bench");
if (existsSync(entries)) {
  const module = await newQuickJSWASMModule(RELEASE_SYNC);
  for (const name of readdirSync(entries).filter((n) => n.endsWith(".js")).sort()) {
    const runtime = module.newRuntime();
    runtime.setMemoryLimit(64 * 1024 * 1024);
    const context = runtime.newContext();
    try {
      context.unwrapResult(context.evalCode(readFileSync(join(entries, name), "utf8"), name)).dispose();
      const result = context.unwrapResult(
        context.evalCode("JSON.stringify((globalThis.benchmarks || []).map((b) => ({ name: b.name, rows: b.run() })))"),
      );
      const suites = JSON.parse(context.getString(result)) as Array<{ name: string; rows: Row[] }>;
      result.dispose();
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
