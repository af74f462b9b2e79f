// JSON files in the server's state directory: read with a fallback, written atomically (temporary file, then
// rename), so a crash or a concurrent reader never sees half a file. Writes are synchronous on purpose: the
// server handles one message at a time per event-loop turn, so no two writes of one file can interleave.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

let counter = 0;

export class StateFileError extends Error {
  constructor(readonly file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = "StateFileError";
  }
}

/** The parsed file, or `fallback` when it does not exist. A file that exists but is not JSON is an error. */
export function readJson<T>(file: string, fallback: T): T {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return fallback;
    throw e;
  }
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new StateFileError(file, `not valid JSON (${(e as Error).message})`);
  }
}

export function writeJsonAtomic(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${++counter}.tmp`;
  try {
    writeFileSync(tmp, JSON.stringify(value, null, 2) + "\n");
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** A device id as a file name: anything outside [A-Za-z0-9._-] is percent-encoded ("IMEI:1" -> "IMEI%3A1"). */
export function fileNameFor(id: string): string {
  const safe = id.replace(/[^A-Za-z0-9._-]/g, (c) =>
    Array.from(Buffer.from(c, "utf8"), (b) => "%" + b.toString(16).toUpperCase().padStart(2, "0")).join(""),
  );
  // "." and ".." are path components, not names; very long ids would exceed NAME_MAX.
  return (safe === "." || safe === ".." ? safe.replace(/\./g, "%2E") : safe).slice(0, 200);
}
