// An emulated handset running the real bundle: the emulated HAL bound into QuickJS through the bridge.
// The CLIs, the demo, the reference server's tests and the integration tests all start devices this way.
import { AgentVM, type AgentVMOptions } from "../bridge/vm.js";
import { createEmulatedDevice, type DeviceControl, type EmulatedDeviceOptions } from "./device.js";
import type { Device } from "../device.js";

export interface HandsetOptions extends EmulatedDeviceOptions, Omit<Partial<AgentVMOptions>, "device" | "onTrace"> {}

export interface AgentStatus {
  state: string;
  version: string;
  boots: number;
  busy: number;
}

export class Handset {
  private constructor(
    readonly device: Device,
    readonly control: DeviceControl,
    readonly vm: AgentVM,
    private readonly powerOff: () => void,
  ) {}

  static async boot(options: HandsetOptions): Promise<Handset> {
    const emulated = createEmulatedDevice(options);
    try {
      const vm = await AgentVM.create({ ...options, device: emulated.device });
      return new Handset(emulated.device, emulated.control, vm, () => emulated.close());
    } catch (error) {
      emulated.close();
      throw error;
    }
  }

  status(): AgentStatus {
    return this.vm.call("status") as AgentStatus;
  }

  /** Healthy: not stopped by a limit and booted. */
  healthy(): boolean {
    return !this.vm.fatal && this.status().state === "ready";
  }

  /**
   * Resolves once the agent has nothing under way and the edge is quiet (no request in flight, no SMS
   * waiting, no prompt up), twice in a row across a turn of the host's event loop; or when it was stopped.
   * Timers the agent set for later (retries, expiry) do not count as work.
   */
  async idle(timeout = 30_000): Promise<void> {
    const end = Date.now() + timeout;
    let calm = 0;
    while (calm < 2) {
      if (Date.now() > end) throw new Error(`device not idle after ${timeout} ms`);
      await new Promise((r) => setTimeout(r, 5));
      if (this.vm.fatal) return;
      calm = this.control.quiet() && this.status().busy === 0 ? calm + 1 : 0;
    }
  }

  /** Closes the agent and powers the device off. */
  shutdown(): void {
    try {
      if (!this.vm.fatal) this.vm.call("close");
    } finally {
      this.vm.dispose();
      this.powerOff();
    }
  }
}
