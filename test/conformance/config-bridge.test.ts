// The config-store conformance suite against the store as the agent sees it: the VM's device.config,
// reflected back into Node, so every call, value and commit callback crosses the QuickJS boundary twice.
// Runs on release-sync, and on debug-sync with the leak sanitizer checked after every case.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ConfigStore } from "../../hal/config.js";
import { AgentVM } from "../../hal/bridge/vm.js";
import { createEmulatedDevice, type EmulatedDevice } from "../../hal/emulated/device.js";
import { configConformance } from "./suite/config.js";
import { assertNoLeak, leakCheckedModule } from "../support/leak.js";

for (const variant of ["release", "debug"] as const) {
  configConformance(`emulated config store through the QuickJS bridge (${variant}-sync)`, async () => {
    const directory = mkdtempSync(join(tmpdir(), "dm-config-"));
    const module = variant === "debug" ? await leakCheckedModule() : undefined;
    let emulated: EmulatedDevice;
    let vm: AgentVM;
    const boot = async (): Promise<ConfigStore> => {
      emulated = createEmulatedDevice({ directory });
      vm = await AgentVM.create({ device: emulated.device, bundle: "void 0", variant, module, deadline: 5000 });
      return vm.reflect("device.config") as ConfigStore;
    };
    const halt = () => {
      vm.dispose();
      emulated.close();
      if (module) assertNoLeak(module);
    };
    const store = await boot();
    return {
      store,
      async reopen() {
        halt();
        return boot();
      },
      async dispose() {
        halt();
        rmSync(directory, { recursive: true, force: true });
      },
    };
  });
}
