// `npm run build` (after tsc): bundles the compiled agent into one ES2020 script for QuickJS and prints
// its size, whole and per part. Also bundles each benchmark entry (test/bench/entries) for the bench runner.
import { rollup, type OutputChunk, type Plugin } from "rollup";
import { nodeResolve } from "@rollup/plugin-node-resolve";
import commonjsPlugin from "@rollup/plugin-commonjs";
import { minify } from "terser";
import { gzipSync } from "node:zlib";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";

// The plugin's types describe its ESM default export as a module namespace under NodeNext; it is the function.
const commonjs = commonjsPlugin as unknown as () => Plugin;

const root = join(import.meta.dirname, "..", "..");
const dist = join(root, "dist");
const out = join(root, "build", "out");

// A function, not a shared object: terser writes into the options it is given (compress.toplevel).
const terserOptions = (toplevel: boolean) => ({
  ecma: 2020 as const,
  module: false,
  toplevel,
  compress: { passes: 2 },
  format: { comments: false },
});

/** Bundles `input` as one IIFE, writes it minified to `file`, returns the unminified chunk (per-module code). */
async function bundle(input: string, file: string): Promise<{ chunk: OutputChunk; code: string }> {
  // fast-xml-parser 4 is CommonJS.
  const plugins: Plugin[] = [nodeResolve({ browser: false, preferBuiltins: false }), commonjs()];
  const build = await rollup({
    input,
    plugins,
    onwarn(warning, warn) {
      if (warning.code === "CIRCULAR_DEPENDENCY" && String(warning.ids?.[0]).includes("node_modules")) return;
      warn(warning);
    },
  });
  const { output } = await build.generate({ format: "iife", generatedCode: "es2015", strict: true });
  await build.close();
  const code = (await minify(output[0].code, terserOptions(true))).code ?? "";
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, code);
  return { chunk: output[0], code };
}

/** The part of the tree a module belongs to: agent/<dir>, csp/<dir>, hal, or the npm package. */
function partOf(id: string): string {
  const rel = relative(root, id).split(sep);
  if (rel[0] === "node_modules") return rel[1].startsWith("@") ? `${rel[1]}/${rel[2]}` : rel[1];
  const parts = rel[0] === "dist" ? rel.slice(1) : rel;
  if ((parts[0] === "agent" || parts[0] === "csp") && parts.length > 2) return `${parts[0]}/${parts[1]}`;
  return parts[0] === "hal" ? "hal" : parts[0];
}

export interface SizeReport {
  bytes: number;
  gzip: number;
  parts: Array<{ part: string; bytes: number; gzip: number }>;
}

async function sizeReport(chunk: OutputChunk, code: string): Promise<SizeReport> {
  const byPart = new Map<string, string>();
  for (const [id, module] of Object.entries(chunk.modules)) {
    if (!module.code) continue;
    const part = partOf(id);
    byPart.set(part, (byPart.get(part) ?? "") + module.code + "\n");
  }
  const parts = [];
  for (const [part, source] of byPart) {
    // Each part minified on its own: close to, not exactly, its share of the whole bundle.
    const min = (await minify(source, terserOptions(false))).code ?? "";
    parts.push({ part, bytes: min.length, gzip: gzipSync(min, { level: 9 }).length });
  }
  parts.sort((a, b) => b.bytes - a.bytes);
  return { bytes: Buffer.byteLength(code), gzip: gzipSync(code, { level: 9 }).length, parts };
}

async function main(): Promise<void> {
  mkdirSync(out, { recursive: true });
  const { chunk, code } = await bundle(join(dist, "agent", "main.js"), join(out, "dm-agent.js"));
  const report = await sizeReport(chunk, code);
  writeFileSync(join(out, "size.json"), JSON.stringify(report, null, 2) + "\n");

  const entries = join(dist, "test", "bench", "entries");
  if (existsSync(entries)) {
    for (const name of readdirSync(entries).filter((n) => n.endsWith(".js"))) {
      await bundle(join(entries, name), join(out, "bench", name));
    }
  }

  const pad = (s: string | number, n: number) => String(s).padStart(n);
  console.log(`build/out/dm-agent.js  ${report.bytes} bytes minified, ${report.gzip} gzipped`);
  console.log(`  ${"part".padEnd(28)}${pad("minified", 10)}${pad("gzip", 8)}`);
  for (const p of report.parts) console.log(`  ${p.part.padEnd(28)}${pad(p.bytes, 10)}${pad(p.gzip, 8)}`);
}

await main();
