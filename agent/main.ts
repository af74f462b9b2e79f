// Bundle entry: reads globalThis.device once, boots the agent, publishes globalThis.dmAgent for the host.
import type { Device } from "../hal/device.js";
import { Agent, AGENT_VERSION, type AgentStatus } from "./agent.js";

/** What the host sees of the agent. */
export interface DmAgentApi {
  readonly version: string;
  status(): AgentStatus;
  close(): void;
}

const root = globalThis as unknown as { device?: Device; dmAgent?: DmAgentApi };
const device = root.device;
if (!device || typeof device !== "object") throw new TypeError("dm-agent: globalThis.device is not defined");

const agent = new Agent(device);
root.dmAgent = {
  version: AGENT_VERSION,
  status: () => agent.status(),
  close: () => agent.close(),
};
agent.boot();
