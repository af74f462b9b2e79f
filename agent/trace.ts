// Structured trace events and log lines, with secrets removed before anything leaves the agent.
import type { Device } from "../hal/device.js";
import type { LogLevel } from "../hal/log.js";
import type { TraceValue } from "../hal/trace.js";

const LEVELS: LogLevel[] = ["debug", "info", "warn", "error"];

/** Detail keys whose values are never written anywhere (passwords, secrets, nonces, digests). */
const SECRET_KEY = /secret|password|passwd|pin|nonce|digest|cred|key$/i;

export function redact(detail: Readonly<Record<string, TraceValue>> | undefined): Record<string, TraceValue> | undefined {
  if (!detail) return undefined;
  const out: Record<string, TraceValue> = {};
  for (const k of Object.keys(detail)) out[k] = SECRET_KEY.test(k) && detail[k] !== null ? "***" : detail[k];
  return out;
}

export class Tracer {
  constructor(private readonly device: Device) {}

  /** One trace event; `step` is the step of the 13-step DM flow it belongs to, if any. */
  event(name: string, detail?: Readonly<Record<string, TraceValue>>, step?: number): void {
    const trace = this.device.trace;
    if (!trace) return;
    const event: { name: string; at: number; step?: number; detail?: Record<string, TraceValue> } = {
      name,
      at: this.device.clock.monotonic(),
    };
    if (step !== undefined) event.step = step;
    const clean = redact(detail);
    if (clean) event.detail = clean;
    try {
      trace.write(event);
    } catch {
      // The contract says write never throws; a port that does must not take the agent down.
    }
  }

  log(level: LogLevel, message: string): void {
    const log = this.device.log;
    if (!log || LEVELS.indexOf(level) < LEVELS.indexOf(log.level)) return;
    try {
      log.write(level, message);
    } catch {
      // as above
    }
  }
}
