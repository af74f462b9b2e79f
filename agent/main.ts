// Bundle entry: reads globalThis.device once, boots the agent, publishes globalThis.dmAgent for the host.
import type { Device } from "../hal/device.js";
import { Agent, AGENT_VERSION, type AgentStatus, type SessionRequest, type SessionSummary } from "./agent.js";

/** What the host sees of the agent. */
export interface DmAgentApi {
  readonly version: string;
  status(): AgentStatus;
  /** A DM session (Alert 1201 unless told 1200); resolves with its summary, never rejects for protocol outcomes. */
  startSession(request: SessionRequest): Promise<SessionSummary>;
  /** Queues a generic alert (1226), persisted, sent in the next session with that server (any server if none). */
  genericAlert(alert: {
    serverId?: string; type: string; format: string; data: string; source?: string; target?: string; mark?: string; correlator?: string;
  }): Promise<void>;
  close(): void;
}

const root = globalThis as unknown as { device?: Device; dmAgent?: DmAgentApi };
const device = root.device;
if (!device || typeof device !== "object") throw new TypeError("dm-agent: globalThis.device is not defined");

const agent = new Agent(device);
root.dmAgent = {
  version: AGENT_VERSION,
  status: () => agent.status(),
  startSession: (request) => agent.startSession(request),
  genericAlert: (alert) => agent.genericAlert(alert),
  close: () => agent.close(),
};
agent.boot();
