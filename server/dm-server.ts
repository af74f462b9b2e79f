// The reference OMA DM 1.2 server: HTTPS on loopback with the state directory's test CA, one DmSession per
// device session, every request bounded (body size, time), every failure contained to its own request.
//   POST application/vnd.syncml.dm+xml | +wbxml  ->  200 with the reply in the same media type
//   anything that is not a SyncML DM message     ->  400/405/413/415 with a line of text, no session touched
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { Socket } from "node:net";
import { join } from "node:path";
import { decodeWbxml, decodeXml, SyncMLError, type Encoding, type SyncMLMessage } from "../agent/syncml/index.js";
import { ensureTestCA } from "./tls/test-ca.js";
import { loadJobsFile, validateJobs, type Jobs } from "./jobs.js";
import { RecordStore } from "./records.js";
import { DeviceRegistry } from "./registry.js";
import { DmSession, type ServerEvent, type SessionContext, type SessionLimits } from "./session.js";
import { encodeMessage, encodingOf, headerOnlyReply, MEDIA_TYPE } from "./wire.js";

export type { ServerEvent } from "./session.js";

export interface ServerLimits extends SessionLimits {
  /** Largest request body (also the server's MaxMsgSize). */
  maxBodyBytes: number;
  /** Time for one whole request, headers and body (a stalled upload is cut off). */
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  /** Time for the TLS handshake. */
  handshakeTimeoutMs: number;
  /** A session with no message for this long expires. */
  sessionIdleMs: number;
  /** Sessions held at once; more get 503 until some end. */
  maxSessions: number;
  /** How long a finished session is kept to answer a retransmission of its last message. */
  closedGraceMs: number;
}

export const DEFAULT_LIMITS: Readonly<ServerLimits> = Object.freeze({
  maxBodyBytes: 1 << 20,
  maxMsgSize: 1 << 20,
  maxObjSize: 4 << 20,
  defaultClientMaxMsgSize: 64 * 1024,
  maxAuthAttempts: 3,
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  handshakeTimeoutMs: 10_000,
  sessionIdleMs: 5 * 60_000,
  maxSessions: 1000,
  closedGraceMs: 30_000,
});

export interface DmServerOptions {
  /** Where the test CA, the device registry and the records live (created if missing). */
  stateDir: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Loopback only by default. */
  host?: string;
  /** The jobs file: a path, or its parsed JSON. Validated; no jobs when absent. */
  jobs?: string | unknown;
  /** The server's own ServerID, for devices that are not in the registry. */
  serverId?: string;
  /** URL path the server announces (every path is accepted). */
  path?: string;
  limits?: Partial<ServerLimits>;
  onEvent?: (e: ServerEvent) => void;
  /** Clock for session expiry (tests). */
  now?: () => number;
}

const NO_JOBS: Jobs = { jobs: [] };

export class DmServer {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private readonly sessions = new Map<string, DmSession>();
  private sweeper?: NodeJS.Timeout;
  private jobs: Jobs = NO_JOBS;
  private limits: ServerLimits = { ...DEFAULT_LIMITS };
  private ctx?: SessionContext;
  private onEvent?: (e: ServerEvent) => void;
  private now: () => number = Date.now;
  url = "";
  caPem = "";
  caFile = "";
  stateDir = "";
  serverId = "dm.example.net";

  static async start(options: DmServerOptions): Promise<DmServer> {
    const s = new DmServer();
    await s.start(options);
    return s;
  }

  async start(o: DmServerOptions): Promise<void> {
    if (this.server) throw new Error("DmServer already started");
    this.stateDir = o.stateDir;
    this.serverId = o.serverId ?? this.serverId;
    this.limits = { ...DEFAULT_LIMITS, ...o.limits };
    this.limits.maxMsgSize = Math.min(this.limits.maxMsgSize, this.limits.maxBodyBytes);
    this.onEvent = o.onEvent;
    this.now = o.now ?? Date.now;
    this.setJobs(o.jobs);
    const tlsDir = join(o.stateDir, "tls");
    const ca = ensureTestCA(tlsDir);
    this.caPem = ca.caPem;
    this.caFile = join(tlsDir, "ca.pem");
    const registry = new DeviceRegistry(o.stateDir);
    const records = new RecordStore(o.stateDir);
    this.ctx = {
      registry, records, serverId: this.serverId, limits: this.limits,
      jobs: () => this.jobs,
      now: () => this.now(),
      event: (e) => this.emit(e),
    };
    const server = createServer({
      key: ca.serverKeyPem,
      cert: ca.serverCertPem,
      handshakeTimeout: this.limits.handshakeTimeoutMs,
      requestTimeout: this.limits.requestTimeoutMs,
      headersTimeout: Math.min(this.limits.headersTimeoutMs, this.limits.requestTimeoutMs),
      keepAliveTimeout: 5_000,
      // requestTimeout is enforced by a periodic sweep over connections (30 s by default): check often enough.
      connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(this.limits.requestTimeoutMs / 4))),
    });
    server.timeout = this.limits.requestTimeoutMs; // an idle socket (no bytes at all) is closed too
    server.on("connection", (sock: Socket) => {
      this.sockets.add(sock);
      sock.on("close", () => this.sockets.delete(sock));
    });
    server.on("clientError", (err: NodeJS.ErrnoException, sock) => {
      // Malformed HTTP gets 400, a request over its time 408, when the socket still takes it; anything else
      // (a TLS handshake that failed or timed out, a reset) just drops the connection.
      const code = err.code ?? "";
      const status = code.startsWith("HPE_") ? "400 Bad Request" : code === "ERR_HTTP_REQUEST_TIMEOUT" ? "408 Request Timeout" : "";
      if (status && sock.writable) {
        sock.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
        setTimeout(() => sock.destroy(), 1000).unref();
      } else sock.destroy();
      this.emit({ type: "client-error", detail: { code, message: err.message } });
    });
    server.on("request", (req: IncomingMessage, res: ServerResponse) => {
      this.onRequest(req, res).catch((e) => this.internalError(res, e));
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(o.port ?? 0, o.host ?? "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
    this.server = server;
    const addr = server.address();
    const port = typeof addr === "object" && addr ? addr.port : 0;
    const host = o.host ?? "127.0.0.1";
    this.url = `https://${host.includes(":") ? `[${host}]` : host}:${port}${o.path ?? "/dm"}`;
    this.sweeper = setInterval(() => this.sweep(), Math.max(50, Math.min(5_000, this.limits.sessionIdleMs / 4)));
    this.sweeper.unref();
    this.emit({ type: "listening", detail: { url: this.url } });
  }

  /** Replaces the jobs (a path or parsed JSON); sessions opened from now on use them. Throws JobsError. */
  setJobs(jobs: string | unknown): void {
    this.jobs = jobs === undefined ? NO_JOBS : typeof jobs === "string" ? loadJobsFile(jobs) : validateJobs(jobs);
  }

  /** Sessions in memory (open, or finished within the grace period). */
  sessionCount(open = true): number {
    let n = 0;
    for (const s of this.sessions.values()) if (!open || !s.closed) n++;
    return n;
  }

  async stop(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
    for (const s of this.sessions.values()) if (!s.closed) s.close("aborted-by-server", "server stopped");
    this.sessions.clear();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const sock of this.sockets) sock.destroy();
    this.sockets.clear();
    await closed;
  }

  private emit(e: Omit<ServerEvent, "at">): void {
    if (!this.onEvent) return;
    try {
      this.onEvent({ at: this.now(), ...e });
    } catch {
      // an observer's failure is not the server's
    }
  }

  /** Expires idle sessions and forgets finished ones after the grace period. */
  sweep(): void {
    const now = this.now();
    for (const [key, s] of this.sessions) {
      const idle = now - s.lastActivity;
      if (s.closed) {
        if (idle >= this.limits.closedGraceMs) this.sessions.delete(key);
      } else if (idle >= this.limits.sessionIdleMs) {
        s.close("expired");
      }
    }
  }

  private text(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
    if (res.headersSent) return void res.destroy();
    const body = Buffer.from(message + "\n", "utf8");
    res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", "Content-Length": String(body.length), ...headers });
    res.end(body);
  }

  private internalError(res: ServerResponse, e: unknown): void {
    this.emit({ type: "error", detail: { message: e instanceof Error ? e.message : String(e) } });
    try {
      this.text(res, 500, "internal error");
    } catch {
      res.destroy();
    }
  }

  /** The request body, or undefined when it was too large (413 already sent) or the client went away. */
  private readBody(req: IncomingMessage, res: ServerResponse): Promise<Uint8Array | undefined> {
    const max = this.limits.maxBodyBytes;
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > max) {
      this.text(res, 413, `message larger than ${max} octets`, { Connection: "close" });
      req.resume();
      return Promise.resolve(undefined);
    }
    return new Promise((resolve) => {
      const parts: Buffer[] = [];
      let size = 0;
      let done = false;
      const finish = (v: Uint8Array | undefined) => {
        if (done) return;
        done = true;
        resolve(v);
      };
      req.on("data", (chunk: Buffer) => {
        if (done) return;
        size += chunk.length;
        if (size > max) {
          this.text(res, 413, `message larger than ${max} octets`, { Connection: "close" });
          req.resume();
          return finish(undefined);
        }
        parts.push(chunk);
      });
      req.on("end", () => finish(new Uint8Array(Buffer.concat(parts))));
      req.on("aborted", () => finish(undefined));
      req.on("error", () => finish(undefined));
      req.on("close", () => finish(undefined));
    });
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== "POST") return this.text(res, 405, "POST a SyncML DM message", { Allow: "POST" });
    const encoding = encodingOf(req.headers["content-type"]);
    if (!encoding) {
      req.resume();
      return this.text(res, 415, `Content-Type must be ${MEDIA_TYPE.xml} or ${MEDIA_TYPE.wbxml}`);
    }
    const body = await this.readBody(req, res);
    if (!body) return;
    let msg: SyncMLMessage;
    try {
      const limits = { maxBytes: this.limits.maxBodyBytes };
      msg = encoding === "xml" ? decodeXml(body, limits) : decodeWbxml(body, limits);
    } catch (e) {
      const why = e instanceof SyncMLError ? `${e.code}: ${e.message}` : String(e);
      this.emit({ type: "bad-message", detail: { why } });
      return this.text(res, 400, `not a SyncML DM message (${why})`);
    }
    const h = msg.header;
    if (!h.sessionId || !h.msgId || !h.source.locURI) {
      return this.text(res, 400, "SyncHdr needs SessionID, MsgID and Source LocURI (OMA-TS-DM_Protocol §2.3.3)");
    }
    if (!/^DM\/1\.[12]$/.test(h.verProto) || !/^1\.[12]$/.test(h.verDTD)) {
      // 505: protocol version not supported (SyncML RepPro §10), answered outside any session.
      this.emit({ type: "bad-version", deviceId: h.source.locURI, detail: { verProto: h.verProto, verDTD: h.verDTD } });
      return this.reply(res, encoding, encodeMessage(headerOnlyReply(h, "505", this.url), encoding));
    }
    const session = this.sessionFor(msg, body, encoding);
    if (!session) return this.text(res, 503, "too many sessions; try again later", { "Retry-After": "5" });
    const hmac = req.headers["x-syncml-hmac"];
    const out = session.handle({ msg, body, encoding, ...(typeof hmac === "string" ? { hmac } : {}) });
    this.reply(res, encoding, out.body, out.hmac);
  }

  private sessionFor(msg: SyncMLMessage, body: Uint8Array, encoding: Encoding): DmSession | undefined {
    const h = msg.header;
    const key = DmSession.keyOf(h.source.locURI, h.sessionId);
    let s = this.sessions.get(key);
    // A finished session answers only a retransmission of its last message; anything else starts a new one
    // (SessionIDs are small numbers that devices reuse).
    if (s && s.closed && !s.isRetransmission(h.msgId, body)) s = undefined;
    if (!s) {
      if (this.sessions.size >= this.limits.maxSessions) this.sweep();
      if (this.sessionCount(true) >= this.limits.maxSessions) return undefined;
      s = new DmSession(this.ctx!, h.source.locURI, h.sessionId, encoding);
      this.sessions.set(key, s);
      this.emit({ type: "session-open", deviceId: h.source.locURI, sessionId: h.sessionId, detail: { encoding } });
    }
    return s;
  }

  private reply(res: ServerResponse, encoding: Encoding, body: Uint8Array, hmac?: string): void {
    const headers: Record<string, string> = { "Content-Type": MEDIA_TYPE[encoding], "Content-Length": String(body.length), "Cache-Control": "no-store" };
    if (hmac) headers["x-syncml-hmac"] = hmac;
    res.writeHead(200, headers);
    res.end(body);
  }
}

/** A random 16-bit session id that is not 0, for package 0. */
export function randomSessionId(): number {
  return (randomBytes(2).readUInt16BE(0) % 0xffff) + 1;
}
