// What each device answered: per job command its Status (with the meaning of the code) and Results, plus the
// device's DevInfo, sessions, alerts and notifications. Built from the state directory, as JSON or text.
import { RecordStore, type CommandRecord, type DeviceRecord } from "./records.js";
import { DeviceRegistry } from "./registry.js";

/** SyncML status codes (OMA-TS-SyncML_RepPro-V1_2 §10, OMA-TS-DM_RepPro-V1_2 §6.6) as people read them. */
export const STATUS_TEXT: Readonly<Record<string, string>> = {
  "200": "OK",
  "201": "item added",
  "202": "accepted for processing",
  "204": "no content",
  "212": "authentication accepted",
  "213": "chunked item accepted and buffered",
  "214": "operation cancelled",
  "215": "not executed",
  "216": "atomic roll back OK",
  "300": "multiple choices",
  "304": "not modified (user said No)",
  "400": "bad request",
  "401": "invalid credentials",
  "403": "forbidden",
  "404": "not found",
  "405": "command not allowed",
  "406": "optional feature not supported",
  "407": "missing credentials",
  "408": "request timeout",
  "412": "incomplete command",
  "413": "request entity too large",
  "414": "URI too long",
  "415": "unsupported media type or format",
  "416": "requested size too big",
  "418": "already exists",
  "420": "device full",
  "424": "size mismatch",
  "425": "permission denied",
  "500": "command failed",
  "503": "service unavailable",
  "506": "processing error",
  "507": "atomic failed",
  "510": "data store failure",
  "516": "atomic roll back failed",
};

export interface Report {
  generated: string;
  devices: Array<DeviceRecord & { registered: boolean; authScheme?: string }>;
}

export function buildReport(stateDir: string, now = new Date()): Report {
  const registry = new DeviceRegistry(stateDir);
  const all = registry.all();
  const records = new RecordStore(stateDir).all();
  const seen = new Set(records.map((r) => r.deviceId));
  const devices: Report["devices"] = records.map((r) => ({ ...r, registered: r.deviceId in all, ...(all[r.deviceId] ? { authScheme: all[r.deviceId].authScheme } : {}) }));
  for (const id of Object.keys(all).sort()) {
    if (!seen.has(id)) devices.push({ deviceId: id, devInfo: {}, sessions: [], alerts: [], notifications: [], jobs: {}, registered: true, authScheme: all[id].authScheme });
  }
  return { generated: now.toISOString(), devices };
}

function statusLine(code: string | undefined): string {
  if (code === undefined) return "";
  return `${code} ${STATUS_TEXT[code] ?? ""}`.trim();
}

function clip(s: string, n = 120): string {
  const one = s.replace(/\s+/g, " ");
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}

function commandLines(c: CommandRecord, indent: string, out: string[]): void {
  const what = c.kind === "Alert" ? `Alert ${c.targets[0]}` : `${c.kind} ${c.targets.join(", ")}${c.sources ? ` <- ${c.sources.join(", ")}` : ""}`;
  const answer = c.state === "answered" ? statusLine(c.status) : c.state;
  out.push(`${indent}${c.path.padEnd(6)} ${what.trimEnd()}  =>  ${answer}${c.note ? ` (${c.note})` : ""}`);
  if (c.statusItems?.length) out.push(`${indent}       answer: ${c.statusItems.map((s) => JSON.stringify(s)).join(", ")}`);
  for (const r of c.results ?? []) {
    const meta = [r.format, r.type].filter(Boolean).join(", ");
    const data = r.data === undefined ? "(no data)" : r.dataEncoding === "base64" ? `[base64] ${clip(r.data)}` : clip(r.data);
    out.push(`${indent}       ${r.source ?? "?"}${meta ? ` (${meta})` : ""} = ${data}${r.sizeMismatch ? ` [size ${r.sizeMismatch.received}, announced ${r.sizeMismatch.announced}]` : ""}`);
  }
  for (const child of c.children ?? []) commandLines(child, indent + "  ", out);
}

export function formatReport(report: Report): string {
  const out: string[] = [];
  if (report.devices.length === 0) return "no devices\n";
  for (const d of report.devices) {
    out.push(`device ${d.deviceId}${d.registered ? ` (auth ${d.authScheme})` : " (not registered)"}`);
    if (d.lastSeen) out.push(`  last seen ${d.lastSeen}`);
    const info = Object.entries(d.devInfo);
    if (info.length) out.push(`  DevInfo: ${info.map(([k, v]) => `${k.replace(/^\.\/DevInfo\//, "")}=${JSON.stringify(v)}`).join(" ")}`);
    for (const s of d.sessions.slice(-5)) {
      out.push(`  session ${s.sessionId} ${s.started}: ${s.outcome}${s.alert ? `, alert ${s.alert}` : ""}, ${s.encoding}, ${s.messages} message(s)${s.note ? ` (${s.note})` : ""}`);
    }
    for (const n of d.notifications.slice(-5)) out.push(`  notification ${n.at}: session ${n.sessionId}${n.answered ? `, answered ${n.answered}` : ", not answered yet"}`);
    for (const a of d.alerts.slice(-10)) {
      out.push(`  alert ${a.code} ${a.at}${a.correlator ? ` correlator ${a.correlator}` : ""}: ${a.items.map((i) => `${i.source ?? ""}${i.type ? ` [${i.type}]` : ""} ${clip(i.data ?? "", 60)}`.trim()).join("; ")}`);
    }
    for (const j of Object.values(d.jobs)) {
      out.push(`  job ${j.jobId}: ${j.state}${j.finished ? ` ${j.finished}` : ""}`);
      for (const c of j.commands) commandLines(c, "    ", out);
    }
    out.push("");
  }
  return out.join("\n");
}
