// One DM session end to end: the account, the transport, the session engine, the DPU over the tree, the
// store writes it needs (nonces, delivered alerts) through the store lock, a time limit, and the trace of
// steps 4-13. Whatever happens, it resolves with a summary and leaves nothing open.
import type { Device } from "../../hal/device.js";
import type { TraceValue } from "../../hal/trace.js";
import type { Tree } from "../cm/tree.js";
import type { UriLimits } from "../cm/uri.js";
import type { Item } from "../syncml/index.js";
import type { Tracer } from "../trace.js";
import { readView, StoreFailure, type StoreLock } from "../store-lock.js";
import { authFor, findAccount, writeNonce, type DmAccount } from "./account.js";
import { parseServerUrl, resolveRespUri } from "./url.js";
import { Transport, TransportError } from "./transport.js";
import { DmSession, type Outgoing, type Step } from "./session.js";
import { pendingAlerts, removeAlerts } from "./generic-alerts.js";
import { Dpu } from "../dpu/dpu.js";

export interface SessionRequest {
  readonly serverId: string;
  /** The notification's session id (a number is written in hex, as DM_Notification has it) or any text. */
  readonly sessionId?: string | number;
  /** 1200 after a server notification, 1201 (default) when the device starts. */
  readonly alert?: 1200 | 1201;
  /** Overrides the account's encoding. */
  readonly encoding?: "xml" | "wbxml";
  /**
   * The Push Router authenticated the notification with the re-synchronisation nonce: the server must get a
   * new nonce in this session. The session gives one whenever it authenticates the server (Chal in its 212),
   * so this only shows in the trace.
   */
  readonly resync?: boolean;
}

export interface SessionSummary {
  readonly status: "completed" | "aborted" | "failed";
  readonly reason?: string;
  readonly sessionId?: string;
  /** Server packages received. */
  readonly packages: number;
  /** Server commands run. */
  readonly commands: number;
}

export interface SessionContext {
  readonly device: Device;
  readonly lock: StoreLock;
  readonly tree: Tree;
  readonly tracer: Tracer;
  readonly uriLimits: UriLimits;
  /** Message and object sizes the agent accepts (announced as MaxMsgSize and MaxObjSize). */
  readonly maxMsgSize: number;
  readonly maxObjSize: number;
  /** ms a session may last. */
  readonly timeLimit: number;
  /** Transport timings (tests shorten them). */
  readonly retryDelay?: number;
  /** Lets the agent end the session early (on close). */
  onCancel?(cancel: () => void): void;
}

const DEVINFO = ["DevId", "Man", "Mod", "DmV", "Lang"];
/** A session that goes round this many times is not converging: it ends (the time limit is the other bound). */
const MAX_EXCHANGES = 5000;

function sessionIdOf(id: string | number | undefined, random: (n: number) => Uint8Array): string {
  if (typeof id === "number" && isFinite(id) && id >= 0) return Math.floor(id).toString(16).toUpperCase();
  if (typeof id === "string" && id !== "") return id;
  const b = random(2);
  return ((b[0] << 8) | b[1] || 1).toString(16).toUpperCase();
}

export async function runSession(ctx: SessionContext, request: SessionRequest): Promise<SessionSummary> {
  const { device, lock, tree, tracer } = ctx;
  const trace = (name: string, detail?: Record<string, TraceValue>, step?: number) => tracer.event(name, detail, step);
  const random = (n: number) => {
    const b = new Uint8Array(n);
    device.random.fill(b);
    return b;
  };
  const serverId = request.serverId;
  const fail = (reason: string): SessionSummary => {
    trace("session.closed", { server: serverId, status: "failed", reason }, 13);
    return { status: "failed", reason, packages: 0, commands: 0 };
  };
  let account: DmAccount | undefined;
  try {
    account = findAccount(lock.domain, serverId);
  } catch (error) {
    return fail(`store unreadable: ${(error as Error).message}`);
  }
  if (!account) return fail(`no DM account for ${serverId}`);
  const url = account.address ? parseServerUrl(account.address, account.port) : undefined;
  if (!url) return fail("the account has no https address");

  const clientAuth = authFor(account, "CLCRED");
  const serverAuth = authFor(account, "SRVCRED");
  const encoding = request.encoding ?? account.encoding;
  const sessionId = sessionIdOf(request.sessionId, random);
  const reader = () => tree.session(readView(lock.domain), serverId);
  const info = device.info.read();
  const devInfo: Item[] = DEVINFO.map((leaf) => {
    let data = leaf === "DevId" ? info.deviceId : leaf === "DmV" ? "1.2" : "";
    try {
      const r = reader().get({ segments: ["DevInfo", leaf] })[0];
      if (typeof r.data === "string") data = r.data;
    } catch {
      // the tree refused: what the HAL says
    }
    return { source: { locURI: `./DevInfo/${leaf}` }, meta: { format: "chr", type: "text/plain" }, data };
  });

  const transport = new Transport(device, {
    url, trustAnchors: account.trustAnchors, maxResponseBytes: ctx.maxMsgSize, retryDelay: ctx.retryDelay,
  });
  let session: DmSession | undefined;
  const dpu = new Dpu({
    serverId,
    transact: (work) => lock.runTransaction((tx) => work(tree.session(tx, serverId))),
    reader,
    ui: device.ui,
    uriLimits: ctx.uriLimits,
    maxObjSize: ctx.maxObjSize,
    peerMaxObjSize: () => session?.serverMaxObjSize,
    binary: encoding === "wbxml",
    trace,
  });
  const acc = account;
  session = new DmSession({
    sessionId, alert: String(request.alert ?? 1201), encoding,
    deviceId: String(devInfo[0].data), serverUri: account.address!,
    clientAuth, serverAuth,
    clientNonce: clientAuth?.data ?? new Uint8Array(0),
    serverNonce: serverAuth?.data ?? new Uint8Array(0),
    devInfo,
    alerts: pendingAlerts(lock.domain, serverId),
    maxMsgSize: ctx.maxMsgSize, maxObjSize: ctx.maxObjSize,
  }, {
    dpu,
    random,
    saveClientNonce: (n) => lock.runTransaction((tx) => writeNonce(tx, acc, clientAuth!, n)),
    saveServerNonce: (n) => lock.runTransaction((tx) => writeNonce(tx, acc, serverAuth!, n)),
    alertsDelivered: (ids) => lock.runTransaction((tx) => removeAlerts(tx, ids)),
    trace,
  });

  let stopped: string | undefined;
  const stop = (reason: string) => {
    if (stopped) return;
    stopped = reason;
    transport.close();
    dpu.close();
  };
  ctx.onCancel?.(() => stop("the agent closed"));
  const timer = device.timer.set(() => stop("time limit"), ctx.timeLimit);

  let summary: SessionSummary;
  const end = (status: SessionSummary["status"], reason?: string): SessionSummary =>
    ({ status, reason, sessionId, packages: session!.packages, commands: dpu.executed });
  const send = async (out: Outgoing) => {
    if (out.respUri) {
      const next = resolveRespUri(transport.url, out.respUri);
      if (next) transport.redirect(next);
    }
    const reply = await transport.post(out.body, out.headers);
    trace("session.sent", { msgId: out.msgId, http: reply.status }, 12);
    return reply;
  };
  const abort = async (step: Step & { kind: "abort" }): Promise<SessionSummary> => {
    try {
      await send(step.message); // best effort: the answer does not matter
    } catch {
      // the session is over either way
    }
    return end("aborted", step.reason);
  };

  trace("session.open", { server: serverId, host: url.host, port: url.port, sessionId, encoding, alert: request.alert ?? 1201, resync: !!request.resync }, 4);
  try {
    let out = session.start();
    trace("session.package1", { msgId: out.msgId, bytes: out.body.length }, 4);
    for (let exchanges = 1; ; exchanges++) {
      if (exchanges > MAX_EXCHANGES) {
        summary = await abort(session.abort("too many messages") as Step & { kind: "abort" });
        break;
      }
      const reply = await send(out);
      if (reply.status !== 200) {
        summary = end("failed", `HTTP status ${reply.status}`);
        break;
      }
      const step = await session.receive({ body: reply.body, hmac: reply.headers.get("x-syncml-hmac") });
      if (stopped) throw new TransportError("closed", stopped);
      if (step.kind === "done") {
        summary = end(step.status, step.reason);
        break;
      }
      if (step.kind === "abort") {
        summary = await abort(step);
        break;
      }
      out = step.message;
    }
  } catch (error) {
    if (stopped) summary = end("failed", stopped);
    else if (error instanceof TransportError && error.code === "too-large") summary = await abort(session.abort(error.message) as Step & { kind: "abort" });
    else if (error instanceof TransportError) summary = end("failed", `transport: ${error.code}`);
    else if (error instanceof StoreFailure) summary = end("failed", `store: ${error.message}`);
    else summary = end("failed", error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  } finally {
    device.timer.clear(timer);
    transport.close();
    dpu.close();
  }
  trace("session.closed", { server: serverId, status: summary.status, reason: summary.reason ?? null, packages: summary.packages, commands: summary.commands }, 13);
  return summary;
}
