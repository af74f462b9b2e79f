// One OMA DM session on the server side (OMA-TS-DM_Protocol-V1_2 §2): a state machine that takes the device's
// decoded messages and returns the server's replies, sans I/O except the state files (registry, records).
//
//   package 1 (Alert 1200/1201, DevInfo, credentials)  ->  package 2: Status, the first job commands, Final
//   package 3 (Status, Results)                         ->  package 4: the next job commands, Final ... and so on
//   ... when no job command is left                     ->  a message with only Status and Final: the device
//                                                           answers nothing and the session is over (§2.3.6).
//
// Client authentication is checked on the first message (basic, MD5 digest) or on every message (HMAC); the
// server proves itself with a Cred in its SyncHdr until the device answers 212, or with its own HMAC header.
import { createHash } from "node:crypto";
import { base64Decode, base64Encode } from "../agent/bytes/base64.js";
import type {
  AlertCommand, Command, Cred, Encoding, Item, Meta, ResultsCommand, StatusCommand, SyncHdr, SyncMLMessage,
} from "../agent/syncml/index.js";
import {
  AUTH_TYPE, basicCredential, formatHmacHeader, hmacMac, hmacMatches, md5Credential, parseBasicCredential,
  parseHmacHeader, sameText, schemeOfType, type AuthScheme,
} from "./auth.js";
import { ChunkBuffer, resultItem, sizeMismatch } from "./incoming.js";
import { chunkable, dataSize, itemPayload, nextChunk, placeCommand } from "./job-commands.js";
import { jobApplies, type Job, type JobCommand, type JobItem, type Jobs } from "./jobs.js";
import {
  newJobRecord, jobFingerprint, type CommandRecord, type DeviceRecord, type JobRecord, type RecordStore,
  type SessionOutcome, type SessionRecord,
} from "./records.js";
import { newNonce, nonceBytes, type DeviceEntry, type DeviceRegistry } from "./registry.js";
import { encodeMessage } from "./wire.js";

export interface SessionLimits {
  /** The largest message the server accepts (its own MaxMsgSize, sent to the device). */
  maxMsgSize: number;
  /** The largest object the server reassembles from chunks (its own MaxObjSize). */
  maxObjSize: number;
  /** Messages the server sends when the device gave no MaxMsgSize. */
  defaultClientMaxMsgSize: number;
  /** Failed authentications in one session before the server gives up on it. */
  maxAuthAttempts: number;
}

export interface ServerEvent {
  at: number;
  type: string;
  deviceId?: string;
  sessionId?: string;
  detail?: Record<string, unknown>;
}

export interface SessionContext {
  registry: DeviceRegistry;
  records: RecordStore;
  jobs(): Jobs;
  /** The server's own ServerID, used when the device is unknown. */
  serverId: string;
  limits: SessionLimits;
  now(): number;
  event(e: Omit<ServerEvent, "at">): void;
}

export interface Incoming {
  msg: SyncMLMessage;
  /** The request body as received (the HMAC covers it). */
  body: Uint8Array;
  encoding: Encoding;
  /** The x-syncml-hmac request header, if any. */
  hmac?: string;
}

export interface Outgoing {
  body: Uint8Array;
  /** The x-syncml-hmac response header, when the server authenticates by HMAC. */
  hmac?: string;
}

/** A top-level job command waiting to be sent. */
interface Unit {
  job: Job;
  jobRecord: JobRecord;
  spec: JobCommand;
  record: CommandRecord;
}

/** A large object the server is sending in chunks (§2.2). */
interface OutChunk {
  unit: Unit;
  data: string | Uint8Array;
  meta?: Meta;
  offset: number;
  size: number;
  b64: boolean;
}

type AuthOutcome = { ok: true; code: "200" | "212"; chal?: Meta } | { ok: false; code: "401" | "407"; chal: Meta };

const SESSION_ALERTS = ["1200", "1201"];
const DEVINFO = /^(\.\/)?DevInfo(\/|$)/;

const iso = (ms: number) => new Date(ms).toISOString();
const hashOf = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

function resetRecord(r: CommandRecord): void {
  r.state = "pending";
  delete r.status;
  delete r.statusItems;
  delete r.results;
  delete r.msgId;
  delete r.cmdId;
  delete r.sessionId;
  delete r.note;
  r.children?.forEach(resetRecord);
}

function forEachRecord(r: CommandRecord, f: (r: CommandRecord) => void): void {
  f(r);
  r.children?.forEach((c) => forEachRecord(c, f));
}

function statusFor(h: SyncHdr, c: { cmdId: string; kind: string; name?: string }, code: string, items: Item[] = []): StatusCommand {
  return { kind: "Status", cmdId: "", msgRef: h.msgId, cmdRef: c.cmdId, cmd: c.name ?? c.kind, targetRefs: [], sourceRefs: [], data: code, items };
}

export class DmSession {
  readonly key: string;
  readonly deviceId: string;
  readonly sessionId: string;
  /** The encoding of the device's latest message: the reply uses the same (OMA-TS-DM_RepPro §2.1). */
  private encoding: Encoding;
  lastActivity: number;
  /** Set once the session is over; the server keeps it a little longer to answer a retransmission. */
  closed?: SessionOutcome;

  private authenticated = false;
  private authFailures = 0;
  private scheme: AuthScheme | undefined;
  /** HMAC: the nonce that authenticated the first message (still accepted beside the newly issued one). */
  private sessionNonce?: Uint8Array;
  private serverAccepted = false;
  private serverRejections = 0;
  private nextMsgId = 1;
  private lastServerMsgId = "0";
  private clientMaxMsgSize?: number;
  private clientMaxObjSize?: number;
  private clientTarget = "";
  private queue: Unit[] = [];
  private readonly sent = new Map<string, CommandRecord>();
  private lastUnits: Unit[] = [];
  private outChunk?: OutChunk;
  private readonly incoming = new ChunkBuffer();
  private last?: { msgId: string; hash: string; out: Outgoing };
  private record: DeviceRecord;
  private sessionRecord: SessionRecord;
  private jobsOpened = false;
  private limitsSent = false;
  /** The last message carried a chunk with MoreData: the device's reply asks for the next one. */
  private chunkInFlight = false;
  private serverNonceChanged = false;
  private readonly running = new Map<JobRecord, Job>();

  constructor(private readonly ctx: SessionContext, deviceId: string, sessionId: string, encoding: Encoding) {
    this.deviceId = deviceId;
    this.sessionId = sessionId;
    this.encoding = encoding;
    this.key = DmSession.keyOf(deviceId, sessionId);
    this.lastActivity = ctx.now();
    this.record = ctx.records.load(deviceId);
    this.sessionRecord = { sessionId, started: iso(this.lastActivity), outcome: "open", encoding, messages: 0 };
  }

  static keyOf(deviceId: string, sessionId: string): string {
    return `${deviceId}\n${sessionId}`;
  }

  private event(type: string, detail?: Record<string, unknown>): void {
    this.ctx.event({ type, deviceId: this.deviceId, sessionId: this.sessionId, ...(detail ? { detail } : {}) });
  }

  /** Handles one message of the device and returns the server's reply. Never throws for protocol problems. */
  handle(inc: Incoming): Outgoing {
    const now = this.ctx.now();
    this.lastActivity = now;
    this.encoding = inc.encoding;
    const h = inc.msg.header;
    const hash = hashOf(inc.body);
    // A retransmitted message (the reply got lost) gets the same reply, and changes nothing.
    if (this.last && this.last.msgId === h.msgId && this.last.hash === hash) {
      this.event("retransmission", { msgId: h.msgId });
      return this.last.out;
    }
    if (this.closed) return this.remember(h, hash, this.refuse(h, "1223"));
    this.sessionRecord.messages++;
    this.record.lastSeen = iso(now);
    this.record.firstSeen ??= iso(now);
    if (h.meta?.maxMsgSize) this.clientMaxMsgSize = h.meta.maxMsgSize;
    if (h.meta?.maxObjSize) this.clientMaxObjSize = h.meta.maxObjSize;
    if (h.target.locURI) this.clientTarget = h.target.locURI;
    if (this.sessionRecord.messages === 1) {
      const opens = inc.msg.body.commands.some((c) => c.kind === "Alert" && SESSION_ALERTS.includes(c.data ?? ""));
      if (h.msgId !== "1" && !opens) {
        // A message in the middle of a session this server does not have (it expired, or the server restarted).
        this.event("unknown-session", { msgId: h.msgId });
        const out = this.refuse(h, "1223");
        this.close("aborted-by-server", "message for a session the server does not know");
        return this.remember(h, hash, out);
      }
      this.record.sessions.push(this.sessionRecord);
    }

    const entry = this.ctx.registry.get(this.deviceId);
    const auth = this.authenticate(inc, entry);
    let out: Outgoing;
    if (!auth.ok) out = this.authFailure(inc, entry, auth);
    else out = this.process(inc, entry!, auth);
    this.save();
    return this.remember(h, hash, out);
  }

  private remember(h: SyncHdr, hash: string, out: Outgoing): Outgoing {
    this.last = { msgId: h.msgId, hash, out };
    return out;
  }

  // ---------------------------------------------------------------- authentication (OMA-TS-DM_Security §5.1)

  private challenge(scheme: AuthScheme, entry: DeviceEntry | undefined): Meta {
    if (scheme === "basic") return { type: AUTH_TYPE.basic, format: "b64" };
    const nonce = newNonce();
    // Persisted before the reply leaves: the device's next digest must meet the nonce the server will check.
    if (entry) this.ctx.registry.setClientNonce(this.deviceId, nonce);
    return { type: AUTH_TYPE[scheme], format: "b64", nextNonce: base64Encode(nonce) };
  }

  private authenticate(inc: Incoming, entry: DeviceEntry | undefined): AuthOutcome {
    const h = inc.msg.header;
    const scheme = entry?.authScheme ?? "md5";
    if (this.authenticated && scheme !== "hmac") return { ok: true, code: "200" };
    const fail = (code: "401" | "407", why: string): AuthOutcome => {
      this.event("auth-failed", { code, why });
      return { ok: false, code, chal: this.challenge(scheme, entry) };
    };
    if (scheme === "hmac") {
      if (!inc.hmac) return fail("407", "no x-syncml-hmac header");
      const p = parseHmacHeader(inc.hmac);
      if (!p) return fail("401", "x-syncml-hmac header does not parse");
      if (p.algorithm !== undefined && p.algorithm.toUpperCase() !== "MD5") return fail("401", `HMAC algorithm ${p.algorithm} is not MD5`);
      if (!entry) return fail("401", "unknown device");
      if (!sameText(p.username, entry.clientName)) return fail("401", "HMAC username is not the device's name");
      const current = nonceBytes(entry.clientNonce);
      const nonces = this.sessionNonce ? [this.sessionNonce, current] : [current];
      const used = nonces.find((n) => hmacMatches(p.mac, entry.clientName, entry.clientSecret, n, inc.body));
      if (!used) return fail("401", "HMAC does not match");
      if (this.authenticated) return { ok: true, code: "200" };
      this.sessionNonce = used;
      this.authenticated = true;
      this.scheme = "hmac";
      // 200, not 212: with HMAC every message is authenticated, so authentication is never "done" (§5.1.4).
      return { ok: true, code: "200", chal: this.challenge("hmac", entry) };
    }
    const cred = h.cred;
    if (!cred || !cred.data) return fail("407", "no credentials");
    const credScheme = schemeOfType(cred.meta?.type) ?? (cred.meta?.type === undefined ? "basic" : undefined); // RepPro: default type is basic
    if (!entry) return fail("401", "unknown device");
    if (credScheme !== scheme) return fail("401", `credentials of type ${cred.meta?.type ?? "(none)"}, expected ${AUTH_TYPE[scheme]}`);
    if (scheme === "basic") {
      const b = parseBasicCredential(cred.data);
      if (!b || !sameText(b.name, entry.clientName) || !sameText(b.password, entry.clientSecret)) return fail("401", "wrong name or password");
    } else {
      // The user id travels in Source LocName (OMA-TS-DM_Security §5.1.3.1); when given it must be the device's.
      if (h.source.locName !== undefined && !sameText(h.source.locName, entry.clientName)) return fail("401", "LocName is not the device's name");
      const expected = md5Credential(entry.clientName, entry.clientSecret, nonceBytes(entry.clientNonce));
      if (!sameText(cred.data, expected)) return fail("401", "digest does not match (wrong password or stale nonce)");
    }
    this.authenticated = true;
    this.scheme = scheme;
    // 212: no further authentication this session; with MD5 a Chal carries the nonce for the next one (§2.4.1).
    return { ok: true, code: "212", ...(scheme === "md5" ? { chal: this.challenge("md5", entry) } : {}) };
  }

  private authFailure(inc: Incoming, entry: DeviceEntry | undefined, auth: Extract<AuthOutcome, { ok: false }>): Outgoing {
    const h = inc.msg.header;
    this.authFailures++;
    const hdr = this.headerStatus(h, auth.code, auth.chal);
    // Only Status: one for every command received, none of them executed (OMA-TS-DM_Protocol §2.4.1).
    const statuses = [hdr];
    for (const c of inc.msg.body.commands) {
      if (c.kind !== "Status" && c.kind !== "Results" && !("noResp" in c && c.noResp)) statuses.push(statusFor(h, c as Command & { name?: string }, auth.code));
    }
    if (this.authFailures >= this.ctx.limits.maxAuthAttempts) this.close("auth-failed", `${this.authFailures} failed authentications`);
    // The server's own Cred goes along: a device that authenticates the server can store the new nonce safely
    // (OMA-TS-DM_Security §5.1.3.4 warns against taking nonces from unauthenticated agents).
    return this.compose(entry, { statuses, final: true, commands: false });
  }

  private headerStatus(h: SyncHdr, code: string, chal?: Meta): StatusCommand {
    return {
      kind: "Status", cmdId: "", msgRef: h.msgId, cmdRef: "0", cmd: "SyncHdr",
      targetRefs: [h.target.locURI], sourceRefs: [h.source.locURI], data: code, items: [], ...(chal ? { chal } : {}),
    };
  }

  // ---------------------------------------------------------------- the device's commands

  private process(inc: Incoming, entryIn: DeviceEntry, auth: Extract<AuthOutcome, { ok: true }>): Outgoing {
    const h = inc.msg.header;
    let entry = entryIn;
    if (!this.sessionRecord.auth) this.sessionRecord.auth = this.scheme ?? entry.authScheme;
    const statuses: StatusCommand[] = [this.headerStatus(h, auth.code, auth.chal)];
    let abortedByClient = false;
    let clientRejected = false;
    const say = (c: Command & { noResp?: boolean }, code: string, items?: Item[]) => {
      if (!c.noResp) statuses.push(statusFor(h, c as Command & { name?: string }, code, items));
    };
    for (const c of inc.msg.body.commands) {
      switch (c.kind) {
        case "Status":
          if (c.cmd === "SyncHdr" || c.cmdRef === "0") clientRejected = this.serverAuthFeedback(c) || clientRejected;
          else this.takeStatus(c);
          break;
        case "Results":
          this.takeResults(c);
          break;
        case "Alert":
          if (c.data === "1223") abortedByClient = true;
          say(c, this.takeAlert(c, h));
          break;
        case "Replace":
          say(c, this.takeDevInfo(c));
          break;
        default:
          // A DM client sends only Replace (DevInfo), Results, Alert and Status (§2.3).
          this.event("unexpected-command", { command: c.kind === "Unsupported" ? c.name : c.kind });
          say(c, "406");
      }
    }
    // A nonce the device just issued to the server is the one its next credentials use (§2.4.1).
    if (this.serverNonceChanged) entry = this.ctx.registry.get(this.deviceId) ?? entry;
    this.serverNonceChanged = false;
    if (this.incoming.bytes > this.ctx.limits.maxObjSize) {
      return this.abort(entry, statuses, `the device's chunked object exceeds ${this.ctx.limits.maxObjSize} octets`);
    }
    if (abortedByClient) {
      // Answer with Status only (§2.3.1.2); the device ignores it.
      const out = this.compose(entry, { statuses, final: true, commands: false });
      this.close("aborted-by-client");
      return out;
    }
    if (clientRejected) {
      if (++this.serverRejections > 2) return this.abort(entry, statuses, "the device refused the server's credentials");
      // Send the refused message's commands again, with credentials from the device's new nonce.
      for (const u of this.lastUnits) if (u.record.state === "sent" || u.record.status === "401" || u.record.status === "407") resetRecord(u.record);
      this.queue.unshift(...this.lastUnits.filter((u) => u.record.state === "pending"));
      this.outChunk = undefined;
    }
    if (!this.jobsOpened) this.openJobs();
    if (!inc.msg.body.final) {
      // The device's package goes on. While the server sends a large object, the reply is its next chunk;
      // otherwise it is the "next message" response: Status, Alert 1222, no commands, no Final (§2.1.2).
      if (this.chunkInFlight) return this.compose(entry, { statuses, commands: true });
      return this.compose(entry, { statuses, alerts: [this.alert("1222")], final: false, commands: false });
    }
    this.afterClientPackage();
    const out = this.compose(entry, { statuses, commands: true });
    return out;
  }

  /** The device's Status on the server's SyncHdr: 212/200 accepted, 401/407 refused; a Chal renews our nonce. */
  private serverAuthFeedback(s: StatusCommand): boolean {
    if (s.chal?.nextNonce) {
      const nonce = base64Decode(s.chal.nextNonce);
      if (nonce) {
        this.ctx.registry.setServerNonce(this.deviceId, nonce);
        this.serverNonceChanged = true;
        this.event("server-nonce", {});
      }
    }
    if (s.data === "212") this.serverAccepted = true;
    const refused = s.data === "401" || s.data === "407";
    if (refused) this.event("server-auth-refused", { code: s.data });
    return refused;
  }

  private takeStatus(s: StatusCommand): void {
    const rec = this.sent.get(`${s.msgRef}:${s.cmdRef}`);
    if (!rec) {
      this.event("status-unmatched", { msgRef: s.msgRef, cmdRef: s.cmdRef, code: s.data });
      return;
    }
    if (s.data === "213" && this.outChunk && this.outChunk.unit.record === rec) return; // chunk buffered
    if (this.outChunk && this.outChunk.unit.record === rec) this.outChunk = undefined; // refused mid-object
    rec.status = s.data;
    rec.state = "answered";
    const items = s.items.map((i) => (typeof i.data === "string" ? i.data : i.data instanceof Uint8Array ? base64Encode(i.data) : "")).filter((d) => d !== "");
    if (items.length) rec.statusItems = items;
    this.event("status", { path: rec.path, kind: rec.kind, code: s.data });
  }

  private takeResults(r: ResultsCommand): void {
    const ref = `${r.msgRef || this.lastServerMsgId}:${r.cmdRef}`;
    const rec = this.sent.get(ref);
    if (!rec) this.event("results-unmatched", { ref });
    for (const item of r.items) {
      const key = `results|${ref}|${item.source?.locURI ?? ""}`;
      const whole = this.incoming.take(key, item);
      if (!whole) continue; // more chunks to come; Results get no Status (§2.1.1)
      const out = resultItem(whole.item, r.meta, whole.data);
      const mismatch = sizeMismatch(whole, out.format);
      if (mismatch) out.sizeMismatch = mismatch;
      if (rec) (rec.results ??= []).push(out);
    }
    if (rec) this.event("results", { path: rec.path, items: r.items.length });
  }

  private takeAlert(a: AlertCommand, h: SyncHdr): string {
    const code = a.data ?? "";
    if (SESSION_ALERTS.includes(code)) {
      this.sessionRecord.alert = code;
      if (code === "1200") {
        for (const n of this.record.notifications) if (!n.answered && n.sessionId.toUpperCase() === h.sessionId.toUpperCase()) n.answered = iso(this.ctx.now());
      }
      return "200";
    }
    if (code === "1222" || code === "1223") return "200";
    if (/^110[0-4]$/.test(code)) return "406"; // user interaction alerts go from server to client only (§2.5.2)
    if (code === "1225") this.event("chunk-incomplete", {}); // the device lost one of our chunks
    // Client event (1224), generic alert (1226) and anything else: recorded, accepted (§2.3.7: 200).
    this.record.alerts.push({
      at: iso(this.ctx.now()), sessionId: this.sessionId, code,
      ...(a.correlator !== undefined ? { correlator: a.correlator } : {}),
      items: a.items.map((i) => resultItem(i, undefined)),
    });
    this.event("alert", { code });
    return "200";
  }

  private takeDevInfo(r: Command & { kind: "Replace" }): string {
    let code = "200";
    for (const item of r.items) {
      const uri = item.source?.locURI ?? item.target?.locURI ?? "";
      if (!DEVINFO.test(uri)) {
        code = "406"; // a client replaces only DevInfo on the server (§2.3.3)
        continue;
      }
      const whole = this.incoming.take(`devinfo|${uri}`, item);
      if (!whole) {
        code = "213"; // chunk accepted and buffered (§2.2)
        continue;
      }
      const key = uri.startsWith("./") ? uri : `./${uri}`;
      this.record.devInfo[key] = resultItem(whole.item, r.meta, whole.data).data ?? "";
    }
    if (this.record.devInfo["./DevInfo/DevId"] !== undefined && this.record.devInfo["./DevInfo/DevId"] !== this.deviceId) {
      this.event("devid-mismatch", { devId: this.record.devInfo["./DevInfo/DevId"] });
    }
    return code;
  }

  // ---------------------------------------------------------------- jobs

  private openJobs(): void {
    this.jobsOpened = true;
    const now = iso(this.ctx.now());
    for (const job of this.ctx.jobs().jobs) {
      if (!jobApplies(job, this.deviceId)) continue;
      let jr = this.record.jobs[job.id];
      if (!jr || (jr.fingerprint !== jobFingerprint(job) && jr.state !== "done" && jr.state !== "stopped")) jr = this.record.jobs[job.id] = newJobRecord(job);
      if (jr.state === "done" || jr.state === "stopped") continue;
      jr.state = "running";
      jr.started ??= now;
      this.running.set(jr, job);
      job.commands.forEach((spec, i) => {
        const record = jr!.commands[i];
        if (record.state === "answered" || record.state === "skipped" || record.state === "not-sendable") return;
        resetRecord(record);
        this.queue.push({ job, jobRecord: jr!, spec, record });
      });
      this.finishJob(jr);
    }
    this.event("jobs", { commands: this.queue.length });
  }

  private finishJob(jr: JobRecord): void {
    if (jr.state !== "running") return;
    const open = jr.commands.some((c) => c.state === "pending" || c.state === "sent");
    if (open) return;
    jr.state = jr.commands.some((c) => c.state === "skipped") ? "stopped" : "done";
    jr.finished = iso(this.ctx.now());
    this.event("job-finished", { job: jr.jobId, state: jr.state });
  }

  /** After a complete package of the device: stop failed jobs that asked for it, close finished ones. */
  private afterClientPackage(): void {
    for (const [jr, job] of this.running) {
      if (job.stopOnFailure && jr.commands.some((c) => c.status !== undefined && Number(c.status) >= 300)) {
        for (const u of this.queue) if (u.jobRecord === jr) u.record.state = "skipped";
        this.queue = this.queue.filter((u) => u.jobRecord !== jr);
      }
      this.finishJob(jr);
    }
  }

  // ---------------------------------------------------------------- composing the server's messages

  private alert(code: string): AlertCommand {
    return { kind: "Alert", cmdId: "", data: code, items: [] };
  }

  private encode(msg: SyncMLMessage): Uint8Array {
    return encodeMessage(msg, this.encoding);
  }

  /** Whether `body` is the message this session answered last (a retransmission gets the same reply). */
  isRetransmission(msgId: string, body: Uint8Array): boolean {
    return !!this.last && this.last.msgId === msgId && this.last.hash === hashOf(body);
  }

  private budget(): number {
    return Math.min(this.clientMaxMsgSize ?? this.ctx.limits.defaultClientMaxMsgSize, this.ctx.limits.maxMsgSize);
  }

  private serverCred(entry: DeviceEntry): Cred | undefined {
    if (entry.authScheme === "hmac") return undefined;
    const name = entry.serverName ?? entry.serverId;
    const data = entry.authScheme === "basic" ? basicCredential(name, entry.serverSecret) : md5Credential(name, entry.serverSecret, nonceBytes(entry.serverNonce));
    return { meta: { format: "b64", type: AUTH_TYPE[entry.authScheme] }, data };
  }

  private compose(
    entry: DeviceEntry | undefined,
    o: { statuses: StatusCommand[]; alerts?: AlertCommand[]; final?: boolean; commands: boolean; credentials?: boolean },
  ): Outgoing {
    const msgId = String(this.nextMsgId++);
    this.lastServerMsgId = msgId;
    const header: SyncHdr = {
      verDTD: "1.2", verProto: "DM/1.2", sessionId: this.sessionId, msgId,
      target: { locURI: this.deviceId },
      source: { locURI: this.clientTarget || this.ctx.serverId, ...(entry ? { locName: entry.serverName ?? entry.serverId } : {}) },
    };
    if (entry && o.credentials !== false && !this.serverAccepted) {
      const cred = this.serverCred(entry);
      if (cred) header.cred = cred;
    }
    // The server's own limits, until the device has had them in an authenticated reply (§2.2 MaxObjSize).
    if (!this.limitsSent) header.meta = { maxMsgSize: this.ctx.limits.maxMsgSize, maxObjSize: this.ctx.limits.maxObjSize };
    this.limitsSent = this.authenticated;
    this.chunkInFlight = false;
    const ids = new IdCounter();
    const commands: Command[] = [];
    for (const s of o.statuses) commands.push({ ...s, cmdId: ids.next() });
    for (const a of o.alerts ?? []) commands.push({ ...a, cmdId: ids.next() });
    const msg: SyncMLMessage = { header, body: { commands, final: o.final ?? true } };
    const units: Unit[] = [];
    if (o.commands) this.fill(msg, ids, units, msgId);
    if (units.length) this.lastUnits = units;
    const body = this.encode(msg);
    const jobCommands = units.length > 0;
    if (o.commands && !jobCommands && !this.outChunk && o.final !== false) {
      // Nothing left to send: this Status-only message ends the session (§2.3.6, step 13).
      this.close("completed");
    }
    this.event("message", { msgId, bytes: body.length, final: msg.body.final, commands: commands.length });
    const out: Outgoing = { body };
    if (entry?.authScheme === "hmac") {
      const name = entry.serverName ?? entry.serverId;
      out.hmac = formatHmacHeader(name, hmacMac(name, entry.serverSecret, nonceBytes(entry.serverNonce), body));
    }
    return out;
  }

  /**
   * Adds job commands to `msg` while it stays within the device's MaxMsgSize: a command never spans messages
   * (§2.1.1), except an Add or Replace too large for any message, which goes as a large object in chunks (§2.2).
   * While chunks remain the message has no Final: the package continues in the next message.
   */
  private fill(msg: SyncMLMessage, ids: IdCounter, units: Unit[], msgId: string): void {
    const budget = this.budget();
    const cmds = msg.body.commands;
    const chunk = (unit: Unit): boolean => {
      if (this.placeChunk(msg, ids, budget, msgId)) units.push(unit);
      msg.body.final = !this.outChunk;
      this.chunkInFlight = !!this.outChunk;
      return !this.outChunk;
    };
    msg.body.final = true;
    if (this.outChunk && !chunk(this.outChunk.unit)) return;
    while (this.queue.length) {
      const unit = this.queue[0];
      const mark = ids.value;
      const placed = placeCommand(unit.spec, unit.record, ids.next, this.encoding);
      cmds.push(placed.command);
      if (this.encode(msg).length <= budget) {
        this.queue.shift();
        for (const r of placed.refs) this.markSent(r.record, msgId, r.cmdId);
        units.push(unit);
        continue;
      }
      cmds.pop();
      ids.value = mark;
      if (units.length > 0) return; // the rest goes in the next package
      this.queue.shift();
      if (!chunkable(unit.spec)) this.notSendable(unit, `does not fit in the device's MaxMsgSize (${budget} octets)`);
      else if (this.startChunk(unit) && !chunk(unit)) return;
    }
  }

  private markSent(r: CommandRecord, msgId: string, cmdId: string): void {
    r.state = "sent";
    r.msgId = msgId;
    r.cmdId = cmdId;
    r.sessionId = this.sessionId;
    this.sent.set(`${msgId}:${cmdId}`, r);
  }

  private notSendable(unit: Unit, why: string): void {
    forEachRecord(unit.record, (r) => {
      r.state = "not-sendable";
      r.note = why;
    });
    this.event("not-sendable", { path: unit.record.path, why });
    this.finishJob(unit.jobRecord);
  }

  private startChunk(unit: Unit): boolean {
    const item = (unit.spec as { items: JobItem[] }).items[0];
    const payload = itemPayload(item, this.encoding);
    const data = payload.data!;
    const size = dataSize(data);
    const maxObj = this.clientMaxObjSize;
    if (maxObj !== undefined && size > maxObj) {
      this.notSendable(unit, `object of ${size} octets exceeds the device's MaxObjSize (${maxObj})`);
      return false;
    }
    this.outChunk = { unit, data, ...(payload.meta ? { meta: payload.meta } : {}), offset: 0, size, b64: payload.meta?.format === "b64" };
    this.event("large-object", { path: unit.record.path, size });
    return true;
  }

  /** Puts the next chunk of the large object in `msg`, as large as the budget allows (§2.2). */
  private placeChunk(msg: SyncMLMessage, ids: IdCounter, budget: number, msgId: string): boolean {
    const oc = this.outChunk!;
    const unit = oc.unit;
    const mark = ids.value;
    const cmdId = ids.next();
    const first = oc.offset === 0;
    const build = (chunk: string | Uint8Array, more: boolean): Command => {
      const meta: Meta = { ...(oc.meta ?? {}), ...(first ? { size: oc.size } : {}) };
      const item: Item = { target: { locURI: (unit.spec as { items: { uri: string }[] }).items[0].uri }, ...(Object.keys(meta).length ? { meta } : {}), data: chunk, ...(more ? { moreData: true } : {}) };
      return { kind: unit.spec.kind as "Add" | "Replace", cmdId, items: [item] };
    };
    msg.body.final = false;
    msg.body.commands.push(build(typeof oc.data === "string" ? "" : new Uint8Array(0), true));
    const overhead = this.encode(msg).length;
    msg.body.commands.pop();
    let room = budget - overhead - 8;
    for (let attempt = 0; attempt < 20 && room > 0; attempt++) {
      const { chunk, end } = nextChunk(oc.data, oc.offset, room, oc.b64);
      const more = end < (typeof oc.data === "string" ? oc.data.length : oc.data.length);
      msg.body.commands.push(build(chunk, more));
      msg.body.final = !more;
      const size = this.encode(msg).length;
      if (size <= budget) {
        this.markSent(unit.record, msgId, cmdId);
        oc.offset = end;
        if (!more) this.outChunk = undefined;
        return true;
      }
      msg.body.commands.pop();
      room -= size - budget + 16; // escaping made it larger than counted: shrink and retry
    }
    ids.value = mark;
    msg.body.final = true;
    this.outChunk = undefined;
    this.notSendable(unit, `no chunk fits in the device's MaxMsgSize (${budget} octets)`);
    return false;
  }

  // ---------------------------------------------------------------- ending

  private abort(entry: DeviceEntry, statuses: StatusCommand[], why: string): Outgoing {
    this.event("abort", { why });
    const out = this.compose(entry, { statuses, alerts: [this.alert("1223")], final: true, commands: false });
    this.close("aborted-by-server", why);
    return out;
  }

  /** A reply to a message for a session that is over: Status on SyncHdr and a session abort. */
  private refuse(h: SyncHdr, alert: string): Outgoing {
    const entry = this.ctx.registry.get(this.deviceId);
    return this.compose(entry, { statuses: [this.headerStatus(h, "200")], alerts: [this.alert(alert)], final: true, commands: false, credentials: false });
  }

  /** Ends the session: commands sent without an answer go back to pending for the next session. */
  close(outcome: SessionOutcome, note?: string): void {
    if (this.closed) return;
    this.closed = outcome;
    for (const u of this.lastUnits) forEachRecord(u.record, (r) => r.state === "sent" && resetRecord(r));
    for (const r of this.sent.values()) if (r.state === "sent") resetRecord(r);
    for (const jr of Object.values(this.record.jobs)) {
      if (jr.state === "running") {
        this.finishJob(jr);
        if (jr.state === "running") jr.state = "pending";
      }
    }
    this.sessionRecord.outcome = outcome;
    this.sessionRecord.ended = iso(this.ctx.now());
    if (note) this.sessionRecord.note = note;
    this.event("session-closed", { outcome, ...(note ? { note } : {}) });
    this.save();
  }

  private save(): void {
    try {
      // Only registered devices get a record file: anything can claim a Source LocURI.
      if (this.ctx.registry.get(this.deviceId)) this.ctx.records.save(this.record);
    } catch (e) {
      this.event("error", { where: "records", message: (e as Error).message });
    }
  }
}

/** CmdIDs of one message: 1, 2, 3 ... (unique within the message, SyncML RepPro §5.1.4); `value` rewinds. */
class IdCounter {
  value = 0;
  readonly next = (): string => String(++this.value);
}
