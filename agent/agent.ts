// The agent: owns the HAL handles, boots, and runs every asynchronous task through one place that
// reports failures (QuickJS hosts have no portable unhandled-rejection hook).
import type { Device } from "../hal/device.js";
import type { ConfigDomain } from "../hal/config.js";
import type { SMS } from "../hal/sms.js";
import { settle } from "../hal/async.js";
import { Tracer } from "./trace.js";

export const AGENT_VERSION = "0.1.0";
export const HAL_MAJOR = 1;
/** The agent's own state lives in this domain of the native config store. */
export const STATE_DOMAIN = "dm-agent";

export type AgentState = "booting" | "ready" | "closed" | "failed";

export interface AgentStatus {
  readonly state: AgentState;
  readonly version: string;
  readonly boots: number;
  /** Asynchronous tasks still running: the host waits for 0 before it calls the agent idle. */
  readonly busy: number;
}

export class Agent {
  readonly tracer: Tracer;
  state: AgentState = "booting";
  boots = 0;
  private busy = 0;
  private store: ConfigDomain | undefined;
  private sms: SMS | undefined;

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
    this.spawn("boot", async () => {
      const store = (this.store = this.device.config.open({ path: STATE_DOMAIN }));
      const previous = store.read("boots");
      this.boots = (previous && previous.type === "int32" ? previous.value : 0) + 1;
      const tx = store.begin();
      tx.write("boots", { type: "int32", value: this.boots });
      await settle((done) => tx.commit(done));
      if (this.device.io.SMS) this.openSms();
      this.state = "ready";
      this.tracer.event("agent.ready", { boots: this.boots });
    });
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
    this.sms?.close();
    this.store?.close();
    this.tracer.event("agent.closed");
  }
}
