/**
 * Structured trace events: one for every step of the DM flow (1-13 in DESIGN.md) and for every decision
 * the agent takes (push accepted or rejected and why, package sent, status returned...). They never carry
 * secrets. Hosts print them, store them, or draw them as a sequence diagram.
 */
export type TraceValue = string | number | boolean | null;

export interface TraceEvent {
  /** Step of the 13-step flow this event belongs to, when it belongs to one. */
  readonly step?: number;
  /** Dotted event name, e.g. "push.accepted", "session.package". */
  readonly name: string;
  /** Monotonic ms when the event happened. */
  readonly at: number;
  readonly detail?: Readonly<Record<string, TraceValue>>;
}

export interface Trace {
  /** Synchronous, never throws, may drop. */
  write(event: TraceEvent): void;
}
