// `npm test`: makes sure the system tools the tests use are there (build/system-deps.sh), then runs every
// compiled *.test.js under dist/ with node's test runner. Arguments filter test files by substring.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = join(import.meta.dirname, "..", "..");
const dist = join(root, "dist");

function find(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) find(path, out);
    else if (name.endsWith(".test.js")) out.push(path);
  }
  return out;
}

const deps = spawnSync("bash", [join(root, "build", "system-deps.sh")], { stdio: "inherit" });
if (deps.status !== 0) console.error("test: system tools are missing; the tests that need them will fail");

const filters = process.argv.slice(2);
const files = ["agent", "csp", "hal", "server", "test"]
  .map((d) => join(dist, d))
  .filter((d) => { try { return statSync(d).isDirectory(); } catch { return false; } })
  .flatMap((d) => find(d, []))
  .filter((f) => filters.length === 0 || filters.some((s) => relative(dist, f).includes(s)))
  .sort();
if (files.length === 0) {
  console.error("test: no test files matched");
  process.exit(1);
}
const result = spawnSync(process.execPath, ["--test", "--test-concurrency=2", ...files], { stdio: "inherit", cwd: root });
process.exit(result.status ?? 1);
