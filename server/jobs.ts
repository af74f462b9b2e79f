// Management jobs as data: the jobs file (schema in server/README.md), validated into typed jobs. Every problem
// is reported at once with its JSON path, so an operator fixes the file in one go. The validator checks what the
// SyncML DTD requires (OMA-TS-DM_RepPro-V1_2 §6), not what a particular device accepts: a test server must be
// able to send, say, an Atomic inside an Atomic to see the device answer 500/507.
import { readFileSync } from "node:fs";
import { base64Decode } from "../agent/bytes/base64.js";

/** The DM formats (OMA-TS-DM_TND-V1_2 §7.7.7.2 Format). */
export const FORMATS = ["b64", "bin", "bool", "chr", "int", "node", "null", "xml", "date", "time", "float"] as const;

export interface JobItem {
  uri: string;
  format?: string;
  type?: string;
  /** Data as text. */
  data?: string;
  /** Data as octets (from `dataBase64`). */
  bytes?: Uint8Array;
}

export type UiAlertCode = 1100 | 1101 | 1102 | 1103 | 1104;

export interface UiAlert {
  kind: "Alert";
  code: UiAlertCode;
  text: string;
  choices?: string[];
  minDT?: number;
  maxDT?: number;
  defaultResponse?: string;
  maxLen?: number;
  inputType?: "A" | "N" | "D" | "T" | "P" | "I";
  echoType?: "T" | "P";
}

export type JobCommand =
  | { kind: "Get"; items: { uri: string }[] }
  | { kind: "Delete"; items: { uri: string }[] }
  | { kind: "Add" | "Replace"; items: JobItem[] }
  | { kind: "Exec"; item: JobItem; correlator?: string }
  | { kind: "Copy"; items: { target: string; source: string }[] }
  | { kind: "Atomic" | "Sequence"; commands: JobCommand[] }
  | UiAlert;

export type JobCommandKind = JobCommand["kind"];

export interface Job {
  id: string;
  /** "*" for every device, else the device ids (SyncHdr Source LocURI) it is for. */
  devices: "*" | string[];
  description?: string;
  /** Skip the rest of the job once a top-level command gets a status of 300 or more. */
  stopOnFailure: boolean;
  commands: JobCommand[];
}

export interface Jobs {
  jobs: Job[];
}

export class JobsError extends Error {
  constructor(readonly problems: string[], source = "jobs") {
    super(`${source} is not a valid jobs file:\n  ${problems.join("\n  ")}`);
    this.name = "JobsError";
  }
}

/** Commands allowed inside a container (SyncML RepPro 1.2 DTD; Sync, Map are not DM commands). */
const INSIDE: Record<"Atomic" | "Sequence", readonly string[]> = {
  Atomic: ["Add", "Replace", "Delete", "Copy", "Atomic", "Sequence", "Get", "Exec", "Alert"],
  Sequence: ["Add", "Replace", "Delete", "Copy", "Atomic", "Get", "Exec", "Alert"],
};
const COMMANDS = ["Get", "Add", "Replace", "Delete", "Exec", "Copy", "Atomic", "Sequence", "Alert"];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

class Checker {
  readonly problems: string[] = [];
  say(path: string, message: string): void {
    this.problems.push(`${path}: ${message}`);
  }

  /** A DM URI as a server addresses nodes: relative (./X or X), no whitespace, no empty segment. */
  uri(v: unknown, path: string): string | undefined {
    if (typeof v !== "string" || v === "") return this.say(path, 'must be a node URI such as "./DevInfo/Man"'), undefined;
    if (v.startsWith("/")) return this.say(path, `"${v}" is absolute; DM URIs are relative ("./..."), OMA-TS-DM_TND §6`), undefined;
    if (/\s/.test(v)) return this.say(path, `"${v}" contains white space (escape it as %20)`), undefined;
    if (/(^|\/)\/|\/$/.test(v.replace(/^\.\//, "").split("?")[0]) && v !== ".") this.say(path, `"${v}" has an empty segment or a trailing "/"`);
    return v;
  }

  keys(o: Obj, allowed: string[], path: string): void {
    for (const k of Object.keys(o)) if (!allowed.includes(k)) this.say(`${path}.${k}`, `unknown field (allowed: ${allowed.join(", ")})`);
  }

  optString(o: Obj, k: string, path: string): string | undefined {
    if (o[k] === undefined) return undefined;
    if (typeof o[k] !== "string") return this.say(`${path}.${k}`, "must be a string"), undefined;
    return o[k] as string;
  }

  optInt(o: Obj, k: string, path: string, min: number): number | undefined {
    if (o[k] === undefined) return undefined;
    const v = o[k];
    if (typeof v !== "number" || !Number.isInteger(v) || v < min) return this.say(`${path}.${k}`, `must be an integer >= ${min}`), undefined;
    return v;
  }

  item(v: unknown, path: string, kind: string): JobItem | undefined {
    if (typeof v === "string") return this.uri(v, path) === undefined ? undefined : { uri: v };
    if (!isObj(v)) return this.say(path, "must be a URI string or an object { uri, format?, type?, data? | dataBase64? }"), undefined;
    this.keys(v, ["uri", "format", "type", "data", "dataBase64"], path);
    const uri = this.uri(v.uri, `${path}.uri`);
    const format = this.optString(v, "format", path);
    if (format !== undefined && !(FORMATS as readonly string[]).includes(format)) this.say(`${path}.format`, `"${format}" is not a DM format (${FORMATS.join(", ")})`);
    const type = this.optString(v, "type", path);
    const data = this.optString(v, "data", path);
    let bytes: Uint8Array | undefined;
    if (v.dataBase64 !== undefined) {
      if (data !== undefined) this.say(path, "give data or dataBase64, not both");
      if (typeof v.dataBase64 !== "string" || !(bytes = base64Decode(v.dataBase64))) this.say(`${path}.dataBase64`, "must be Base64 text");
      else if (format !== undefined && format !== "bin" && format !== "b64") this.say(`${path}.format`, 'dataBase64 is binary: use format "bin" or "b64"');
    }
    if (format === "node" && (data !== undefined || bytes)) this.say(path, 'an interior node (format "node") has no data');
    if ((kind === "Replace") && data === undefined && !bytes) this.say(path, "Replace needs data or dataBase64");
    if (uri === undefined) return undefined;
    const out: JobItem = { uri };
    if (format !== undefined) out.format = format;
    if (type !== undefined) out.type = type;
    if (data !== undefined) out.data = data;
    if (bytes) out.bytes = bytes;
    return out;
  }

  list<T>(v: unknown, path: string, one: (x: unknown, p: string) => T | undefined): T[] {
    const xs = Array.isArray(v) ? v : [v];
    if (xs.length === 0) this.say(path, "must not be empty");
    const out: T[] = [];
    xs.forEach((x, i) => {
      const r = one(x, Array.isArray(v) ? `${path}[${i}]` : path);
      if (r !== undefined) out.push(r);
    });
    return out;
  }

  alert(v: unknown, path: string): UiAlert | undefined {
    if (!isObj(v)) return this.say(path, "must be an object { code, text, ... }"), undefined;
    this.keys(v, ["code", "text", "choices", "minDT", "maxDT", "defaultResponse", "maxLen", "inputType", "echoType"], path);
    const code = v.code;
    if (code !== 1100 && code !== 1101 && code !== 1102 && code !== 1103 && code !== 1104) {
      this.say(`${path}.code`, "must be a user interaction alert: 1100 display, 1101 confirm, 1102 text input, 1103 single choice, 1104 multiple choice (OMA-TS-DM_Protocol §2.5)");
      return undefined;
    }
    const text = this.optString(v, "text", path);
    if (text === undefined) this.say(`${path}.text`, "is required (the text shown to the user)");
    const out: UiAlert = { kind: "Alert", code, text: text ?? "" };
    if (v.choices !== undefined) {
      if (code !== 1103 && code !== 1104) this.say(`${path}.choices`, "only alerts 1103 and 1104 have choices");
      else if (!Array.isArray(v.choices) || v.choices.length === 0 || !v.choices.every((c) => typeof c === "string")) this.say(`${path}.choices`, "must be a non-empty array of strings");
      else out.choices = v.choices as string[];
    } else if (code === 1103 || code === 1104) this.say(`${path}.choices`, `alert ${code} needs choices`);
    const minDT = this.optInt(v, "minDT", path, 1);
    const maxDT = this.optInt(v, "maxDT", path, 1);
    const maxLen = this.optInt(v, "maxLen", path, 1);
    if (minDT !== undefined) out.minDT = minDT;
    if (maxDT !== undefined) out.maxDT = maxDT;
    if (maxLen !== undefined) {
      if (code !== 1102) this.say(`${path}.maxLen`, "only alert 1102 (text input) has maxLen");
      out.maxLen = maxLen;
    }
    const dr = this.optString(v, "defaultResponse", path);
    if (dr !== undefined) out.defaultResponse = dr;
    const it = this.optString(v, "inputType", path);
    if (it !== undefined) {
      if (code !== 1102 || !["A", "N", "D", "T", "P", "I"].includes(it)) this.say(`${path}.inputType`, "alert 1102 only: one of A (alphanumeric), N (numeric), D (date), T (time), P (phone number), I (IP address)");
      else out.inputType = it as UiAlert["inputType"];
    }
    const et = this.optString(v, "echoType", path);
    if (et !== undefined) {
      if (code !== 1102 || (et !== "T" && et !== "P")) this.say(`${path}.echoType`, "alert 1102 only: T (text) or P (password)");
      else out.echoType = et;
    }
    return out;
  }

  command(v: unknown, path: string, parent?: "Atomic" | "Sequence"): JobCommand | undefined {
    if (!isObj(v)) return this.say(path, `must be an object with one command key (${COMMANDS.join(", ")})`), undefined;
    const keys = Object.keys(v);
    if (keys.length !== 1 || !COMMANDS.includes(keys[0])) {
      return this.say(path, `must have exactly one key, a command: ${COMMANDS.join(", ")} (found: ${keys.join(", ") || "none"})`), undefined;
    }
    const kind = keys[0];
    const p = `${path}.${kind}`;
    const body = v[kind];
    if (parent && !INSIDE[parent].includes(kind)) return this.say(p, `${kind} cannot be inside ${parent}`), undefined;
    switch (kind) {
      case "Get":
      case "Delete": {
        const items = this.list(body, p, (x, q) => (isObj(x) ? (this.keys(x, ["uri"], q), this.uri(x.uri, `${q}.uri`)) : this.uri(x, q)));
        return { kind, items: items.map((uri) => ({ uri })) };
      }
      case "Add":
      case "Replace":
        return { kind, items: this.list(body, p, (x, q) => this.item(x, q, kind)) };
      case "Exec": {
        let correlator: string | undefined;
        if (isObj(body)) {
          correlator = this.optString(body, "correlator", p);
          const { correlator: _c, ...rest } = body;
          void _c;
          const item = this.item(rest, p, kind);
          return item && { kind, item, ...(correlator !== undefined ? { correlator } : {}) };
        }
        const item = this.item(body, p, kind);
        return item && { kind, item };
      }
      case "Copy": {
        const items = this.list(body, p, (x, q) => {
          if (!isObj(x)) return this.say(q, "must be an object { target, source }"), undefined;
          this.keys(x, ["target", "source"], q);
          const target = this.uri(x.target, `${q}.target`);
          const source = this.uri(x.source, `${q}.source`);
          return target !== undefined && source !== undefined ? { target, source } : undefined;
        });
        return { kind, items };
      }
      case "Atomic":
      case "Sequence": {
        if (!Array.isArray(body) || body.length === 0) return this.say(p, "must be a non-empty array of commands"), undefined;
        const commands: JobCommand[] = [];
        body.forEach((c, i) => {
          const r = this.command(c, `${p}[${i}]`, kind);
          if (r) commands.push(r);
        });
        return { kind, commands };
      }
      default:
        return this.alert(body, p);
    }
  }
}

/** Validates parsed JSON as a jobs file; throws JobsError listing every problem. */
export function validateJobs(input: unknown, source = "jobs"): Jobs {
  const c = new Checker();
  if (!isObj(input) || !Array.isArray(input.jobs)) throw new JobsError(['top level: must be an object { "jobs": [ ... ] }'], source);
  c.keys(input, ["jobs"], "top level");
  const ids = new Set<string>();
  const jobs: Job[] = [];
  input.jobs.forEach((j, i) => {
    const path = `jobs[${i}]`;
    if (!isObj(j)) return c.say(path, "must be an object { id?, device, commands }");
    c.keys(j, ["id", "device", "description", "stopOnFailure", "commands"], path);
    const id = j.id === undefined ? `job-${i + 1}` : j.id;
    if (typeof id !== "string" || id === "") c.say(`${path}.id`, "must be a non-empty string");
    else if (ids.has(id)) c.say(`${path}.id`, `"${id}" is used by another job (ids must be unique)`);
    else ids.add(id);
    let devices: "*" | string[] = [];
    const d = j.device;
    if (d === "*") devices = "*";
    else if (typeof d === "string" && d !== "") devices = [d];
    else if (Array.isArray(d) && d.length > 0 && d.every((x) => typeof x === "string" && x !== "")) devices = d as string[];
    else c.say(`${path}.device`, 'must be "*" (every device), a device id such as "IMEI:490154203237518", or an array of ids');
    const description = c.optString(j, "description", path);
    if (j.stopOnFailure !== undefined && typeof j.stopOnFailure !== "boolean") c.say(`${path}.stopOnFailure`, "must be true or false");
    if (!Array.isArray(j.commands) || j.commands.length === 0) return c.say(`${path}.commands`, "must be a non-empty array of commands");
    const commands: JobCommand[] = [];
    j.commands.forEach((x, k) => {
      const r = c.command(x, `${path}.commands[${k}]`);
      if (r) commands.push(r);
    });
    jobs.push({ id: String(id), devices, ...(description !== undefined ? { description } : {}), stopOnFailure: j.stopOnFailure === true, commands });
  });
  if (c.problems.length) throw new JobsError(c.problems, source);
  return { jobs };
}

export function loadJobsFile(file: string): Jobs {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new JobsError([(e as Error).message], file);
  }
  return validateJobs(parsed, file);
}

export function jobApplies(job: Job, deviceId: string): boolean {
  return job.devices === "*" || job.devices.includes(deviceId);
}
