// Emulated handsets for the session tests: a DM account written into the native store the way the DMAcc CSP
// keeps it (agent/dm/account.ts layout), the real bundle booted over the emulated HAL, and sessions run
// through dmAgent as a host would.
import { join } from "node:path";
import { tmpdir } from "node:os";
import type { ConfigValue } from "../../../../hal/config.js";
import { openConfigStore } from "../../../../hal/emulated/config-store.js";
import { Handset, type HandsetOptions } from "../../../../hal/emulated/handset.js";
import { commit } from "../../../conformance/suite/config.js";
import type { Credentials } from "./scripted-server.js";

/** One test CA for every test run (ensureTestCA reuses it while valid). */
export const CA_DIR = join(tmpdir(), "dm-agent-session-test-ca");

export interface AccountSpec {
  readonly serverId: string;
  readonly url: string;
  readonly encoding?: "xml" | "wbxml";
  readonly clientAuth?: Credentials & { nonce?: Uint8Array };
  readonly serverAuth?: Credentials & { nonce?: Uint8Array };
  readonly trustAnchors?: readonly Uint8Array[];
  readonly preference?: "BASIC" | "DIGEST" | "HMAC";
}

const str = (value: string): ConfigValue => ({ type: "string", value });
const buf = (b: Uint8Array): ConfigValue => ({ type: "buffer", value: b.slice().buffer });

/** Writes the account into the device's store (before boot). */
export async function provision(directory: string, account: AccountSpec, id = "acc1"): Promise<void> {
  const store = openConfigStore({ directory: join(directory, "config") });
  try {
    const tx = store.open({ path: "" }).begin();
    const base = `DMAcc/${id}`;
    tx.write(`${base}/AppID`, str("w7"));
    tx.write(`${base}/ServerID`, str(account.serverId));
    tx.write(`${base}/Name`, str("test server"));
    tx.write(`${base}/AppAddr/1/Addr`, str(account.url));
    tx.write(`${base}/AppAddr/1/AddrType`, str("URI"));
    if (account.preference) tx.write(`${base}/AAuthPref`, str(account.preference));
    const auth = (y: string, level: string, c: Credentials & { nonce?: Uint8Array }) => {
      tx.write(`${base}/AppAuth/${y}/AAuthLevel`, str(level));
      tx.write(`${base}/AppAuth/${y}/AAuthType`, str(c.type));
      tx.write(`${base}/AppAuth/${y}/AAuthName`, str(c.name));
      tx.write(`${base}/AppAuth/${y}/AAuthSecret`, str(c.secret));
      if (c.nonce) tx.write(`${base}/AppAuth/${y}/AAuthData`, buf(c.nonce));
    };
    if (account.clientAuth) auth("c", "CLCRED", account.clientAuth);
    if (account.serverAuth) auth("s", "SRVCRED", account.serverAuth);
    tx.write(`${base}/Ext/Encoding`, str(account.encoding ?? "xml"));
    (account.trustAnchors ?? []).forEach((der, i) => tx.write(`${base}/Ext/TrustAnchors/${i + 1}`, buf(der)));
    await commit(tx);
  } finally {
    store.close();
  }
}

export interface Summary {
  status: "completed" | "aborted" | "failed";
  reason?: string;
  sessionId?: string;
  packages: number;
  commands: number;
}

export async function bootDevice(directory: string, options: Partial<HandsetOptions> = {}): Promise<Handset> {
  const handset = await Handset.boot({ directory, deadline: 5000, ...options });
  await handset.idle();
  return handset;
}

/**
 * Runs a session through dmAgent.startSession. Virtual time stands still unless `tick` is given: then it
 * moves by `tick` ms whenever the network is quiet (or always, with `always`), so retry back-offs and time
 * limits come due.
 */
export async function runSession(handset: Handset, request: Record<string, unknown>, tick?: number, always = false): Promise<Summary> {
  const done = handset.vm.call("startSession", request) as Promise<Summary>;
  if (!tick) return done;
  let finished = false;
  void done.then(() => { finished = true; }, () => { finished = true; });
  while (!finished) {
    await new Promise((r) => setTimeout(r, 10));
    if (!finished && (always || handset.control.network.inFlight() === 0)) await handset.control.time.advance(tick);
  }
  return done;
}

/** The agent's state keys in the store, read from the live emulated store. */
export function readKey(handset: Handset, key: string): ConfigValue | undefined {
  return handset.control.store.open({ path: "", mode: "r" }).read(key);
}
