// dm-device: one emulated handset on this machine, running the real bundle in QuickJS.
//   dm-device run --store DIR [--trust CA.pem] [--tree FILE] [--push FILE]... [--session SERVERID [--wbxml]] [--trace FILE]
//   dm-device store --store DIR [--format json|tnds]
import { parseArgs } from "node:util";
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TraceEvent } from "../hal/trace.js";
import type { Device } from "../hal/device.js";
import type { ConfigDomain } from "../hal/config.js";
import { Handset } from "../hal/emulated/handset.js";
import { openConfigStore } from "../hal/emulated/config-store.js";
import { dumpConfig } from "../hal/emulated/dump.js";
import { DEFAULT_INFO } from "../hal/emulated/device.js";
import { Tree } from "../agent/cm/tree.js";
import { DEFAULT_URI_LIMITS } from "../agent/cm/uri.js";
import { readView } from "../agent/store-lock.js";
import { exportTnds, importTnds, type ImportReport } from "../agent/dm/tree-tnds.js";
import { encodeTnds } from "../agent/syncml/index.js";
import { FACTORY_ROOT_ACL, standardCsps } from "../csp/index.js";

const USAGE = `usage:
  dm-device run --store DIR [--trust CA.pem] [--tree FILE] [--push FILE]... [--session SERVERID [--wbxml]]
                [--trace FILE] [--quiet]
      Boots one emulated device (the agent bundle in QuickJS over the emulated HAL) with its state in DIR,
      delivers every SMS-DELIVER PDU of each --push file (hex, one PDU per line, # comments) in order,
      runs until the agent is idle, prints the trace. Exit 0 when the agent stayed healthy.
      --tree FILE      loads a TNDS document (XML or WBXML) into the DM tree first: nodes, values and
                       RTProperties; DFProperties AccessType narrows a node's ACL (read-only nodes), DFFormat
                       gives the format of a leaf without RTProperties Format
      --session ID     then runs a client-initiated DM session (Alert 1201) with the account whose ServerID
                       is ID, and prints its summary; exit 0 only when it completed
      --wbxml          that session in WBXML, whatever the account says
  dm-device store --store DIR [--format json|tnds]
      Prints the device's native config store (json, secrets masked) or its DM tree as TNDS (write-only
      values such as AAuthSecret are left out).`;

/** The DM tree over a device's store directory, as the agent builds it (the emulator's default device info). */
function treeOf(): Tree {
  const device = { info: { read: () => DEFAULT_INFO } } as unknown as Device;
  return new Tree({ csps: standardCsps(device, DEFAULT_URI_LIMITS), rootAcl: FACTORY_ROOT_ACL, now: () => Date.now() });
}

/** Loads a TNDS document into the store at `directory` before the device boots (the device's own first write). */
async function loadTree(directory: string, document: Uint8Array): Promise<ImportReport> {
  const store = openConfigStore({ directory: join(directory, "config") });
  try {
    const tx = store.open({ path: "" }).begin();
    const report = importTnds(treeOf().session(tx, "dm-device"), [], document);
    await new Promise<void>((resolve, reject) => tx.commit((e) => (e ? reject(e) : resolve())));
    return report;
  } finally {
    store.close();
  }
}

/** The DM tree of a store as TNDS, with every run-time property and the values that may be read. */
function treeAsTnds(domain: ConfigDomain): string {
  const session = treeOf().session(readView(domain), "dm-device");
  const tnds = exportTnds(session, [], ["ACL", "Format", "Name", "Title", "TStamp", "Type", "VerNo", "Value"]);
  return encodeTnds(tnds, { indent: "  " });
}

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
      tree: { type: "string" },
      session: { type: "string" },
      wbxml: { type: "boolean" },
    },
  });
  if (!values.store) fail("--store DIR is required");
  if (values.wbxml && !values.session) fail("--wbxml applies to --session");
  if (values.tree) {
    if (!existsSync(values.tree)) fail(`no such tree file: ${values.tree}`);
    const report = await loadTree(values.store, new Uint8Array(readFileSync(values.tree)));
    process.stderr.write(`dm-device: loaded ${report.nodes} nodes from ${values.tree}\n`);
    for (const f of report.failed) process.stderr.write(`dm-device: ${f.uri} refused (${f.status})\n`);
  }
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
    let completed = true;
    if (values.session) {
      const request: Record<string, unknown> = { serverId: values.session, alert: 1201 };
      if (values.wbxml) request.encoding = "wbxml";
      const summary = (await handset.vm.call("startSession", request)) as { status: string; reason?: string };
      process.stdout.write(`session: ${JSON.stringify(summary)}\n`);
      completed = summary.status === "completed";
      await handset.idle();
    }
    const healthy = handset.healthy();
    if (!healthy) process.stderr.write(`dm-device: agent unhealthy: ${handset.vm.fatal?.message ?? handset.status().state}\n`);
    return healthy && completed ? 0 : 1;
  } finally {
    handset.shutdown();
  }
}

function store(argv: string[]): number {
  const { values } = parseArgs({ args: argv, options: { store: { type: "string" }, format: { type: "string" } } });
  if (!values.store) fail("--store DIR is required");
  const format = values.format ?? "json";
  if (format !== "json" && format !== "tnds") fail(`unknown format ${format} (json, tnds)`);
  const directory = `${values.store}/config`;
  if (!existsSync(directory)) fail(`no device store in ${values.store}`);
  const config = openConfigStore({ directory });
  try {
    const domain = config.open({ path: "", mode: "r" });
    process.stdout.write(format === "tnds" ? treeAsTnds(domain) : JSON.stringify(dumpConfig(domain), null, 2) + "\n");
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
