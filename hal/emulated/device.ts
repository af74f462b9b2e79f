// One emulated handset: every HAL capability in TypeScript for Node, plus the control API tests use to
// inject SMS, break the network, crash the store, answer prompts and move time.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Device } from "../device.js";
import type { DeviceInformationRecord } from "../info.js";
import type { LogLevel } from "../log.js";
import type { TraceEvent } from "../trace.js";
import type { PromptResult } from "../ui.js";
import { realTime, virtualTime, type EmulatedTime } from "./clock.js";
import { openConfigStore, type EmulatedConfigStore, type StoreFaults } from "./config-store.js";
import { Network } from "./https.js";
import { seededRandom, systemRandom } from "./random.js";
import { Modem } from "./sms.js";
import { ScriptedUI } from "./ui.js";

export const HAL_VERSION = "1.0";

export const DEFAULT_INFO: DeviceInformationRecord = {
  deviceId: "IMEI:490154203237518",
  manufacturer: "dm-agent project",
  model: "Emulated Handset",
  deviceType: "phone",
  oem: "dm-agent",
  firmwareVersion: "1.0.0",
  softwareVersion: "0.1.0",
  hardwareVersion: "1.0",
  language: "en-US",
  imsi: "001010123456789",
};

export interface EmulatedDeviceOptions {
  /** Where the device keeps its config store and SMS inbox; reopening it is a reboot. */
  readonly directory: string;
  /** "virtual" (default): time moves only by control.time.advance(). "real": wall time. */
  readonly time?: "virtual" | "real";
  readonly info?: Partial<DeviceInformationRecord>;
  /** PEM certificates in the device's system trust store (the CLI's --trust). */
  readonly trust?: readonly string[];
  /** Scripted prompt answers, in order. false: the device has no UI. */
  readonly ui?: ReadonlyArray<PromptResult<unknown>> | false;
  /** Deterministic random bytes from this seed (default: node:crypto). */
  readonly randomSeed?: string;
  readonly logLevel?: LogLevel;
  readonly storeFaults?: StoreFaults;
  /** false: the device has no SMS receiver. */
  readonly sms?: boolean;
  onTrace?(event: TraceEvent): void;
  onLog?(level: LogLevel, message: string): void;
}

export interface DeviceControl {
  readonly modem: Modem;
  readonly network: Network;
  readonly store: EmulatedConfigStore;
  readonly ui: ScriptedUI | undefined;
  readonly time: EmulatedTime;
  readonly log: Array<{ level: LogLevel; message: string }>;
  readonly trace: TraceEvent[];
  /** Nothing under way at the edge: no request in flight, no SMS waiting, no prompt on screen. */
  quiet(): boolean;
}

export interface EmulatedDevice {
  readonly device: Device;
  readonly control: DeviceControl;
  /** Power off: timers cancelled, store closed. */
  close(): void;
}

export function createEmulatedDevice(options: EmulatedDeviceOptions): EmulatedDevice {
  mkdirSync(options.directory, { recursive: true });
  const time = options.time === "real" ? realTime() : virtualTime();
  const store = openConfigStore({ directory: join(options.directory, "config"), faults: options.storeFaults });
  const modem = new Modem(join(options.directory, "sms-inbox.json"), () => time.clock.now());
  const network = new Network(options.trust ?? []);
  const ui = options.ui === false ? undefined : new ScriptedUI(time.timer, options.ui ?? []);
  const log: DeviceControl["log"] = [];
  const trace: TraceEvent[] = [];
  const info = { ...DEFAULT_INFO, ...options.info };
  const device: Device = {
    version: HAL_VERSION,
    io: options.sms === false ? {} : { SMS: modem.constructorFor() },
    network: { https: { client: { io: network.constructorFor() } } },
    config: store,
    clock: time.clock,
    timer: time.timer,
    random: options.randomSeed !== undefined ? seededRandom(options.randomSeed) : systemRandom(),
    info: { read: () => ({ ...info, extensions: info.extensions ? { ...info.extensions } : undefined }) },
    ui,
    log: {
      level: options.logLevel ?? "info",
      write(level, message) {
        log.push({ level, message: String(message) });
        options.onLog?.(level, String(message));
      },
    },
    trace: {
      write(event) {
        const copy = JSON.parse(JSON.stringify(event)) as TraceEvent;
        trace.push(copy);
        options.onTrace?.(copy);
      },
    },
  };
  const control: DeviceControl = {
    modem, network, store, ui, time, log, trace,
    quiet: () => network.inFlight() === 0 && modem.waiting() === 0 && (ui?.open() ?? 0) === 0,
  };
  return {
    device,
    control,
    close() {
      time.clearAll();
      store.close();
    },
  };
}
