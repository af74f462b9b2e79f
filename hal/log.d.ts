export type LogLevel = "debug" | "info" | "warn" | "error";

export interface Log {
  /** The host's threshold; the agent does not format messages below it. */
  readonly level: LogLevel;
  /** Synchronous, never throws, may drop. The agent removes secrets before it calls. */
  write(level: LogLevel, message: string): void;
}
