// The agent: owns the HAL handles, boots, and runs every asynchronous task through one place that
// reports failures (QuickJS hosts have no portable unhandled-rejection hook).
import type { Device } from "../hal/device.js";
import type { ConfigDomain } from "../hal/config.js";
import type { SMS } from "../hal/sms.js";
import { Tracer } from "./trace.js";
import { StoreLock } from "./store-lock.js";
import { Tree } from "./cm/tree.js";
import { DEFAULT_URI_LIMITS } from "./cm/uri.js";
import { FACTORY_ROOT_ACL, standardCsps } from "../csp/index.js";
import { runSession, type SessionRequest, type SessionSummary } from "./dm/run-session.js";
import { checkAlert, queueAlert } from "./dm/generic-alerts.js";

export const AGENT_VERSION = "0.1.0";
export const HAL_MAJOR = 1;
/** The agent's own state lives under this key of the native config store. */
export const STATE_DOMAIN = "dm-agent";

/** What the agent accepts from a server (announced in every message as MaxMsgSize and MaxObjSize). */
export const MAX_MSG_SIZE = 64 * 1024;
export const MAX_OBJ_SIZE = 256 * 1024;
/** A session that lasts longer is ended. */
export const SESSION_TIME_LIMIT = 10 * 60 * 1000;

export type AgentState = "booting" | "ready" | "closed" | "failed";

export interface AgentStatus {
  readonly state: AgentState;
  readonly version: string;
  readonly boots: number;
  /** Asynchronous tasks and DM sessions still running: the host waits for 0 before it calls the agent idle. */
  readonly busy: number;
}

export type { SessionRequest, SessionSummary };

export class Agent {
  readonly tracer: Tracer;
  state: AgentState = "booting";
  boots = 0;
  private busy = 0;
  private store: ConfigDomain | undefined;
  private sms: SMS | undefined;
  private booted: Promise<void> | undefined;
  /** Sessions run one after the other. */
  private sessions: Promise<unknown> = Promise.resolve();
  private readonly cancels = new Set<() => void>();
  /** One transaction at a time on the store, for every writer in the agent. */
  lock: StoreLock | undefined;
  tree: Tree | undefined;

  constructor(readonly device: Device) {
    const major = Number(String(device.version).split(".")[0]);
    if (major !== HAL_MAJOR) throw new Error(`HAL version ${device.version} is not supported (need ${HAL_MAJOR}.x)`);
    this.tracer = new Tracer(device);
  }

  /** Runs an asynchronous task; a failure is logged and traced, never left unhandled. */
  spawn(name: string, task: () => Promise<void>): void {
    this.busy++;
    task().then(
      () => { this.busy--; },
      (error: unknown) => {
        this.busy--;
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        this.tracer.log("error", `${name} failed: ${message}`);
        this.tracer.event("agent.error", { task: name, error: message });
      },
    );
  }

  boot(): void {
    this.tracer.event("agent.boot", { version: AGENT_VERSION, hal: this.device.version });
    let started!: () => void;
    let failed!: (e: unknown) => void;
    this.booted = new Promise<void>((resolve, reject) => {
      started = resolve;
      failed = reject;
    });
    this.booted.catch(() => undefined);
    this.spawn("boot", async () => {
      try {
        // One domain over the whole store: the tree, CSPs and the agent's state share its transactions.
        const store = (this.store = this.device.config.open({ path: "" }));
        const lock = (this.lock = new StoreLock(store));
        const device = this.device;
        this.tree = new Tree({
          csps: standardCsps(device, DEFAULT_URI_LIMITS),
          rootAcl: FACTORY_ROOT_ACL,
          now: () => device.clock.now(),
          log: (level, message) => this.tracer.log(level, message),
        });
        const key = `${STATE_DOMAIN}/boots`;
        const previous = store.read(key);
        this.boots = (previous && previous.type === "int32" ? previous.value : 0) + 1;
        await lock.runTransaction((tx) => tx.write(key, { type: "int32", value: this.boots }));
        if (this.device.io.SMS) this.openSms();
        this.state = "ready";
        this.tracer.event("agent.ready", { boots: this.boots });
        started();
      } catch (error) {
        this.state = "failed";
        failed(error);
        throw error;
      }
    });
  }

  /**
   * A DM session with `request.serverId` (the Push Router calls this with the notification's session id and
   * Alert 1200; the host's dmAgent.startSession with 1201). Sessions run one at a time, in the order asked.
   * Never rejects: the summary says how it went.
   */
  startSession(request: SessionRequest): Promise<SessionSummary> {
    if (!request || typeof request.serverId !== "string" || request.serverId === "") {
      return Promise.reject(new TypeError("startSession: serverId required"));
    }
    if (request.alert !== undefined && request.alert !== 1200 && request.alert !== 1201) {
      return Promise.reject(new RangeError("startSession: alert must be 1200 or 1201"));
    }
    this.busy++;
    const run = this.sessions.then(async (): Promise<SessionSummary> => {
      await this.booted;
      if (this.state !== "ready") return { status: "failed", reason: `agent ${this.state}`, packages: 0, commands: 0 };
      let cancel: (() => void) | undefined;
      try {
        return await runSession({
          device: this.device, lock: this.lock!, tree: this.tree!, tracer: this.tracer, uriLimits: DEFAULT_URI_LIMITS,
          maxMsgSize: MAX_MSG_SIZE, maxObjSize: MAX_OBJ_SIZE, timeLimit: SESSION_TIME_LIMIT,
          onCancel: (c) => this.cancels.add((cancel = c)),
        }, request);
      } finally {
        if (cancel) this.cancels.delete(cancel);
      }
    });
    const settled = run.then(
      (summary) => summary,
      (error: unknown): SessionSummary => {
        const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        this.tracer.log("error", `session failed: ${reason}`);
        return { status: "failed", reason, packages: 0, commands: 0 };
      },
    );
    this.sessions = settled;
    return settled.then((summary) => {
      this.busy--;
      return summary;
    });
  }

  /** Queues a generic alert (1226) in the store; the next session with a matching server sends it. */
  async genericAlert(alert: unknown): Promise<void> {
    const a = checkAlert(alert);
    this.busy++;
    try {
      await this.booted;
      await this.lock!.runTransaction((tx) => queueAlert(tx, a));
      this.tracer.event("alert.queued", { type: a.type, server: a.serverId ?? null });
    } finally {
      this.busy--;
    }
  }

  private openSms(): void {
    const agent = this;
    this.sms = new this.device.io.SMS!({
      ports: [2948, 9200],
      onReadable() {
        agent.drainSms();
      },
      onError(error) {
        agent.tracer.event("sms.error", { code: error.code });
        agent.sms = undefined;
      },
    });
    this.drainSms(); // messages that waited through a restart
  }

  private drainSms(): void {
    const sms = this.sms;
    if (!sms) return;
    for (let message = sms.read(); message; message = sms.read()) {
      this.tracer.event("sms.received", { id: message.id, bytes: message.pdu.byteLength }, 2);
      sms.acknowledge(message.id);
    }
  }

  status(): AgentStatus {
    return { state: this.state, version: AGENT_VERSION, boots: this.boots, busy: this.busy };
  }

  close(): void {
    if (this.state === "closed") return;
    this.state = "closed";
    for (const cancel of this.cancels) cancel();
    // A store or modem that already died must not keep the agent from closing.
    try {
      this.sms?.close();
    } catch {
      // gone
    }
    try {
      this.store?.close();
    } catch {
      // gone
    }
    this.tracer.event("agent.closed");
  }
}
