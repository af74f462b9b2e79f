// Runs the independent Python oracle (oracle/make_cp_vectors.py) into a temporary directory and loads what it
// wrote; plus helpers shared by the bootstrap tests.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import assert from "node:assert/strict";
import { PushError } from "../../../../agent/push/errors.js";
import type { Characteristic, ProvisioningDoc } from "../../../../agent/push/bootstrap/index.js";
import type { DmValue } from "../../../../csp/csp.js";
import { ROOT, tempDir } from "../../../support/temp.js";

export interface CpVectors {
  wbxml: Array<{ name: string; bytes: string; expect: ProvisioningDoc; peer: boolean }>;
  xml: Array<{ name: string; text: string; expect: ProvisioningDoc; peer: boolean }>;
  w7: Array<{ name: string; characteristic: Characteristic; account: string; adds: Array<{ uri: string; value?: DmValue }>; ignored: string[]; init: boolean }>;
  napdef: Array<{ name: string; characteristic: Characteristic; expect: Record<string, unknown> }>;
  mac: Array<{ name: string; document: string; sec: number | string | null; mac: string | null; expect: string; imsi?: string; userPin?: string }>;
  semi: Array<{ imsi: string; key: string }>;
  reject: Array<{ name: string; bytes: string; code: string }>;
  xmlReject: Array<{ name: string; text: string; code: string }>;
  /** A small valid WBXML document (one w7 APPLICATION). */
  good: string;
}

let cached: CpVectors | undefined;

export function cpVectors(): CpVectors {
  if (cached) return cached;
  const dir = tempDir("dm-cp-oracle-");
  try {
    const out = join(dir.path, "cp-vectors.json");
    const script = join(ROOT, "test", "unit", "push", "bootstrap", "oracle", "make_cp_vectors.py");
    const run = spawnSync("python3", [script, out], { encoding: "utf8" });
    if (run.status !== 0) throw new Error(`python3 make_cp_vectors.py failed (${run.status}): ${run.stderr}${run.error ?? ""}`);
    cached = JSON.parse(readFileSync(out, "utf8")) as CpVectors;
    return cached;
  } finally {
    dir.remove();
  }
}

export const FIXTURES = join(ROOT, "test", "fixtures", "bootstrap");
export const fromHex = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, "hex"));
export const toHex = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("hex");

/** JSON's view of a value: undefined fields dropped, as the oracle's JSON has them. */
export const json = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

/** The PushError code `f` throws, "no error", or a failed assertion when it throws anything else. */
export function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof PushError) return e.code;
    throw new assert.AssertionError({ message: `threw ${String(e)} instead of a PushError` });
  }
  return "no error";
}
