// A scripted OMA DM client for the server's tests, written from the protocol (OMA-TS-DM_Protocol-V1_2 §2) with the
// project's codec: a tiny management tree, package 1, answers to every server command, credentials of the three
// schemes, checks of the server's credentials. It is deliberately independent of the agent's session engine.
import { request } from "node:https";
import { createHash } from "node:crypto";
import type { Command, Item, Meta, ResultsCommand, StatusCommand, SyncMLMessage } from "../../../agent/syncml/index.js";
import { decodeMessage, encodeWbxml, encodeXmlBytes } from "../../../agent/syncml/index.js";

export type Scheme = "basic" | "md5" | "hmac";
export type Encoding = "xml" | "wbxml";

const md5 = (b: Uint8Array | string) => createHash("md5").update(b).digest();
const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");

/** Independent of server/auth.ts on purpose: node:crypto and Buffer only. */
export const creds = {
  basic: (name: string, pwd: string) => Buffer.from(`${name}:${pwd}`).toString("base64"),
  md5: (name: string, pwd: string, nonce: Uint8Array) => b64(md5(Buffer.concat([Buffer.from(b64(md5(`${name}:${pwd}`)) + ":"), Buffer.from(nonce)]))),
  hmac: (name: string, pwd: string, nonce: Uint8Array, body: Uint8Array) =>
    b64(md5(Buffer.concat([Buffer.from(b64(md5(`${name}:${pwd}`)) + ":"), Buffer.from(nonce), Buffer.from(":" + b64(md5(body)))]))),
};

export interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array;
}

/** One HTTPS POST to 127.0.0.1, no keep-alive (no handle outlives the test). */
export function post(url: string, ca: string, body: Uint8Array, headers: Record<string, string>, timeoutMs = 20_000): Promise<HttpReply> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { method: "POST", hostname: u.hostname, port: u.port, path: u.pathname, ca, agent: false, headers: { ...headers, "Content-Length": String(body.length) } },
      (res) => {
        const parts: Buffer[] = [];
        res.on("data", (c: Buffer) => parts.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: new Uint8Array(Buffer.concat(parts)) }));
        res.on("error", reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error("client timeout")));
    req.on("error", reject);
    req.end(Buffer.from(body));
  });
}

export interface ClientOptions {
  url: string;
  ca: string;
  deviceId: string;
  encoding?: Encoding;
  scheme: Scheme;
  name: string;
  secret: string;
  /** The nonce the server issued to this client (its next digest uses it). */
  nonce: Uint8Array;
  /** The server's credentials as the device's DM account holds them, to check the server's Cred / HMAC. */
  server?: { name: string; secret: string; nonce: Uint8Array };
  sessionId?: string;
  maxMsgSize?: number;
  maxObjSize?: number;
  /** The management tree: URI -> value; interior nodes are implied. */
  tree?: Record<string, string>;
  /** Results data longer than this goes in chunks with MoreData (large object upload). */
  chunkResultsOver?: number;
  /** Answers to user interaction alerts: 1101 status; 1102 text; 1103/1104 chosen numbers. */
  ui?: { confirm?: "200" | "304"; text?: string; choices?: string[] };
  /** A new NextNonce this client gives the server in its Status on the server's SyncHdr. */
  renewServerNonce?: Uint8Array;
  /** Leave out the credentials (to see 407). */
  noCredentials?: boolean;
}

export interface Exchange {
  sent: SyncMLMessage;
  reply: SyncMLMessage;
  http: HttpReply;
}

export class ScriptedClient {
  readonly o: ClientOptions;
  readonly encoding: Encoding;
  readonly sessionId: string;
  readonly tree: Map<string, string>;
  readonly exchanges: Exchange[] = [];
  msgId = 0;
  /** How the server's credentials checked out, per server message. */
  serverCredOk: boolean[] = [];
  /** Large objects being received: URI -> chunks. */
  private chunks = new Map<string, { parts: Buffer[]; binary: boolean; size?: number }>();
  /** Binary values (WBXML opaque data), by URI; the tree holds "[N octets]" for them. */
  readonly binary = new Map<string, Buffer>();
  /** Statuses owed for the server's last message, kept across chunk uploads. */
  closedBy?: "server" | "abort";
  /** We answered 212 to the server's credentials: it need not send them again (§2.4.1). */
  acceptedServer = false;

  constructor(o: ClientOptions) {
    this.o = o;
    this.encoding = o.encoding ?? "xml";
    this.sessionId = o.sessionId ?? String(1 + Math.floor(Math.random() * 0xfffe));
    this.tree = new Map(Object.entries(o.tree ?? {}));
  }

  private header(withCred: boolean): SyncMLMessage["header"] {
    const o = this.o;
    const h: SyncMLMessage["header"] = {
      verDTD: "1.2", verProto: "DM/1.2", sessionId: this.sessionId, msgId: String(++this.msgId),
      target: { locURI: o.url }, source: { locURI: o.deviceId, locName: o.name },
    };
    if (withCred && !o.noCredentials && o.scheme !== "hmac") {
      const data = o.scheme === "basic" ? creds.basic(o.name, o.secret) : creds.md5(o.name, o.secret, o.nonce);
      h.cred = { meta: { format: "b64", type: o.scheme === "basic" ? "syncml:auth-basic" : "syncml:auth-md5" }, data };
    }
    if (o.maxMsgSize || o.maxObjSize) h.meta = { ...(o.maxMsgSize ? { maxMsgSize: o.maxMsgSize } : {}), ...(o.maxObjSize ? { maxObjSize: o.maxObjSize } : {}) };
    return h;
  }

  encode(msg: SyncMLMessage): Uint8Array {
    return this.encoding === "wbxml" ? encodeWbxml(msg) : encodeXmlBytes(msg);
  }

  /** Posts a message (or raw bytes) and decodes the reply when it is SyncML. */
  async send(msg: SyncMLMessage, extraHeaders: Record<string, string> = {}): Promise<Exchange> {
    const body = this.encode(msg);
    const headers: Record<string, string> = { "Content-Type": `application/vnd.syncml.dm+${this.encoding}`, ...extraHeaders };
    if (this.o.scheme === "hmac" && !this.o.noCredentials && !("x-syncml-hmac" in extraHeaders)) {
      headers["x-syncml-hmac"] = `algorithm=MD5, username="${this.o.name}", mac=${creds.hmac(this.o.name, this.o.secret, this.o.nonce, body)}`;
    }
    const http = await post(this.o.url, this.o.ca, body, headers);
    if (http.status !== 200) throw new Error(`HTTP ${http.status}: ${Buffer.from(http.body).toString("utf8").slice(0, 200)}`);
    const reply = decodeMessage(http.body);
    this.checkServer(reply, http);
    const x = { sent: msg, reply, http };
    this.exchanges.push(x);
    return x;
  }

  private checkServer(reply: SyncMLMessage, http: HttpReply): void {
    const s = this.o.server;
    if (!s) return;
    if (this.o.scheme === "hmac") {
      const v = String(http.headers["x-syncml-hmac"] ?? "");
      const mac = /mac=([A-Za-z0-9+/=]+)/.exec(v)?.[1];
      this.serverCredOk.push(mac === creds.hmac(s.name, s.secret, s.nonce, http.body));
      return;
    }
    const c = reply.header.cred;
    if (!c) return void (this.acceptedServer || this.serverCredOk.push(false)); // after our 212 none is due
    this.serverCredOk.push(c.data === (this.o.scheme === "basic" ? creds.basic(s.name, s.secret) : creds.md5(s.name, s.secret, s.nonce)));
  }

  devInfoReplace(cmdId: string): Command {
    const info: Record<string, string> = { DevId: this.o.deviceId, Man: "Scripted Handsets", Mod: "Test 1", DmV: "1.2", Lang: "en-US" };
    return {
      kind: "Replace", cmdId,
      items: Object.entries(info).map(([k, v]) => ({ source: { locURI: `./DevInfo/${k}` }, meta: { format: "chr", type: "text/plain" }, data: v })),
    };
  }

  /** Package 1: Alert 1200/1201, DevInfo, Final. After a 401/407 the same package again, with Status for the server's SyncHdr. */
  package1(alert = "1201", previous?: SyncMLMessage): SyncMLMessage {
    const commands: Command[] = [];
    let id = 0;
    if (previous) commands.push(this.headerStatus(previous, String(++id), "200"));
    commands.push({ kind: "Alert", cmdId: String(++id), data: alert, items: [] });
    commands.push(this.devInfoReplace(String(++id)));
    return { header: this.header(true), body: { commands, final: true } };
  }

  headerStatus(server: SyncMLMessage, cmdId: string, code: string): StatusCommand {
    const h = server.header;
    const s: StatusCommand = {
      kind: "Status", cmdId, msgRef: h.msgId, cmdRef: "0", cmd: "SyncHdr", targetRefs: [h.target.locURI], sourceRefs: [h.source.locURI], data: code, items: [],
    };
    if (this.o.renewServerNonce) s.chal = { type: this.o.scheme === "hmac" ? "syncml:auth-MAC" : "syncml:auth-md5", format: "b64", nextNonce: b64(this.o.renewServerNonce) };
    return s;
  }

  /** The header status the server gave us, and takes the Chal's NextNonce for the next digest. */
  takeHeaderStatus(reply: SyncMLMessage): StatusCommand | undefined {
    const s = reply.body.commands.find((c): c is StatusCommand => c.kind === "Status" && c.cmd === "SyncHdr");
    if (s?.chal?.nextNonce) this.o.nonce = new Uint8Array(Buffer.from(s.chal.nextNonce, "base64"));
    return s;
  }

  /** Server commands that need an answer (everything but Status; Alert 1222/1223 are protocol, not management). */
  static managementCommands(m: SyncMLMessage): Command[] {
    return m.body.commands.filter((c) => c.kind !== "Status" && !(c.kind === "Alert" && (c.data === "1222" || c.data === "1223")));
  }

  private execute(c: Command, msgRef: string, out: Command[], ids: () => string, skip: boolean): void {
    const status = (code: string, items: Item[] = [], target?: string): StatusCommand => ({
      kind: "Status", cmdId: ids(), msgRef, cmdRef: c.cmdId, cmd: c.kind === "Unsupported" ? c.name : c.kind,
      targetRefs: target ? [target] : [], sourceRefs: [], data: code, items,
    });
    if (skip) return void out.push(status("215"));
    switch (c.kind) {
      case "Get": {
        const found = c.items.map((i) => i.target?.locURI ?? "").filter((u) => this.tree.has(u));
        if (found.length < c.items.length) return void out.push(status("404", [], c.items[0].target?.locURI));
        out.push(status("200", [], c.items[0].target?.locURI));
        const res: ResultsCommand = { kind: "Results", cmdId: ids(), msgRef, cmdRef: c.cmdId, targetRefs: [], sourceRefs: [], items: [] };
        for (const u of found) res.items.push({ source: { locURI: u }, meta: { format: "chr", type: "text/plain" }, data: this.tree.get(u)! });
        return void out.push(res);
      }
      case "Add":
      case "Replace": {
        let code = "200";
        for (const i of c.items) {
          const uri = i.target?.locURI ?? "";
          const part = typeof i.data === "string" ? Buffer.from(i.data) : i.data instanceof Uint8Array ? Buffer.from(i.data) : Buffer.alloc(0);
          const binary = i.data instanceof Uint8Array;
          if (i.moreData) {
            const p = this.chunks.get(uri) ?? { parts: [], binary, ...(i.meta?.size !== undefined ? { size: i.meta.size } : {}) };
            p.parts.push(part);
            this.chunks.set(uri, p);
            code = "213";
            continue;
          }
          const p = this.chunks.get(uri);
          this.chunks.delete(uri);
          const whole = p ? Buffer.concat([...p.parts, part]) : part;
          if (p?.size !== undefined && whole.length !== p.size) code = "424";
          else if (!p && c.kind === "Add" && this.tree.has(uri)) code = "418";
          else if (binary || p?.binary) {
            this.binary.set(uri, whole);
            this.tree.set(uri, `[${whole.length} octets]`);
          } else this.tree.set(uri, whole.toString("utf8"));
        }
        return void out.push(status(code, [], c.items[0]?.target?.locURI));
      }
      case "Delete": {
        const uri = c.items[0]?.target?.locURI ?? "";
        const existed = this.tree.delete(uri);
        return void out.push(status(existed ? "200" : "404", [], uri));
      }
      case "Exec":
      case "Copy":
        return void out.push(status("200", [], c.items[0]?.target?.locURI));
      case "Atomic":
      case "Sequence": {
        out.push(status("200"));
        let stop = false;
        for (const x of c.commands) {
          const before = out.length;
          this.execute(x, msgRef, out, ids, stop);
          const s = out[before] as StatusCommand;
          if (c.kind === "Sequence" && x.kind === "Alert" && s.data === "304") stop = true;
        }
        return;
      }
      case "Alert": {
        const ui = this.o.ui ?? {};
        if (c.data === "1101") return void out.push(status(ui.confirm ?? "200"));
        if (c.data === "1102") return void out.push(status("200", [{ data: ui.text ?? "typed" }]));
        if (c.data === "1103" || c.data === "1104") return void out.push(status("200", (ui.choices ?? ["1"]).map((d) => ({ data: d }))));
        return void out.push(status("200"));
      }
      default:
        return void out.push(status("406"));
    }
  }

  /** Status for the server's protocol alerts (1222 more messages): every Alert gets one (§2.1.1). */
  alertStatuses(server: SyncMLMessage, ids: () => string): StatusCommand[] {
    return server.body.commands
      .filter((c) => c.kind === "Alert" && c.data === "1222")
      .map((c) => ({ kind: "Status", cmdId: ids(), msgRef: server.header.msgId, cmdRef: c.cmdId, cmd: "Alert", targetRefs: [], sourceRefs: [], data: "200", items: [] }));
  }

  /** Our answer to a server message: Status for its SyncHdr, then the commands' Status and Results. */
  answer(server: SyncMLMessage, final = server.body.final): SyncMLMessage {
    let id = 0;
    const ids = () => String(++id);
    const commands: Command[] = [this.headerStatus(server, ids(), this.o.scheme === "hmac" ? "200" : "212")];
    if (this.o.scheme !== "hmac") this.acceptedServer = true;
    commands.push(...this.alertStatuses(server, ids));
    for (const c of ScriptedClient.managementCommands(server)) this.execute(c, server.header.msgId, commands, ids, false);
    return { header: this.header(false), body: { commands, final } };
  }

  /**
   * Splits Results data longer than chunkResultsOver into MoreData chunks over several messages (§2.2): the
   * first message keeps everything else; each later one carries the next chunk; only the last has Final.
   */
  chunked(msg: SyncMLMessage): SyncMLMessage[] {
    const limit = this.o.chunkResultsOver;
    if (!limit) return [msg];
    const big = msg.body.commands.find((c): c is ResultsCommand => c.kind === "Results" && c.items.some((i) => typeof i.data === "string" && i.data.length > limit));
    if (!big) return [msg];
    const idx = big.items.findIndex((i) => typeof i.data === "string" && i.data.length > limit);
    const item = big.items[idx];
    const data = item.data as string;
    const parts: string[] = [];
    for (let i = 0; i < data.length; i += limit) parts.push(data.slice(i, i + limit));
    const out: SyncMLMessage[] = [];
    parts.forEach((p, k) => {
      const last = k === parts.length - 1;
      const meta: Meta = { ...item.meta, ...(k === 0 ? { size: Buffer.byteLength(data) } : {}) };
      const chunkItem: Item = { ...item, meta, data: p, ...(last ? {} : { moreData: true }) };
      const results: ResultsCommand = { ...big, items: [chunkItem] };
      if (k === 0) {
        const cmds = msg.body.commands.map((c) => (c === big ? results : c));
        out.push({ header: msg.header, body: { commands: cmds, final: last && msg.body.final } });
      } else {
        out.push({ header: this.header(false), body: { commands: [results], final: last && msg.body.final } });
      }
    });
    return out;
  }

  /**
   * A whole session: package 1 (retrying once per 401/407 with the server's new nonce), then answers until the
   * server sends a message with nothing to answer. Returns the server's messages.
   */
  async run(alert = "1201", maxMessages = 200): Promise<SyncMLMessage[]> {
    const replies: SyncMLMessage[] = [];
    let x = await this.send(this.package1(alert));
    replies.push(x.reply);
    for (let retry = 0; ; retry++) {
      const hs = this.takeHeaderStatus(x.reply);
      if (!hs || (hs.data !== "401" && hs.data !== "407")) break;
      if (retry >= 2) throw new Error(`authentication refused: ${hs.data}`);
      this.o.noCredentials = false;
      x = await this.send(this.package1(alert, x.reply));
      replies.push(x.reply);
    }
    for (let n = 0; n < maxMessages; n++) {
      const server = x.reply;
      this.takeHeaderStatus(server);
      if (server.body.commands.some((c) => c.kind === "Alert" && c.data === "1223")) {
        this.closedBy = "abort";
        return replies;
      }
      const todo = ScriptedClient.managementCommands(server);
      const moreAsked = server.body.commands.some((c) => c.kind === "Alert" && c.data === "1222");
      if (todo.length === 0 && server.body.final && !moreAsked) {
        this.closedBy = "server"; // only Status: the session is over, nothing is sent (§2.3.6)
        return replies;
      }
      const answer = this.answer(server, server.body.final);
      const msgs = this.chunked(answer);
      for (let k = 0; k < msgs.length; k++) {
        if (k > 0) {
          // The server's "next message" reply asked for more (Alert 1222): the next chunk answers it.
          const prev = x.reply;
          if (!prev.body.commands.some((c) => c.kind === "Alert" && c.data === "1222")) throw new Error("server did not ask for the next chunk");
          msgs[k].body.commands.unshift(this.headerStatus(prev, "0", "200"), ...this.alertStatuses(prev, () => "0"));
          msgs[k].body.commands.forEach((c, i) => (c.cmdId = String(i + 1)));
        }
        x = await this.send(msgs[k]);
        replies.push(x.reply);
      }
    }
    throw new Error("session did not end");
  }
}
