// What the server learnt from each device, kept in the state directory (records/<device id>.json): DevInfo from
// package 1, the alerts it sent, its sessions, and for every job command the Status and Results it answered.
// `dm-server report` reads these files; the server writes one after every message it handled.
import { createHash } from "node:crypto";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { base64Encode } from "../agent/bytes/base64.js";
import type { Job, JobCommand } from "./jobs.js";
import { fileNameFor, readJson, writeJsonAtomic } from "./state-file.js";

export interface ResultItem {
  source?: string;
  format?: string;
  type?: string;
  /** The data as text; binary data is Base64 (dataEncoding "base64"), an embedded document XML text. */
  data?: string;
  dataEncoding?: "base64" | "xml";
  /** Set when a chunked object's reassembled size did not match its announced Size (OMA-TS-DM_Protocol §2.2). */
  sizeMismatch?: { announced: number; received: number };
}

export type CommandState =
  | "pending" // not sent yet (or sent in a session that ended before the device answered)
  | "sent" // in a message, no Status yet
  | "answered" // the device sent a Status
  | "skipped" // not sent: the job stopped (stopOnFailure)
  | "not-sendable"; // the server could not send it (too large for the device's MaxMsgSize / MaxObjSize)

export interface CommandRecord {
  /** Position in the job: "2" is the second command, "2.1" the first command inside it. */
  path: string;
  kind: JobCommand["kind"];
  /** Target URIs (for Copy, the targets; sources in `sources`); for an Alert, its code. */
  targets: string[];
  sources?: string[];
  state: CommandState;
  sessionId?: string;
  msgId?: string;
  cmdId?: string;
  /** The Status code the device answered, e.g. "200". */
  status?: string;
  /** Item data of the Status (a UI alert's answer: the text typed, the choices made). */
  statusItems?: string[];
  results?: ResultItem[];
  note?: string;
  children?: CommandRecord[];
}

export interface JobRecord {
  jobId: string;
  /** Hash of the job's commands: an edited job (same id, other commands) that never finished starts over. */
  fingerprint: string;
  state: "pending" | "running" | "done" | "stopped";
  started?: string;
  finished?: string;
  commands: CommandRecord[];
}

export interface AlertRecord {
  at: string;
  sessionId: string;
  code: string;
  correlator?: string;
  items: ResultItem[];
}

export type SessionOutcome =
  | "open"
  | "completed" // the server closed it when the jobs were done (step 13)
  | "aborted-by-client" // Alert 1223
  | "aborted-by-server"
  | "auth-failed"
  | "expired" // no message for longer than the session timeout
  | "error";

export interface SessionRecord {
  sessionId: string;
  started: string;
  ended?: string;
  outcome: SessionOutcome;
  /** The session alert of package 1: 1200 (server-initiated) or 1201 (client-initiated). */
  alert?: string;
  encoding: "xml" | "wbxml";
  auth?: string;
  messages: number;
  note?: string;
}

export interface NotificationRecord {
  at: string;
  /** The SessionID text the device will use (upper-case hex, OMA-TS-DM_Notification §6.2.2.10). */
  sessionId: string;
  uiMode: string;
  /** When the device opened that session (Alert 1200 with this SessionID). */
  answered?: string;
}

export interface DeviceRecord {
  deviceId: string;
  firstSeen?: string;
  lastSeen?: string;
  /** ./DevInfo/* as the device reported it in its latest package 1. */
  devInfo: Record<string, string>;
  sessions: SessionRecord[];
  alerts: AlertRecord[];
  notifications: NotificationRecord[];
  jobs: Record<string, JobRecord>;
}

/** Old entries are dropped beyond these counts, so a long-running demo does not grow its files forever. */
const KEEP = { sessions: 100, alerts: 500, notifications: 100 };

export function emptyRecord(deviceId: string): DeviceRecord {
  return { deviceId, devInfo: {}, sessions: [], alerts: [], notifications: [], jobs: {} };
}

export function jobFingerprint(job: Job): string {
  const json = JSON.stringify(job.commands, (_k, v) => (v instanceof Uint8Array ? { b64: base64Encode(v) } : v));
  return createHash("sha256").update(json).digest("hex").slice(0, 16);
}

function commandRecord(c: JobCommand, path: string): CommandRecord {
  switch (c.kind) {
    case "Atomic":
    case "Sequence":
      return { path, kind: c.kind, targets: [], state: "pending", children: c.commands.map((x, i) => commandRecord(x, `${path}.${i + 1}`)) };
    case "Alert":
      return { path, kind: c.kind, targets: [String(c.code)], state: "pending" };
    case "Exec":
      return { path, kind: c.kind, targets: [c.item.uri], state: "pending" };
    case "Copy":
      return { path, kind: c.kind, targets: c.items.map((i) => i.target), sources: c.items.map((i) => i.source), state: "pending" };
    default:
      return { path, kind: c.kind, targets: c.items.map((i) => i.uri), state: "pending" };
  }
}

export function newJobRecord(job: Job): JobRecord {
  return { jobId: job.id, fingerprint: jobFingerprint(job), state: "pending", commands: job.commands.map((c, i) => commandRecord(c, String(i + 1))) };
}

export class RecordStore {
  readonly dir: string;

  constructor(stateDir: string) {
    this.dir = join(stateDir, "records");
  }

  fileOf(deviceId: string): string {
    return join(this.dir, `${fileNameFor(deviceId)}.json`);
  }

  load(deviceId: string): DeviceRecord {
    const r = readJson<DeviceRecord | undefined>(this.fileOf(deviceId), undefined);
    return r && r.deviceId === deviceId ? { ...emptyRecord(deviceId), ...r } : emptyRecord(deviceId);
  }

  save(record: DeviceRecord): void {
    record.sessions = record.sessions.slice(-KEEP.sessions);
    record.alerts = record.alerts.slice(-KEEP.alerts);
    record.notifications = record.notifications.slice(-KEEP.notifications);
    writeJsonAtomic(this.fileOf(record.deviceId), record);
  }

  all(): DeviceRecord[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    const out: DeviceRecord[] = [];
    for (const n of names.filter((n) => n.endsWith(".json")).sort()) {
      const r = readJson<DeviceRecord | undefined>(join(this.dir, n), undefined);
      if (r && typeof r.deviceId === "string") out.push({ ...emptyRecord(r.deviceId), ...r });
    }
    return out;
  }
}
