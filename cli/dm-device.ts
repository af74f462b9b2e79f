// dm-device: one emulated handset on this machine, running the real bundle in QuickJS.
//   dm-device run --store DIR [--trust CA.pem] [--push FILE]... [--trace FILE]
//   dm-device store --store DIR [--format json|tnds]
import { parseArgs } from "node:util";
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import type { TraceEvent } from "../hal/trace.js";
import { Handset } from "../hal/emulated/handset.js";
import { openConfigStore } from "../hal/emulated/config-store.js";
import { dumpConfig } from "../hal/emulated/dump.js";

const USAGE = `usage:
  dm-device run --store DIR [--trust CA.pem] [--push FILE]... [--trace FILE] [--quiet]
      Boots one emulated device (the agent bundle in QuickJS over the emulated HAL) with its state in DIR,
      delivers every SMS-DELIVER PDU of each --push file (hex, one PDU per line, # comments) in order,
      runs until the agent is idle, prints the trace. Exit 0 when the agent stayed healthy.
  dm-device store --store DIR [--format json]
      Prints the device's native config store. Secrets are masked.`;

function fail(message: string): never {
  process.stderr.write(`dm-device: ${message}\n${USAGE}\n`);
  process.exit(2);
}

/** One line per trace event, for people. */
export function formatEvent(event: TraceEvent): string {
  const step = event.step !== undefined ? `[${String(event.step).padStart(2)}]` : "    ";
  const detail = Object.entries(event.detail ?? {})
    .map(([k, v]) => `${k}=${typeof v === "string" && /\s/.test(v) ? JSON.stringify(v) : String(v)}`)
    .join(" ");
  return `${(event.at / 1000).toFixed(3).padStart(8)}s ${step} ${event.name}${detail ? "  " + detail : ""}`;
}

export function readPushFile(file: string): string[] {
  return readFileSync(file, "utf8")
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*/, "").trim())
    .filter((line) => line !== "");
}

async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      store: { type: "string" },
      trust: { type: "string", multiple: true },
      push: { type: "string", multiple: true },
      trace: { type: "string" },
      quiet: { type: "boolean" },
    },
  });
  if (!values.store) fail("--store DIR is required");
  const trust = (values.trust ?? []).map((f) => readFileSync(f, "utf8"));
  const pushes = (values.push ?? []).map((f) => {
    if (!existsSync(f)) fail(`no such push file: ${f}`);
    return readPushFile(f);
  });
  if (values.trace) writeFileSync(values.trace, "");
  const handset = await Handset.boot({
    directory: values.store,
    time: "real",
    trust,
    onTrace(event) {
      if (!values.quiet) process.stdout.write(formatEvent(event) + "\n");
      if (values.trace) appendFileSync(values.trace, JSON.stringify(event) + "\n");
    },
    onLog(level, message) {
      if (level === "warn" || level === "error") process.stderr.write(`${level}: ${message}\n`);
    },
  });
  try {
    await handset.idle();
    for (const pdus of pushes) {
      for (const pdu of pdus) handset.control.modem.inject(pdu);
      await handset.idle();
    }
    const healthy = handset.healthy();
    if (!healthy) process.stderr.write(`dm-device: agent unhealthy: ${handset.vm.fatal?.message ?? handset.status().state}\n`);
    return healthy ? 0 : 1;
  } finally {
    handset.shutdown();
  }
}

function store(argv: string[]): number {
  const { values } = parseArgs({ args: argv, options: { store: { type: "string" }, format: { type: "string" } } });
  if (!values.store) fail("--store DIR is required");
  const format = values.format ?? "json";
  if (format !== "json") fail(`unknown format ${format} (json)`);
  const directory = `${values.store}/config`;
  if (!existsSync(directory)) fail(`no device store in ${values.store}`);
  const config = openConfigStore({ directory });
  try {
    process.stdout.write(JSON.stringify(dumpConfig(config.open({ path: "", mode: "r" })), null, 2) + "\n");
  } finally {
    config.close();
  }
  return 0;
}

const [command, ...rest] = process.argv.slice(2);
try {
  if (command === "run") process.exitCode = await run(rest);
  else if (command === "store") process.exitCode = store(rest);
  else if (command === "--help" || command === "-h" || command === undefined) process.stdout.write(USAGE + "\n");
  else fail(`unknown command ${command}`);
} catch (error) {
  process.stderr.write(`dm-device: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
