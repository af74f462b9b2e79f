// A small scripted OMA DM server over real HTTPS on 127.0.0.1 (the test CA's certificate), speaking the protocol
// with the project's codec. Tests give it packages of commands; it authenticates the device (basic, MD5, HMAC),
// proves itself with its own credentials, splits nothing on its own (a test that wants a multi-message package
// says so), answers multi-message client packages with Alert 1222, reassembles chunked Results, and records
// every exchange. Fault hooks drop a connection after the request was read or answer with an HTTP error.
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { createHash, randomBytes } from "node:crypto";
import {
  decodeMessage, encodeWbxml, encodeXmlBytes, detectEncoding,
  type Command, type Cred, type Item, type Meta, type ResultsCommand, type StatusCommand, type SyncMLMessage,
} from "../../../../agent/syncml/index.js";
import { ensureTestCA, type TestCA } from "../../../../server/tls/test-ca.js";

export interface Credentials {
  readonly type: "BASIC" | "DIGEST" | "HMAC";
  readonly name: string;
  readonly secret: string;
}

export interface ScriptedServerOptions {
  readonly caDir: string;
  /** What the device must present (CLCRED), and the nonce the server first expects it to use. */
  readonly clientAuth?: Credentials & { nonce?: Uint8Array };
  /** What the server presents (SRVCRED), with the nonce the device holds for it. */
  readonly serverAuth?: Credentials & { nonce?: Uint8Array };
  /** Give the device a new client nonce in every SyncHdr Status (md5/HMAC). Default true. */
  readonly renewClientNonce?: boolean;
  /** The server's MaxMsgSize and MaxObjSize, announced in every SyncHdr. */
  readonly maxMsgSize?: number;
  readonly maxObjSize?: number;
  /** Management packages, in order; each is one message or several (an array of messages). */
  readonly packages?: Array<Command[] | Command[][]>;
  /** Sent as RespURI in the first reply (a path on this server). */
  readonly respPath?: string;
  /**
   * Called for every request (0-based count) after it was read: "drop" closes the connection without an
   * answer (after the server processed it), "hang" never answers, a number answers with that HTTP status.
   */
  readonly fault?: (request: number, message: SyncMLMessage | undefined) => "drop" | "hang" | number | undefined;
  /** Rewrites a reply before it is encoded. */
  readonly mangle?: (reply: SyncMLMessage, request: number) => SyncMLMessage | Uint8Array;
}

export interface Exchange {
  readonly path: string;
  readonly contentType: string;
  readonly hmac?: string;
  readonly request: SyncMLMessage | undefined;
  readonly requestBytes: number;
  reply?: SyncMLMessage;
  replyBytes?: number;
}

interface SessionState {
  msgId: number;
  clientOk: boolean;
  clientFailures: number;
  /** The device answered 212 to the server's credentials. */
  serverAccepted: boolean;
  /** Next package, and message within it. */
  pkg: number;
  msg: number;
  /** The last reply, to send again with fresh credentials after a device challenge. */
  lastCommands?: Command[];
  lastFinal?: boolean;
  /** Results being reassembled, by "msgRef:cmdRef". */
  partial: Map<string, { parts: Array<string | Uint8Array>; size?: number }>;
  done: boolean;
}

const md5 = (b: Uint8Array | string): Buffer => createHash("md5").update(b).digest();
const b64 = (b: Uint8Array): string => Buffer.from(b).toString("base64");

export function md5Cred(name: string, secret: string, nonce: Uint8Array): string {
  return b64(md5(Buffer.concat([Buffer.from(b64(md5(`${name}:${secret}`)) + ":"), Buffer.from(nonce)])));
}

export function hmacMac(name: string, secret: string, nonce: Uint8Array, body: Uint8Array): string {
  return b64(md5(Buffer.concat([Buffer.from(b64(md5(`${name}:${secret}`)) + ":"), Buffer.from(nonce), Buffer.from(":" + b64(md5(body)))])));
}

const SCHEME: Record<string, string> = { BASIC: "syncml:auth-basic", DIGEST: "syncml:auth-md5", HMAC: "syncml:auth-MAC" };

export class ScriptedServer {
  readonly exchanges: Exchange[] = [];
  /** Every Status and (reassembled) Results the device sent, in order. */
  readonly statuses: StatusCommand[] = [];
  readonly results: ResultsCommand[] = [];
  /** Commands the server sent: "msgId:cmdId" -> command. */
  readonly sentCommands = new Map<string, Command>();
  /** Generic alerts and other client commands (besides Status/Results). */
  readonly clientCommands: Command[] = [];
  readonly ca: TestCA;
  private server!: Server;
  private readonly sockets = new Set<Socket>();
  private readonly sessions = new Map<string, SessionState>();
  private requests = 0;
  url = "";
  /** The nonce the device must use next for its credentials (kept across sessions, as servers do). */
  clientNonce: Uint8Array;
  /** The nonce the device gave the server for the server's credentials. */
  serverNonce: Uint8Array;

  constructor(public options: ScriptedServerOptions) {
    this.ca = ensureTestCA(options.caDir);
    this.clientNonce = options.clientAuth?.nonce ?? new Uint8Array(0);
    this.serverNonce = options.serverAuth?.nonce ?? new Uint8Array(0);
  }

  async start(): Promise<this> {
    this.server = createServer({ key: this.ca.serverKeyPem, cert: this.ca.serverCertPem }, (req, res) => this.handle(req, res));
    this.server.on("secureConnection", (s) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}/dm`;
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Statuses the device gave to the server command with CmdID `cmdId` (in any message). */
  statusOf(cmdId: string): string[] {
    return this.statuses.filter((s) => s.cmdRef === cmdId && this.sentCommands.has(`${s.msgRef}:${cmdId}`)).map((s) => s.data);
  }

  resultsOf(cmdId: string): ResultsCommand[] {
    return this.results.filter((r) => r.cmdRef === cmdId && this.sentCommands.has(`${r.msgRef ?? ""}:${cmdId}`));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const n = this.requests++;
      let msg: SyncMLMessage | undefined;
      try {
        msg = decodeMessage(new Uint8Array(body));
      } catch {
        msg = undefined;
      }
      const exchange: Exchange = {
        path: req.url ?? "", contentType: String(req.headers["content-type"] ?? ""),
        hmac: req.headers["x-syncml-hmac"] as string | undefined, request: msg, requestBytes: body.length,
      };
      this.exchanges.push(exchange);
      const fault = this.options.fault?.(n, msg);
      let reply: SyncMLMessage | undefined;
      try {
        reply = msg ? this.respond(msg, exchange.hmac, new Uint8Array(body)) : undefined;
      } catch (error) {
        res.writeHead(500).end(String(error));
        return;
      }
      if (fault === "drop") {
        req.socket.destroy();
        return;
      }
      if (fault === "hang") return;
      if (typeof fault === "number") {
        res.writeHead(fault).end();
        return;
      }
      if (!reply) {
        res.writeHead(400).end();
        return;
      }
      exchange.reply = reply;
      const encoding = detectEncoding(new Uint8Array(body)) ?? "xml";
      const mangled = this.options.mangle ? this.options.mangle(reply, n) : reply;
      const bytes = mangled instanceof Uint8Array ? mangled : encoding === "wbxml" ? encodeWbxml(mangled) : encodeXmlBytes(mangled);
      exchange.replyBytes = bytes.length;
      const headers: Record<string, string> = {
        "content-type": encoding === "wbxml" ? "application/vnd.syncml.dm+wbxml" : "application/vnd.syncml.dm+xml",
      };
      const sa = this.options.serverAuth;
      if (sa?.type === "HMAC") headers["x-syncml-hmac"] = `algorithm=MD5, username="${sa.name}", mac=${hmacMac(sa.name, sa.secret, this.serverNonce, bytes)}`;
      res.writeHead(200, headers).end(Buffer.from(bytes));
    });
  }

  private state(msg: SyncMLMessage): SessionState {
    let s = this.sessions.get(msg.header.sessionId);
    if (!s) {
      s = { msgId: 0, clientOk: !this.options.clientAuth, clientFailures: 0, serverAccepted: false, pkg: 0, msg: 0, partial: new Map(), done: false };
      this.sessions.set(msg.header.sessionId, s);
    }
    return s;
  }

  private checkClient(msg: SyncMLMessage, hmac: string | undefined, body: Uint8Array, s: SessionState): { code: string; chal?: Meta } {
    const ca = this.options.clientAuth;
    if (!ca) return { code: "200" };
    const renew = this.options.renewClientNonce !== false && ca.type !== "BASIC";
    let ok: boolean | "missing";
    if (ca.type === "HMAC") {
      const mac = /mac=([^,\s]+)/.exec(hmac ?? "")?.[1];
      ok = mac === undefined ? "missing" : mac === hmacMac(ca.name, ca.secret, this.clientNonce, body);
    } else {
      if (s.clientOk) return { code: "200" };
      const cred: Cred | undefined = msg.header.cred;
      if (!cred) ok = "missing";
      else if (ca.type === "BASIC") ok = cred.data === b64(Buffer.from(`${ca.name}:${ca.secret}`));
      else ok = cred.data === md5Cred(ca.name, ca.secret, this.clientNonce);
    }
    if (ok === true) {
      const first = !s.clientOk;
      s.clientOk = true;
      if (!renew || (!first && ca.type === "HMAC")) return { code: first ? "212" : "200" };
      this.clientNonce = randomBytes(16);
      return { code: first ? "212" : "200", chal: { type: SCHEME[ca.type], format: "b64", nextNonce: b64(this.clientNonce) } };
    }
    s.clientFailures++;
    this.clientNonce = randomBytes(16);
    return { code: ok === "missing" ? "407" : "401", chal: { type: SCHEME[ca.type], format: "b64", nextNonce: b64(this.clientNonce) } };
  }

  private respond(msg: SyncMLMessage, hmac: string | undefined, body: Uint8Array): SyncMLMessage {
    const s = this.state(msg);
    const h = msg.header;
    const auth = this.checkClient(msg, hmac, body, s);
    const statuses: Command[] = [];
    let id = 1001;
    const status = (cmdRef: string, cmd: string, code: string, extra: Partial<StatusCommand> = {}): StatusCommand =>
      ({ kind: "Status", cmdId: String(id++), msgRef: h.msgId, cmdRef, cmd, targetRefs: [], sourceRefs: [], data: code, items: [], ...extra });
    statuses.push(status("0", "SyncHdr", auth.code, { targetRefs: [h.target.locURI], sourceRefs: [h.source.locURI], chal: auth.chal }));
    let challenged = false;
    let wantsNext = false;
    let chunked = false;
    const authFailed = auth.code === "401" || auth.code === "407";
    for (const c of msg.body.commands) {
      if (c.kind === "Status") {
        if (c.cmdRef === "0") {
          const sa = this.options.serverAuth;
          if (c.chal?.nextNonce) this.serverNonce = new Uint8Array(Buffer.from(c.chal.nextNonce, "base64"));
          if (c.data === "212") s.serverAccepted = true;
          if ((c.data === "401" || c.data === "407") && sa) challenged = true;
          continue;
        }
        if (!authFailed) this.statuses.push(c);
        continue;
      }
      if (c.kind === "Results") {
        if (authFailed) continue;
        const item = c.items[0];
        const key = `${c.msgRef ?? ""}:${c.cmdRef}`;
        if (item?.moreData) {
          const p = s.partial.get(key) ?? { parts: [], size: item.meta?.size };
          p.parts.push(item.data as string | Uint8Array);
          s.partial.set(key, p);
          statuses.push(status(c.cmdId, "Results", "213"));
          chunked = true;
          continue;
        }
        const p = s.partial.get(key);
        if (p && item) {
          s.partial.delete(key);
          p.parts.push(item.data as string | Uint8Array);
          const data = p.parts.every((x) => typeof x === "string")
            ? p.parts.join("")
            : new Uint8Array(Buffer.concat(p.parts.map((x) => Buffer.from(x as Uint8Array))));
          const meta = { ...item.meta, size: p.size };
          this.results.push({ ...c, items: [{ ...item, meta, data, moreData: undefined }] });
        } else this.results.push(c);
        continue;
      }
      if (c.kind === "Alert" && c.data === "1222") wantsNext = true;
      statuses.push(status(c.cmdId, c.kind === "Unsupported" ? c.name : c.kind, authFailed ? auth.code : "200"));
      if (!authFailed) this.clientCommands.push(c);
    }
    let commands: Command[] = [];
    let final = true;
    if (authFailed) {
      // only statuses (DM_Protocol §9.4): the device sends package 1 again
    } else if (challenged && s.lastCommands) {
      commands = s.lastCommands.map((c) => ({ ...c }));
      final = s.lastFinal ?? true;
    } else if (!msg.body.final && !wantsNext) {
      // The device's package goes on: ask for its next message (DM_Protocol §8.8.2, "Next Message" response).
      commands.push({ kind: "Alert", cmdId: String(id++), data: "1222", items: [] });
      final = false;
    } else {
      const packages = this.options.packages ?? [];
      const pkg = packages[s.pkg];
      if (pkg && !s.done) {
        const messages = (Array.isArray(pkg[0]) ? pkg : [pkg]) as Command[][];
        commands = messages[s.msg];
        if (++s.msg >= messages.length) {
          s.pkg++;
          s.msg = 0;
        } else final = false;
      } else s.done = true;
    }
    if (chunked && final && !commands.length) final = false;
    s.lastCommands = commands;
    s.lastFinal = final;
    const msgId = String(++s.msgId);
    const remember = (c: Command): void => {
      this.sentCommands.set(`${msgId}:${c.cmdId}`, c);
      if (c.kind === "Atomic" || c.kind === "Sequence") c.commands.forEach(remember);
    };
    commands.forEach(remember);
    const sa = this.options.serverAuth;
    let cred: Cred | undefined;
    if (sa && sa.type !== "HMAC" && !s.serverAccepted) {
      cred = sa.type === "BASIC"
        ? { meta: { type: SCHEME.BASIC, format: "b64" }, data: b64(Buffer.from(`${sa.name}:${sa.secret}`)) }
        : { meta: { type: SCHEME.DIGEST, format: "b64" }, data: md5Cred(sa.name, sa.secret, this.serverNonce) };
    }
    const meta: Meta = {};
    if (this.options.maxMsgSize) meta.maxMsgSize = this.options.maxMsgSize;
    if (this.options.maxObjSize) meta.maxObjSize = this.options.maxObjSize;
    return {
      header: {
        verDTD: "1.2", verProto: "DM/1.2", sessionId: h.sessionId, msgId,
        target: { locURI: h.source.locURI }, source: { locURI: this.url },
        respUri: s.msgId === 1 && this.options.respPath ? this.url.replace(/\/dm$/, this.options.respPath) : undefined,
        cred, meta: Object.keys(meta).length ? meta : undefined,
      },
      body: { commands: [...statuses, ...commands], final },
    };
  }
}

// ── building server commands ──

let nextId = 1;
/** CmdIDs for script commands (1..999; the server's own statuses use 1001 and up). */
export function cmdId(): string {
  if (nextId > 999) nextId = 1;
  return String(nextId++);
}

export const target = (uri: string, data?: string | Uint8Array, meta?: Meta): Item => {
  const item: Item = { target: { locURI: uri } };
  if (meta) item.meta = meta;
  if (data !== undefined) item.data = data;
  return item;
};

export const get = (uri: string, id = cmdId()): Command => ({ kind: "Get", cmdId: id, items: [target(uri)] });
export const add = (uri: string, data?: string, format = "chr", id = cmdId()): Command =>
  ({ kind: "Add", cmdId: id, items: [target(uri, data, data === undefined && format === "chr" ? { format: "node" } : { format, type: "text/plain" })] });
export const replace = (uri: string, data: string, format = "chr", id = cmdId()): Command =>
  ({ kind: "Replace", cmdId: id, items: [target(uri, data, { format, type: "text/plain" })] });
export const del = (uri: string, id = cmdId()): Command => ({ kind: "Delete", cmdId: id, items: [target(uri)] });

/** A Replace or Add of `data` in chunks of `size` characters, one command per message (large object). */
export function chunked(kind: "Add" | "Replace", uri: string, data: string, size: number, format = "chr", announced?: number): Command[][] {
  const out: Command[][] = [];
  for (let at = 0; at < data.length; at += size) {
    const item = target(uri, data.slice(at, at + size), at === 0 ? { format, type: "text/plain", size: announced ?? Buffer.byteLength(data) } : { format });
    if (at + size < data.length) item.moreData = true;
    out.push([{ kind, cmdId: cmdId(), items: [item] }]);
  }
  return out;
}
