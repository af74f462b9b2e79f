// The config-store conformance suite against the emulated store, called directly from Node.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openConfigStore, type EmulatedConfigStore } from "../../hal/emulated/config-store.js";
import { configConformance } from "./suite/config.js";

configConformance("emulated config store (direct)", async () => {
  const directory = mkdtempSync(join(tmpdir(), "dm-config-"));
  let store: EmulatedConfigStore = openConfigStore({ directory });
  return {
    store,
    async reopen() {
      store.close();
      store = openConfigStore({ directory });
      return store;
    },
    async dispose() {
      store.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
});
