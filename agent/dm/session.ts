// The DM session engine (DESIGN.md steps 4-6, 10-12), sans IO: server messages in, client messages out. It
// builds package 1, authenticates in both directions, hands management commands to the DPU, answers the
// server's statuses, and packs replies with the Outbox. Everything with an effect (the DPU, nonces and
// alerts in the store, random bytes, traces) comes in through SessionHooks.
import type { TraceValue } from "../../hal/trace.js";
import {
  SyncMLError, decodeMessage, encodeWbxml, encodeXmlBytes,
  type AlertCommand, type Command, type Item, type Limits, type Meta, type StatusCommand, type SyncHdr, type SyncMLMessage,
} from "../syncml/index.js";
import type { AuthEntry, AuthType } from "./account.js";
import { challenge, credFor, hmacHeader, nonceBytes, schemeType, verifyCred, verifyHmac, type Verdict } from "./auth.js";
import { Outbox, type Queued } from "./outbox.js";
import { AUTH_ACCEPTED, INVALID_CREDENTIALS, MISSING_CREDENTIALS, NOT_EXECUTED, OK, isSuccess, statusFor } from "../dpu/status.js";
import type { Emit } from "../dpu/dpu.js";

export const XML_TYPE = "application/vnd.syncml.dm+xml";
export const WBXML_TYPE = "application/vnd.syncml.dm+wbxml";

export interface SessionSettings {
  readonly sessionId: string;
  /** "1200" server-initiated (after a notification), "1201" client-initiated. */
  readonly alert: string;
  readonly encoding: "xml" | "wbxml";
  /** ./DevInfo/DevId: the Source of every client message. */
  readonly deviceId: string;
  /** The server's URI (Target of client messages). */
  readonly serverUri: string;
  readonly clientAuth?: AuthEntry;
  readonly serverAuth?: AuthEntry;
  readonly clientNonce: Uint8Array;
  readonly serverNonce: Uint8Array;
  /** The Replace items of package 1 (./DevInfo leaves). */
  readonly devInfo: Item[];
  /** Generic alerts (1226) waiting for this server. */
  readonly alerts: ReadonlyArray<{ readonly id: string; readonly alert: AlertCommand }>;
  /** What the agent accepts and announces: message and object size. */
  readonly maxMsgSize: number;
  readonly maxObjSize: number;
  readonly decodeLimits?: Partial<Limits>;
}

/** The DPU as the session drives it. */
export interface CommandRunner {
  beginMessage(): void;
  command(c: Command, msgRef: string, emit: Emit, quiet: boolean): Promise<void>;
  endPackage(emit: Emit): void;
  readonly executed: number;
}

export interface SessionHooks {
  readonly dpu: CommandRunner;
  random(count: number): Uint8Array;
  /** Stores the nonce the server gave for the client's credentials (CLCRED AAuthData). */
  saveClientNonce(nonce: Uint8Array): Promise<void>;
  /** Stores the nonce the client gave the server (SRVCRED AAuthData), before it is sent. */
  saveServerNonce(nonce: Uint8Array): Promise<void>;
  /** The server answered these generic alerts: they leave the queue. */
  alertsDelivered(ids: string[]): Promise<void>;
  trace(name: string, detail?: Record<string, TraceValue>, step?: number): void;
}

export interface Outgoing {
  readonly msgId: string;
  readonly body: Uint8Array;
  readonly headers: Map<string, string>;
  readonly final: boolean;
  /** Where the server said the next message goes (RespURI), when it did. */
  readonly respUri?: string;
}

export type Step =
  | { readonly kind: "send"; readonly message: Outgoing }
  | { readonly kind: "done"; readonly status: "completed" | "aborted" | "failed"; readonly reason?: string }
  /** Send this (Alert 1223) without waiting for an answer, then end with `reason`. */
  | { readonly kind: "abort"; readonly message: Outgoing; readonly reason: string };

export interface ServerReply {
  readonly body: Uint8Array;
  /** The x-syncml-hmac header, when there was one. */
  readonly hmac?: string;
}

const done = (status: "completed" | "aborted" | "failed", reason?: string): Step => ({ kind: "done", status, reason });

export class DmSession {
  private msgId = 0;
  private readonly outbox = new Outbox();
  /** Tags of what was sent, by "MsgID:CmdID". */
  private readonly sent = new Map<string, string | undefined>();
  private clientType: AuthType | undefined;
  private clientNonce: Uint8Array;
  private clientNonceNew = false;
  /** The server answered 212: no more Cred this session. */
  private clientAccepted = false;
  private authRetries = 0;
  private serverNonce: Uint8Array;
  private serverOk: boolean;
  private serverFailures = 0;
  private respUri: string | undefined;
  /** The server sent part of a package and not yet its Final. */
  private serverOpen = false;
  private readonly undelivered = new Map<string, AlertCommand>();
  /** Server packages received (messages with Final). */
  packages = 0;
  /** What the server said it accepts. */
  serverMaxMsgSize: number | undefined;
  serverMaxObjSize: number | undefined;

  constructor(private readonly settings: SessionSettings, private readonly hooks: SessionHooks) {
    this.clientType = settings.clientAuth?.type;
    this.clientNonce = settings.clientNonce;
    this.serverNonce = settings.serverNonce;
    // Without SRVCRED the server is authenticated by TLS alone (its certificate against the account's anchors).
    this.serverOk = !settings.serverAuth;
    for (const a of settings.alerts) this.undelivered.set(a.id, a.alert);
  }

  /** Package 1: Alert 1200/1201, DevInfo as Replace, waiting generic alerts, credentials, size limits. */
  start(): Outgoing {
    this.queuePackage1();
    return this.next(true);
  }

  private queuePackage1(): void {
    this.outbox.push({ kind: "Alert", cmdId: "", data: this.settings.alert, items: [] }, "pkg1");
    this.outbox.push({ kind: "Replace", cmdId: "", items: this.settings.devInfo }, "pkg1");
    this.undelivered.forEach((alert, id) => this.outbox.push(alert, `alert:${id}`));
  }

  private header(): SyncHdr {
    const s = this.settings;
    const h: SyncHdr = {
      verDTD: "1.2", verProto: "DM/1.2", sessionId: s.sessionId, msgId: String(++this.msgId),
      target: { locURI: this.settings.serverUri },
      source: s.clientAuth?.name ? { locURI: s.deviceId, locName: s.clientAuth.name } : { locURI: s.deviceId },
      meta: { maxMsgSize: s.maxMsgSize, maxObjSize: s.maxObjSize },
    };
    // Cred goes in every message until the server says 212 (DM_Protocol §9.4: after 200 the same credentials
    // are sent again). HMAC authenticates each message in the transport header instead.
    if (s.clientAuth && this.clientType && this.clientType !== "HMAC" && !this.clientAccepted) {
      h.cred = credFor(s.clientAuth, this.clientType, this.clientNonce);
    }
    return h;
  }

  private encode(m: SyncMLMessage): Uint8Array {
    return this.settings.encoding === "wbxml" ? encodeWbxml(m) : encodeXmlBytes(m);
  }

  private next(serverDone: boolean): Outgoing {
    const s = this.settings;
    // A server that gave no MaxMsgSize gets messages no larger than what the agent itself accepts.
    const built = this.outbox.build(this.header(), {
      limit: Math.min(this.serverMaxMsgSize ?? s.maxMsgSize, 1 << 20),
      serverDone,
      encode: (m) => this.encode(m),
      xml: s.encoding === "xml",
    });
    const msgId = built.message.header.msgId;
    for (const q of built.sent) this.sent.set(`${msgId}:${q.cmd.cmdId}`, q.tag);
    const headers = new Map<string, string>();
    headers.set("content-type", s.encoding === "wbxml" ? WBXML_TYPE : XML_TYPE);
    headers.set("accept", `${WBXML_TYPE}, ${XML_TYPE}`);
    if (s.clientAuth && this.clientType === "HMAC") {
      headers.set("x-syncml-hmac", hmacHeader(s.clientAuth.name ?? "", s.clientAuth.secret ?? "", this.clientNonce, built.bytes));
    }
    const final = built.message.body.final;
    this.hooks.trace("session.reply", { msgId, bytes: built.bytes.length, commands: built.message.body.commands.length, final }, 11);
    return { msgId, body: built.bytes, headers, final, respUri: this.respUri };
  }

  /** Ends the session from the client side: Alert 1223, sent without waiting for an answer. */
  abort(reason: string): Step {
    this.outbox.clear();
    this.outbox.push({ kind: "Alert", cmdId: "", data: "1223", items: [] });
    this.hooks.trace("session.abort", { reason });
    return { kind: "abort", message: this.next(true), reason };
  }

  /** One server message. */
  async receive(reply: ServerReply): Promise<Step> {
    const s = this.settings;
    this.hooks.trace("session.received", { bytes: reply.body.length }, 5);
    if (reply.body.length > s.maxMsgSize) return this.abort(`server message of ${reply.body.length} bytes over MaxMsgSize ${s.maxMsgSize}`);
    let msg: SyncMLMessage;
    try {
      msg = decodeMessage(reply.body, { ...s.decodeLimits, maxBytes: s.maxMsgSize });
    } catch (error) {
      const code = error instanceof SyncMLError ? error.code : "error";
      return this.abort(`undecodable server message (${code})`);
    }
    const h = msg.header;
    const commands = msg.body.commands;
    this.hooks.trace("session.header", { msgId: h.msgId, sessionId: h.sessionId, commands: commands.length, final: msg.body.final }, 6);
    if (h.sessionId !== s.sessionId) this.hooks.trace("session.warning", { problem: "SessionID differs", got: h.sessionId });
    if (h.respUri) this.respUri = h.respUri;
    if (h.meta?.maxMsgSize) this.serverMaxMsgSize = h.meta.maxMsgSize;
    if (h.meta?.maxObjSize) this.serverMaxObjSize = h.meta.maxObjSize;

    const auth = await this.authenticateServer(h, reply);
    if (!auth) return done("failed", "server authentication failed");
    const trusted = auth.code === OK || auth.code === AUTH_ACCEPTED;
    const emit: Emit = (c) => this.outbox.push(c);
    const delivered: string[] = [];
    let answer = false;
    let restart = false;
    this.hooks.dpu.beginMessage();
    for (const c of commands) {
      if (c.kind === "Status") {
        const r = this.status(c, trusted, delivered);
        if (r === "fail") return done("failed", "client authentication failed");
        if (r === "restart") restart = true;
        continue;
      }
      if (c.kind === "Results") continue; // nothing to answer (RepPro: no Status for Results)
      answer = true;
      // Nothing runs before the server is authenticated: every command gets the SyncHdr's 401/407, which
      // tells the server to send it again with credentials.
      if (!trusted) emit(statusFor(c, h.msgId, auth.code));
      else if (c.kind === "Alert" && c.data === "1223") return done("aborted", "the server aborted the session (1223)");
      else if (c.kind === "Alert" && (c.data === "1222" || c.data === "1225")) {
        if (c.data === "1225") this.dropChunks();
        emit(statusFor(c, h.msgId, OK));
      } else if (restart) emit(statusFor(c, h.msgId, NOT_EXECUTED));
      else await this.hooks.dpu.command(c, h.msgId, emit, !!h.noResp);
    }
    if (delivered.length) {
      await this.hooks.alertsDelivered(delivered);
      for (const id of delivered) this.undelivered.delete(id);
    }
    // A nonce is kept only from a server that proved who it is (DM_Security §5.1.3.4).
    if (this.clientNonceNew && this.serverOk && !restart) {
      this.clientNonceNew = false;
      await this.hooks.saveClientNonce(this.clientNonce);
    }
    if (msg.body.final && trusted) {
      this.packages++;
      this.hooks.dpu.endPackage(emit);
    }
    if (restart) this.queuePackage1();
    if (!h.noResp || !trusted) {
      const hs: StatusCommand = statusFor({ kind: "Alert", cmdId: "0", items: [] }, h.msgId, auth.code);
      hs.cmd = "SyncHdr";
      hs.targetRefs = [h.target.locURI];
      hs.sourceRefs = [h.source.locURI];
      if (auth.chal) hs.chal = auth.chal;
      this.outbox.pushFront(hs);
    }
    const onlyHeaderStatus = this.outbox.only((q: Queued) => q.cmd.kind === "Status" && q.cmd.cmdRef === "0");
    if (msg.body.final && trusted && !answer && !restart && onlyHeaderStatus) return done("completed");
    // A "Next Message" response (Status and Alert 1222 only, no Final) does not open a server package: the
    // server is waiting for the rest of the client's (DM_Protocol §8.8.2).
    const nextMessage = commands.every((c) => c.kind === "Status" || (c.kind === "Alert" && c.data === "1222"));
    if (msg.body.final) this.serverOpen = false;
    else if (!nextMessage) this.serverOpen = true;
    return { kind: "send", message: this.next(!this.serverOpen) };
  }

  /**
   * The server's credentials (SyncHdr Cred, or the HMAC header of each message) against SRVCRED. On success the
   * nonce the server must use next time is renewed and sent in a Chal; on failure it gets a challenge with
   * a fresh nonce. undefined: the server failed too often, the session ends.
   */
  private async authenticateServer(h: SyncHdr, reply: ServerReply): Promise<{ code: number; chal?: Meta } | undefined> {
    const entry = this.settings.serverAuth;
    if (!entry) return { code: OK };
    let verdict: Verdict;
    if (entry.type === "HMAC") verdict = verifyHmac(reply.hmac, entry, this.serverNonce, reply.body);
    else if (this.serverOk) return { code: OK };
    else verdict = verifyCred(h.cred, entry, this.serverNonce);
    this.hooks.trace("session.auth", { direction: "server", type: entry.type, outcome: verdict }, 6);
    if (verdict === "ok") {
      if (this.serverOk) return { code: OK };
      this.serverOk = true;
      return { code: AUTH_ACCEPTED, chal: entry.type === "BASIC" ? undefined : challenge(entry.type, await this.renewServerNonce()) };
    }
    this.serverOk = false;
    if (++this.serverFailures > 2) return undefined;
    const nonce = entry.type === "BASIC" ? undefined : await this.renewServerNonce();
    return { code: verdict === "missing" ? MISSING_CREDENTIALS : INVALID_CREDENTIALS, chal: challenge(entry.type, nonce) };
  }

  private async renewServerNonce(): Promise<Uint8Array> {
    const nonce = this.hooks.random(16);
    await this.hooks.saveServerNonce(nonce); // stored before it leaves: a crash never loses the nonce the server has
    this.serverNonce = nonce;
    return nonce;
  }

  /** A Status from the server for something the client sent. */
  private status(c: StatusCommand, trusted: boolean, delivered: string[]): "fail" | "restart" | undefined {
    const code = Number(c.data);
    if (c.cmdRef === "0") {
      const chal = c.chal;
      const type = schemeType(chal?.type);
      if (type) this.clientType = type;
      if (chal?.nextNonce) {
        this.clientNonce = nonceBytes(chal.nextNonce);
        this.clientNonceNew = true;
      }
      this.hooks.trace("session.auth", { direction: "client", status: code, challenged: !!chal }, 6);
      if (code === AUTH_ACCEPTED) this.clientAccepted = true;
      if (code === INVALID_CREDENTIALS || code === MISSING_CREDENTIALS) {
        this.clientAccepted = false;
        // One more try with what the challenge asked for (DM_Security §5.1.3.3), then the session ends.
        if (!this.settings.clientAuth || this.authRetries >= 1) return "fail";
        this.authRetries++;
        return "restart";
      }
      return undefined;
    }
    if (!trusted) return undefined; // statuses from a server not yet authenticated change nothing
    const tag = this.sent.get(`${c.msgRef}:${c.cmdRef}`);
    if (!tag) return undefined;
    if (tag.slice(0, 6) === "alert:" && code !== INVALID_CREDENTIALS && code !== MISSING_CREDENTIALS) delivered.push(tag.slice(6));
    else if (tag.slice(0, 6) === "chunk:" && !isSuccess(code)) this.outbox.drop(tag);
    return undefined;
  }

  /** The server gave up on an object the client was sending in chunks. */
  private dropChunks(): void {
    const tags: string[] = [];
    this.sent.forEach((tag) => {
      if (tag && tag.slice(0, 6) === "chunk:") tags.push(tag);
    });
    for (const t of tags) this.outbox.drop(t);
  }
}
