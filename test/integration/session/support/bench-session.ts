// For `npm run bench`: one session of 200 commands (100 Replace, 100 Get after a setup package) with the real
// bundle in QuickJS over the emulated HAL, against the scripted server over TLS on loopback. Reports the QuickJS
// heap peak (memory_used_size at the end of each VM entry) and the wall time of the session.
import { tempDir } from "../../../support/temp.js";
import { ScriptedServer, add, get, replace } from "./scripted-server.js";
import { bootDevice, provision, runSession, CA_DIR } from "./device.js";
import type { Command } from "../../../../agent/syncml/index.js";

export interface SessionBench {
  readonly peak: number;
  readonly ms: number;
  readonly status: string;
}

export function twoHundredCommands(): Command[][] {
  const setup: Command[] = [replace("./Vendor?prop=ACL", "Add=*&Delete=*&Get=*&Replace=*", "chr", "1")];
  for (let i = 0; i < 50; i++) setup.push(add(`./Vendor/Budget/N${i}`, "initial value", "chr", String(i + 2)));
  const work: Command[] = [];
  for (let i = 1; i <= 200; i++) {
    const uri = `./Vendor/Budget/N${(i >> 1) % 50}`;
    work.push(i % 2 ? replace(uri, `value number ${i} for the budget test`, "chr", String(i)) : get(uri, String(i)));
  }
  return [setup, work];
}

export async function benchSession(encoding: "xml" | "wbxml"): Promise<SessionBench> {
  const dir = tempDir();
  const server = await new ScriptedServer({ caDir: CA_DIR, packages: twoHundredCommands() }).start();
  try {
    await provision(dir.path, { serverId: "dm.bench", url: server.url, encoding, trustAnchors: [server.ca.caDer] });
    const h = await bootDevice(dir.path);
    try {
      const started = performance.now();
      const summary = await runSession(h, { serverId: "dm.bench" });
      return { peak: h.vm.peakMemory, ms: performance.now() - started, status: summary.status };
    } finally {
      h.shutdown();
    }
  } finally {
    await server.stop();
    dir.remove();
  }
}
