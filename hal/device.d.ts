import type { SMSConstructor } from "./sms.js";
import type { HTTPClientDefaults } from "./https.js";
import type { ConfigStore } from "./config.js";
import type { Clock, Timer } from "./clock.js";
import type { Random } from "./random.js";
import type { DeviceInformation } from "./info.js";
import type { UserInterface } from "./ui.js";
import type { Log } from "./log.js";
import type { Trace } from "./trace.js";

/**
 * The host provider (ECMA-419 "host provider"). The port defines `globalThis.device` before it evaluates
 * the bundle; the bundle reads it once, in its entry module, and passes it down. Optional members are
 * detected by presence.
 */
export interface Device {
  /** HAL contract version, "MAJOR.MINOR". The agent refuses a MAJOR it does not know (it knows 1). */
  readonly version: string;
  readonly io: {
    /** SMS receiver; absent when the port delivers WAP Push some other way (or not at all). */
    readonly SMS?: SMSConstructor;
  };
  readonly network: {
    /** HTTPS client: `io` is the constructor, the rest are defaults merged under the agent's options. */
    readonly https: { readonly client: HTTPClientDefaults };
  };
  readonly config: ConfigStore;
  readonly clock: Clock;
  readonly timer: Timer;
  readonly random: Random;
  readonly info: DeviceInformation;
  /** Absent on headless devices: user-interaction alerts then get their default answers. */
  readonly ui?: UserInterface;
  /** Absent: the agent logs nothing. */
  readonly log?: Log;
  /** Absent: the agent emits no trace events. */
  readonly trace?: Trace;
}
