// The device registry: what the server knows of each device it manages (OMA DM 1.2 DMAcc, seen from the server).
// One JSON file in the state directory, `devices.json`: { "<device id>": DeviceEntry }. The device id is the
// LocURI the device puts in its SyncHdr Source (./DevInfo/DevId, e.g. "IMEI:490154203237518").
// Every read goes to the file and every change is read-modify-write, so `dm-server add-device` can register a
// device while the server runs, and nonces survive restarts.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { base64Decode, base64Encode } from "../agent/bytes/base64.js";
import { AUTH_SCHEMES, type AuthScheme } from "./auth.js";
import { readJson, writeJsonAtomic } from "./state-file.js";

export interface DeviceEntry {
  /** The ServerID the device knows this server by (DMAcc ServerID); also the server identifier of package 0. */
  serverId: string;
  /** The server's name in its own credentials (SRVCRED AAuthName); defaults to serverId. */
  serverName?: string;
  /** The device's credentials (CLCRED AAuthName, AAuthSecret). */
  clientName: string;
  clientSecret: string;
  /** The server's password (SRVCRED AAuthSecret): its Cred to the device and the package 0 digest use it. */
  serverSecret: string;
  /** How the device authenticates to the server, and the server to the device. */
  authScheme: AuthScheme;
  /**
   * Base64 of the nonce octets the SERVER issued to the device (CLCRED AAuthData on the device): the device's
   * next MD5 digest or HMAC uses it. The server replaces it in every Chal it sends.
   */
  clientNonce: string;
  /**
   * Base64 of the nonce octets the DEVICE issued to the server (SRVCRED AAuthData on the device): the server's
   * MD5 Cred and the package 0 digest use it. Replaced when the device sends a Chal with a NextNonce.
   */
  serverNonce: string;
}

export type Registry = Record<string, DeviceEntry>;

export class RegistryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RegistryError";
  }
}

/** A fresh nonce: 16 random octets, as OMA-TS-DM_Security §5.1.3.3 recommends. */
export function newNonce(): Uint8Array {
  return new Uint8Array(randomBytes(16));
}

/** The nonce octets of a registry field. */
export function nonceBytes(b64: string): Uint8Array {
  return base64Decode(b64) ?? new Uint8Array(0);
}

/** Every problem of an entry, as "field: what is wrong". */
export function entryProblems(entry: unknown): string[] {
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) return ["must be an object"];
  const e = entry as Record<string, unknown>;
  const out: string[] = [];
  const text = (k: string, optional = false) => {
    if (e[k] === undefined && optional) return;
    if (typeof e[k] !== "string" || (e[k] as string) === "") out.push(`${k}: must be a non-empty string`);
  };
  text("serverId");
  text("serverName", true);
  text("clientName");
  text("clientSecret");
  text("serverSecret");
  if (!AUTH_SCHEMES.includes(e.authScheme as AuthScheme)) out.push(`authScheme: must be one of ${AUTH_SCHEMES.join(", ")}`);
  for (const k of ["clientNonce", "serverNonce"]) {
    if (typeof e[k] !== "string" || base64Decode(e[k] as string) === undefined) out.push(`${k}: must be Base64 text (may be empty)`);
  }
  if (e.authScheme === "basic" && typeof e.clientName === "string" && e.clientName.includes(":")) {
    out.push('clientName: basic credentials are "name:password", so the name cannot contain ":"');
  }
  const serverName = e.serverName ?? e.serverId;
  if (e.authScheme === "basic" && typeof serverName === "string" && serverName.includes(":")) {
    out.push(`${e.serverName === undefined ? "serverId" : "serverName"}: basic credentials are "name:password", so the server's name cannot contain ":"`);
  }
  if (typeof e.serverId === "string" && new TextEncoder().encode(e.serverId).length > 255) {
    out.push("serverId: longer than 255 octets (package 0 cannot carry it)");
  }
  for (const k of Object.keys(e)) {
    if (!["serverId", "serverName", "clientName", "clientSecret", "serverSecret", "authScheme", "clientNonce", "serverNonce"].includes(k)) {
      out.push(`${k}: unknown field`);
    }
  }
  return out;
}

export class DeviceRegistry {
  readonly file: string;

  constructor(stateDir: string) {
    this.file = join(stateDir, "devices.json");
  }

  all(): Registry {
    const r = readJson<unknown>(this.file, {});
    if (typeof r !== "object" || r === null || Array.isArray(r)) throw new RegistryError(`${this.file}: must be an object of device id -> entry`);
    return r as Registry;
  }

  /** The entry, or undefined for an unknown device or one whose entry is invalid (never trusted half-read). */
  get(deviceId: string): DeviceEntry | undefined {
    const all = this.all();
    if (!Object.prototype.hasOwnProperty.call(all, deviceId)) return undefined;
    const entry = all[deviceId];
    return entryProblems(entry).length ? undefined : entry;
  }

  /** Adds or replaces a device; refuses an invalid entry with every problem listed. */
  put(deviceId: string, entry: DeviceEntry): void {
    if (!deviceId) throw new RegistryError("device id must not be empty");
    const problems = entryProblems(entry);
    if (problems.length) throw new RegistryError(`device ${deviceId}: ${problems.join("; ")}`);
    const all = this.all();
    all[deviceId] = entry;
    writeJsonAtomic(this.file, all);
  }

  /** Changes fields of a known device (nonces), re-reading the file first so concurrent additions survive. */
  update(deviceId: string, patch: Partial<DeviceEntry>): void {
    const all = this.all();
    const entry = all[deviceId];
    if (!entry) return;
    all[deviceId] = { ...entry, ...patch };
    writeJsonAtomic(this.file, all);
  }

  setClientNonce(deviceId: string, nonce: Uint8Array): void {
    this.update(deviceId, { clientNonce: base64Encode(nonce) });
  }

  setServerNonce(deviceId: string, nonce: Uint8Array): void {
    this.update(deviceId, { serverNonce: base64Encode(nonce) });
  }
}

/** A complete entry from the few things a caller cares about; secrets and nonces are random when not given. */
export function makeEntry(init: Partial<DeviceEntry> & { authScheme: AuthScheme; serverId: string }): DeviceEntry {
  const secret = () => randomBytes(12).toString("base64url");
  return {
    serverId: init.serverId,
    ...(init.serverName ? { serverName: init.serverName } : {}),
    clientName: init.clientName ?? "dm-client",
    clientSecret: init.clientSecret ?? secret(),
    serverSecret: init.serverSecret ?? secret(),
    authScheme: init.authScheme,
    clientNonce: init.clientNonce ?? base64Encode(newNonce()),
    serverNonce: init.serverNonce ?? base64Encode(newNonce()),
  };
}
