// Starts a DmServer on 127.0.0.1:0 in a temporary state directory, registers devices, makes scripted clients,
// and removes everything afterwards.
import { DmServer, type DmServerOptions, type ServerEvent } from "../../../server/dm-server.js";
import { makeEntry, nonceBytes, DeviceRegistry, type DeviceEntry } from "../../../server/registry.js";
import type { AuthScheme } from "../../../server/auth.js";
import { tempDir } from "../../support/temp.js";
import { ScriptedClient, type ClientOptions, type Encoding } from "./scripted-client.js";

export interface Harness {
  server: DmServer;
  dir: string;
  events: ServerEvent[];
  registry: DeviceRegistry;
  register(deviceId: string, scheme: AuthScheme, init?: Partial<DeviceEntry>): DeviceEntry;
  /** A client with the device's current credentials (read from the registry). */
  client(deviceId: string, opts?: Partial<ClientOptions> & { encoding?: Encoding }): ScriptedClient;
  close(): Promise<void>;
}

export async function startHarness(opts: Partial<DmServerOptions> = {}): Promise<Harness> {
  const dir = tempDir("dm-server-test-");
  const events: ServerEvent[] = [];
  let server: DmServer;
  try {
    server = await DmServer.start({ stateDir: dir.path, onEvent: (e) => events.push(e), ...opts });
  } catch (e) {
    dir.remove();
    throw e;
  }
  const registry = new DeviceRegistry(dir.path);
  return {
    server, dir: dir.path, events, registry,
    register(deviceId, scheme, init = {}) {
      const entry = makeEntry({ authScheme: scheme, serverId: "dm.example.net", clientName: `user-${deviceId.replace(/[^A-Za-z0-9]/g, "").slice(-6)}`, ...init });
      registry.put(deviceId, entry);
      return entry;
    },
    client(deviceId, o = {}) {
      const e = registry.get(deviceId);
      if (!e) throw new Error(`not registered: ${deviceId}`);
      return new ScriptedClient({
        url: server.url, ca: server.caPem, deviceId, scheme: e.authScheme, name: e.clientName, secret: e.clientSecret,
        nonce: nonceBytes(e.clientNonce),
        server: { name: e.serverName ?? e.serverId, secret: e.serverSecret, nonce: nonceBytes(e.serverNonce) },
        ...o,
      });
    },
    async close() {
      await server.stop();
      dir.remove();
    },
  };
}
