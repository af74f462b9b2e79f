// The HAL conformance suite runs against any port. A target makes a fresh device (and, for the emulated
// HAL, the control API that drives its edge). Suites use only the Device interface to exercise the HAL,
// and the control only to make the outside world happen (an SMS arrives, time passes, the network breaks).
import type { Device } from "../../hal/device.js";
import type { DeviceControl } from "../../hal/emulated/device.js";
import { createEmulatedDevice } from "../../hal/emulated/device.js";
import { AgentVM } from "../../hal/bridge/vm.js";
import { assertNoLeak, leakCheckedModule } from "../support/leak.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface ConformanceDevice {
  /** The HAL under test, as the agent sees it. */
  readonly device: Device;
  readonly control: DeviceControl;
  readonly directory: string;
  dispose(): Promise<void>;
}

export interface ConformanceTarget {
  readonly name: string;
  make(options?: { time?: "virtual" | "real"; trust?: string[] }): Promise<ConformanceDevice>;
}

/** The emulated HAL, called directly from Node. */
export const emulatedTarget: ConformanceTarget = {
  name: "emulated HAL (direct)",
  async make(options = {}) {
    const directory = mkdtempSync(join(tmpdir(), "dm-conf-"));
    const emulated = createEmulatedDevice({ directory, time: options.time, trust: options.trust });
    return {
      device: emulated.device,
      control: emulated.control,
      directory,
      async dispose() {
        emulated.close();
        rmSync(directory, { recursive: true, force: true });
      },
    };
  },
};

/**
 * The emulated HAL seen from inside QuickJS: the VM's `globalThis.device` (built by the bridge's prelude over
 * the emulated HAL) reflected back into Node, so every call and every callback crosses the boundary twice.
 */
export function bridgeTarget(variant: "release" | "debug"): ConformanceTarget {
  return {
    name: `emulated HAL through the QuickJS bridge (${variant}-sync)`,
    async make(options = {}) {
      const directory = mkdtempSync(join(tmpdir(), "dm-conf-"));
      const emulated = createEmulatedDevice({ directory, time: options.time, trust: options.trust });
      // debug-sync: a module of its own that fails the test if anything is left allocated after dispose.
      const module = variant === "debug" ? await leakCheckedModule() : undefined;
      const vm = await AgentVM.create({ device: emulated.device, bundle: "void 0", variant, module, deadline: 5000 });
      return {
        device: vm.reflect("device") as Device,
        control: emulated.control,
        directory,
        async dispose() {
          vm.dispose();
          if (module) assertNoLeak(module);
          emulated.close();
          rmSync(directory, { recursive: true, force: true });
        },
      };
    },
  };
}

/** Every way the suite runs: directly, through the bridge, and through the bridge on debug-sync with a leak check. */
export const targets: ConformanceTarget[] = [emulatedTarget, bridgeTarget("release"), bridgeTarget("debug")];
