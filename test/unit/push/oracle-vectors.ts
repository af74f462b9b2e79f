// Runs the independent Python oracle (oracle/make_vectors.py) into a temporary directory and loads what it
// wrote; plus small helpers to compare decoder output with the oracle's JSON field by field.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, tempDir } from "../../support/temp.js";

export interface Vector<E> {
  readonly name: string;
  readonly expect: E;
}
export interface Vectors {
  sms: Array<Vector<Record<string, unknown>> & { pdu: string }>;
  smsReject: Array<{ name: string; pdu: string; code: string }>;
  concat: Array<Vector<{ originator: string; reference: number; referenceBits: number; destinationPort: number; originPort: number; data: string }> & { parts: string[] }>;
  wsp: Array<Vector<Record<string, unknown>> & { bytes: string }>;
  wspReject: Array<{ name: string; bytes: string; code: string }>;
  notification: Array<Vector<Record<string, unknown> & { serverId: string }> & { bytes: string; auth: string }>;
  notificationReject: Array<{ name: string; bytes: string; code: string }>;
  accounts: Array<{ serverId: string; serverPassword: string; nonce: string }>;
}

let cached: Vectors | undefined;

export function oracleVectors(): Vectors {
  if (cached) return cached;
  const dir = tempDir("dm-push-oracle-");
  try {
    const out = join(dir.path, "vectors.json");
    const script = join(ROOT, "test", "unit", "push", "oracle", "make_vectors.py");
    const run = spawnSync("python3", [script, out], { encoding: "utf8" });
    if (run.status !== 0) throw new Error(`python3 make_vectors.py failed (${run.status}): ${run.stderr}${run.error ?? ""}`);
    cached = JSON.parse(readFileSync(out, "utf8")) as Vectors;
    return cached;
  } finally {
    dir.remove();
  }
}

export const fromHex = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, "hex"));
export const toHex = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("hex");

/** JSON's view of a decoded value: undefined becomes null, byte arrays become `{ hex }`. */
export function plain(v: unknown): unknown {
  if (v === undefined) return null;
  if (v instanceof Uint8Array) return { hex: toHex(v) };
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = plain(x);
    return out;
  }
  return v;
}
