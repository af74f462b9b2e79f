// The emulated HAL's config store (hal/config.d.ts) for Node: an in-memory tree, persisted as one snapshot
// file that every commit rewrites and renames into place, so a commit is atomic on disk without a journal.
//
// On disk, in `directory`:
//   store.json      the committed state. Line 1 is a header: `dm-agent-config 1 <body bytes> <sha256 hex>`;
//                   the body is a JSON array of [key, type] or [key, type, value], one a line, depth first
//                   with siblings in code-unit order (so every parent comes before its children).
//                   int64 values are decimal strings; float64 values that JSON cannot hold (NaN, ±Infinity,
//                   -0) are the strings "NaN", "Infinity", "-Infinity", "-0"; buffers are base64.
//   store.json.tmp  a commit in progress; deleted on open (a crash may leave it, torn).
//
// A commit takes 5 + ceil(bytes / writeChunkSize) file-system steps, each of which a fault can crash before:
//   0 open the temp file · 1..k write one chunk each · fsync it · close it · rename it over store.json ·
//   fsync the directory.
// A crash before the rename leaves the previous state, a crash after it the new one: never a mixture.
//
// Choices where hal/config.d.ts is silent:
// - Any key may hold a value and children at once; interior keys made implicitly hold { type: "node" }.
// - Key "" names the domain's root: readable everywhere, writable/deletable only in a domain below the
//   store root. The store root always exists and reads as a node. children() of a missing key is [].
// - Opening a domain on a missing path is allowed; writing into it creates the path.
// - begin() throws EBUSY while any open transaction (of any domain) covers an overlapping subtree (the same
//   key, an ancestor or a descendant), so two transactions can never race on the same keys; transactions on
//   disjoint subtrees are independent. Domain reads see committed data only, never a transaction's writes.
// - commit() does its disk work synchronously, then closes the transaction at once (a new begin() is
//   allowed immediately) and reports later, via `defer` (setImmediate by default). A transaction that
//   neither wrote nor deleted commits without touching the disk, and no fault applies to it.
// - After store.close() no callback is delivered; after a simulated crash nothing is delivered and every
//   call throws the SimulatedCrash, as if the process had died.
import { createHash } from "node:crypto";
import {
  closeSync, fsyncSync, mkdirSync, openSync, readFileSync, realpathSync, renameSync, rmSync, writeSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { Completion, HalError, HalErrorCode } from "../common.js";
import type { ConfigDomain, ConfigStore, ConfigTransaction, ConfigValue } from "../config.js";
import { halError } from "./hal-error.js";

export interface StoreFaults {
  /**
   * The next commit that has changes crashes just before its step N (0-based, counted within that commit;
   * see the step list above): SimulatedCrash is thrown from commit(), the store instance is dead, and the
   * disk holds whatever steps 0..N-1 wrote. Consumed by that commit even when it has fewer steps.
   */
  crashAtWrite?: number | undefined;
  /** The next commit that has changes fails with this code before touching the disk; nothing applied. */
  failNextCommit?: "ENOSPC" | "EIO" | undefined;
}

export interface ConfigStoreOptions {
  /** Created if missing. One live store per directory per process (a second open throws EBUSY). */
  readonly directory: string;
  /** Read live: tests may set fields on this object (or on store.faults) at any time. */
  readonly faults?: StoreFaults | undefined;
  /** Bytes per write step (default 64 KiB); tests lower it to crash in the middle of the file. */
  readonly writeChunkSize?: number;
  /** How completions reach the caller later (default setImmediate); never called synchronously. */
  readonly defer?: (task: () => void) => void;
}

/** Thrown when a fault kills the store, as if the process had died at that point. Not a HalError. */
export class SimulatedCrash extends Error {
  override readonly name = "SimulatedCrash";
}

export function openConfigStore(options: ConfigStoreOptions): EmulatedConfigStore {
  return new EmulatedConfigStore(options);
}

const STORE_FILE = "store.json";
const TEMP_FILE = "store.json.tmp";
const MAGIC = "dm-agent-config";
const FORMAT_VERSION = 1;
const NODE: ConfigValue = Object.freeze({ type: "node" });
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Directories with a live store in this process: two instances would overwrite each other's commits. */
const liveDirectories = new Set<string>();

// ─── the tree ───────────────────────────────────────────────────────────────────────────────────────────
// Committed entries are never mutated: a transaction copies the path it changes (copy-on-write), and commit
// swaps in a new root only after the disk says yes, so a failed or crashed commit leaves memory untouched.

interface Entry {
  value: ConfigValue;
  children: Map<string, Entry>;
}

function lookup(root: Entry | undefined, segments: readonly string[]): Entry | undefined {
  let entry = root;
  for (const segment of segments) {
    if (!entry) return undefined;
    entry = entry.children.get(segment);
  }
  return entry;
}

/** `tree` with the subtree at `path` replaced by `subtree` (removed when undefined); missing parents become nodes. */
function replaceSubtree(tree: Entry, path: readonly string[], subtree: Entry | undefined): Entry {
  const replace = (entry: Entry | undefined, depth: number): Entry | undefined => {
    if (depth === path.length) return subtree;
    const name = path[depth]!;
    const next = replace(entry?.children.get(name), depth + 1);
    if (next === undefined && !entry?.children.has(name)) return entry;
    const copy: Entry = { value: entry?.value ?? NODE, children: new Map(entry?.children) };
    if (next === undefined) copy.children.delete(name);
    else copy.children.set(name, next);
    return copy;
  };
  return replace(tree, 0) ?? { value: NODE, children: new Map() };
}

// ─── arguments ──────────────────────────────────────────────────────────────────────────────────────────

/** Segments of a key or domain path; "" is the empty list. */
function parseKey(key: unknown, what: string): string[] {
  if (typeof key !== "string") throw new TypeError(`${what} must be a string`);
  if (key === "") return [];
  const segments = key.split("/");
  for (const segment of segments) {
    if (segment === "" || segment === "." || segment === "..") {
      throw halError("EINVAL", `malformed ${what} ${JSON.stringify(key)}`);
    }
  }
  return segments;
}

function isArrayBuffer(value: unknown): value is ArrayBuffer {
  return Object.prototype.toString.call(value) === "[object ArrayBuffer]";
}

/** A validated, frozen copy the caller can no longer change (buffers are copied). */
function importValue(value: unknown): ConfigValue {
  if (typeof value !== "object" || value === null) throw new TypeError("value must be a ConfigValue object");
  const { type, value: v } = value as { type?: unknown; value?: unknown };
  const wrong = (expected: string) => new TypeError(`a ${String(type)} value must be ${expected}`);
  switch (type) {
    case "node":
      return NODE;
    case "boolean":
      if (typeof v !== "boolean") throw wrong("a boolean");
      return Object.freeze({ type, value: v });
    case "int32":
      if (typeof v !== "number") throw wrong("a number");
      if (!Number.isInteger(v) || v < -(2 ** 31) || v > 2 ** 31 - 1) throw new RangeError(`${v} is not an int32`);
      return Object.freeze({ type, value: v === 0 ? 0 : v });
    case "int64":
      if (typeof v !== "bigint") throw wrong("a bigint");
      if (v < INT64_MIN || v > INT64_MAX) throw new RangeError(`${v} is not an int64`);
      return Object.freeze({ type, value: v });
    case "float64":
      if (typeof v !== "number") throw wrong("a number");
      return Object.freeze({ type, value: v });
    case "string":
      if (typeof v !== "string") throw wrong("a string");
      return Object.freeze({ type, value: v });
    case "buffer":
      if (!isArrayBuffer(v)) throw wrong("an ArrayBuffer");
      return Object.freeze({ type, value: v.slice(0) });
    default:
      throw new TypeError(`unknown value type ${JSON.stringify(type)}`);
  }
}

/** What read() hands out: buffers are copied so a caller cannot reach into the store. */
function exportValue(value: ConfigValue): ConfigValue {
  return value.type === "buffer" ? { type: "buffer", value: value.value.slice(0) } : value;
}

// ─── the file format ────────────────────────────────────────────────────────────────────────────────────

type Encoded = [string, string] | [string, string, boolean | number | string];

function encodeValue(key: string, value: ConfigValue): Encoded {
  switch (value.type) {
    case "node": return [key, "node"];
    case "int64": return [key, "int64", value.value.toString()];
    case "float64": {
      const v = value.value;
      const text = Number.isNaN(v) ? "NaN" : v === Infinity ? "Infinity" : v === -Infinity ? "-Infinity" : Object.is(v, -0) ? "-0" : undefined;
      return [key, "float64", text ?? v];
    }
    case "buffer": return [key, "buffer", Buffer.from(value.value).toString("base64")];
    default: return [key, value.type, value.value];
  }
}

function decodeValue(type: unknown, v: unknown): ConfigValue {
  const bad = () => new Error(`bad ${String(type)} value ${JSON.stringify(v)}`);
  switch (type) {
    case "node": return NODE;
    case "int64":
      if (typeof v !== "string" || !/^-?\d+$/.test(v)) throw bad();
      return importValue({ type, value: BigInt(v) });
    case "float64":
      if (typeof v === "string") {
        const special: Record<string, number> = { NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity, "-0": -0 };
        if (!(v in special)) throw bad();
        return importValue({ type, value: special[v] });
      }
      return importValue({ type, value: v });
    case "buffer": {
      if (typeof v !== "string") throw bad();
      const bytes = Buffer.from(v, "base64");
      return importValue({ type, value: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) });
    }
    default: return importValue({ type, value: v });
  }
}

function serialize(tree: Entry): Uint8Array {
  const lines: string[] = [];
  const walk = (entry: Entry, prefix: string) => {
    for (const name of [...entry.children.keys()].sort()) {
      const child = entry.children.get(name)!;
      const key = prefix ? `${prefix}/${name}` : name;
      lines.push(JSON.stringify(encodeValue(key, child.value)));
      walk(child, key);
    }
  };
  walk(tree, "");
  const body = Buffer.from(lines.length ? `[\n${lines.join(",\n")}\n]\n` : "[]\n", "utf8");
  const digest = createHash("sha256").update(body).digest("hex");
  return Buffer.concat([Buffer.from(`${MAGIC} ${FORMAT_VERSION} ${body.length} ${digest}\n`, "utf8"), body]);
}

/** Throws on anything but an intact file: the rename protocol never leaves a torn store.json behind. */
function deserialize(file: Buffer): Entry {
  const newline = file.indexOf(0x0a);
  const header = file.subarray(0, newline < 0 ? 0 : newline).toString("utf8").split(" ");
  if (header.length !== 4 || header[0] !== MAGIC) throw new Error("not a config store file");
  if (header[1] !== String(FORMAT_VERSION)) throw new Error(`unknown format version ${header[1]}`);
  const body = file.subarray(newline + 1);
  if (String(body.length) !== header[2]) throw new Error(`truncated: ${body.length} of ${header[2]} bytes`);
  if (createHash("sha256").update(body).digest("hex") !== header[3]) throw new Error("checksum mismatch");
  const entries = JSON.parse(body.toString("utf8")) as unknown;
  if (!Array.isArray(entries)) throw new Error("body is not an array");
  const root: Entry = { value: NODE, children: new Map() };
  for (const item of entries) {
    if (!Array.isArray(item) || typeof item[0] !== "string") throw new Error("bad entry");
    const segments = parseKey(item[0], "key");
    const parent = lookup(root, segments.slice(0, -1));
    const name = segments[segments.length - 1];
    // Sorted order puts every parent before its children; anything else means the file was not ours.
    if (!parent || name === undefined || parent.children.has(name)) throw new Error(`entry ${item[0]} out of order`);
    parent.children.set(name, { value: decodeValue(item[1], item[2]), children: new Map() });
  }
  return root;
}

// ─── the I/O layer: every file-system step of a commit goes through `step`, where a fault can crash ────

function writeFully(fd: number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
}

function fsyncDirectory(directory: string): void {
  const fd = openSync(directory, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Failure after the rename: the disk may hold the new state while memory holds the old one. */
class AfterRename extends Error {}

function replaceFileAtomically(directory: string, bytes: Uint8Array, chunkSize: number, step: (name: string) => void): void {
  const temp = join(directory, TEMP_FILE);
  let fd: number | undefined;
  let renamed = false;
  try {
    step("open");
    fd = openSync(temp, "w", 0o600);
    for (let offset = 0; offset < bytes.length; offset += chunkSize) {
      step("write");
      writeFully(fd, bytes.subarray(offset, offset + chunkSize));
    }
    step("fsync");
    fsyncSync(fd);
    step("close");
    const closing = fd;
    fd = undefined;
    closeSync(closing);
    step("rename");
    renameSync(temp, join(directory, STORE_FILE));
    renamed = true;
    step("fsync-directory");
    fsyncDirectory(directory);
  } catch (error) {
    // A dead process's descriptors close by themselves; a crash leaves the temp file for open() to remove.
    if (fd !== undefined) closeSync(fd);
    if (error instanceof SimulatedCrash) throw error;
    if (renamed) throw new AfterRename((error as Error).message);
    try {
      rmSync(temp, { force: true, recursive: true });
    } catch {
      // Best effort: open() removes it too, and the caller needs the first error.
    }
    throw error;
  }
}

function storageError(error: unknown): HalError {
  const code = (error as NodeJS.ErrnoException).code;
  const mapped: HalErrorCode = code === "ENOSPC" || code === "EDQUOT" ? "ENOSPC" : "EIO";
  return halError(mapped, `commit failed: ${(error as Error).message}`);
}

// ─── the store ──────────────────────────────────────────────────────────────────────────────────────────

type Status = { kind: "open" } | { kind: "closed" } | { kind: "dead"; crash: SimulatedCrash } | { kind: "broken"; error: HalError };

/** State shared by the store, its domains and their transactions; not reachable from outside this module. */
class Core {
  tree: Entry;
  status: Status = { kind: "open" };
  lastCommitSteps = 0;
  /** Absolute paths of open transactions, for the overlap rule. */
  readonly transactions = new Set<{ readonly path: readonly string[] }>();

  constructor(
    readonly directory: string,
    readonly faults: StoreFaults,
    readonly chunkSize: number,
    readonly defer: (task: () => void) => void,
  ) {
    let file: Buffer | undefined;
    try {
      rmSync(join(directory, TEMP_FILE), { force: true, recursive: true });
      file = readFileSync(join(directory, STORE_FILE));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw halError("EIO", `cannot read the store: ${(error as Error).message}`);
    }
    try {
      this.tree = file ? deserialize(file) : { value: NODE, children: new Map() };
    } catch (error) {
      throw halError("EIO", `${join(directory, STORE_FILE)} is corrupt: ${(error as Error).message}`);
    }
  }

  /** Every public method starts here: a dead store throws its crash, a closed one EBADF. */
  check(): void {
    const status = this.status;
    if (status.kind === "dead") throw status.crash;
    if (status.kind === "broken") throw status.error;
    if (status.kind === "closed") throw halError("EBADF", "config store closed");
  }

  /** Runs `task` later, unless the store has since closed or died. */
  deliver(task: () => void): void {
    this.defer(() => {
      if (this.status.kind === "open") task();
    });
  }

  overlapsOpenTransaction(path: readonly string[]): boolean {
    for (const other of this.transactions) {
      const n = Math.min(path.length, other.path.length);
      let same = true;
      for (let i = 0; i < n && same; i++) same = path[i] === other.path[i];
      if (same) return true;
    }
    return false;
  }

  /** Writes `tree` durably, then makes it the committed state. Throws SimulatedCrash or a HalError. */
  persist(tree: Entry): void {
    const crashAt = this.faults.crashAtWrite;
    this.faults.crashAtWrite = undefined;
    let index = 0;
    const step = (name: string) => {
      if (index === crashAt) {
        const crash = new SimulatedCrash(`simulated crash before commit step ${index} (${name})`);
        this.die(crash);
        throw crash;
      }
      index++;
    };
    try {
      replaceFileAtomically(this.directory, serialize(tree), this.chunkSize, step);
    } catch (error) {
      if (error instanceof SimulatedCrash) throw error;
      if (error instanceof AfterRename) {
        const broken = halError("EIO", `store state unknown after a failed commit (${error.message}); reopen it`);
        this.status = { kind: "broken", error: broken };
        throw broken;
      }
      throw storageError(error);
    }
    this.lastCommitSteps = index;
    this.tree = tree;
  }

  die(crash: SimulatedCrash): void {
    this.status = { kind: "dead", crash };
    this.transactions.clear();
    liveDirectories.delete(this.directory);
  }

  close(): void {
    if (this.status.kind === "dead") return;
    this.status = { kind: "closed" };
    this.transactions.clear();
    liveDirectories.delete(this.directory);
  }
}

export class EmulatedConfigStore implements ConfigStore {
  readonly #core: Core;

  constructor(options: ConfigStoreOptions) {
    if (typeof options !== "object" || options === null || typeof options.directory !== "string") {
      throw new TypeError("options.directory must be a string");
    }
    const chunkSize = options.writeChunkSize ?? 64 * 1024;
    if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new RangeError("writeChunkSize must be a positive integer");
    const target = resolve(options.directory);
    const created = mkdirSync(target, { recursive: true });
    // New directories' own entries must be durable too, or the first commit could vanish with them.
    for (let d = target; created !== undefined; d = dirname(d)) {
      fsyncDirectory(dirname(d));
      if (d === created) break;
    }
    const directory = realpathSync(options.directory);
    if (liveDirectories.has(directory)) throw halError("EBUSY", `a config store is already open on ${directory}`);
    this.#core = new Core(directory, options.faults ?? {}, chunkSize, options.defer ?? setImmediate);
    liveDirectories.add(directory);
  }

  open(options: { readonly path: string; readonly mode?: "r" | "r+" }): ConfigDomain {
    this.#core.check();
    if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
    const mode = options.mode ?? "r+";
    if (mode !== "r" && mode !== "r+") throw new TypeError(`mode must be "r" or "r+"`);
    return new Domain(this.#core, parseKey(options.path, "path"), mode);
  }

  /** Test control: the live fault settings. */
  get faults(): StoreFaults {
    return this.#core.faults;
  }

  /** Test control: file-system steps the last commit that reached the disk took (0 before any). */
  get lastCommitSteps(): number {
    return this.#core.lastCommitSteps;
  }

  /** Test control: true once a fault (or crash()) has killed this instance. */
  get dead(): boolean {
    return this.#core.status.kind === "dead";
  }

  get directory(): string {
    return this.#core.directory;
  }

  /** Test control: the process dies now; uncommitted transactions are lost, no callback follows. */
  crash(): void {
    this.#core.die(new SimulatedCrash("simulated crash"));
  }

  /** Idempotent. Open domains and transactions throw EBADF afterwards; pending callbacks are dropped. */
  close(): void {
    this.#core.close();
  }
}

class Domain implements ConfigDomain {
  readonly #core: Core;
  readonly #path: readonly string[];
  readonly #mode: "r" | "r+";
  #closed = false;
  #transaction: Transaction | undefined;

  constructor(core: Core, path: readonly string[], mode: "r" | "r+") {
    this.#core = core;
    this.#path = path;
    this.#mode = mode;
  }

  #check(): void {
    this.#core.check();
    if (this.#closed) throw halError("EBADF", "config domain closed");
  }

  read(key: string): ConfigValue | undefined {
    this.#check();
    const entry = lookup(this.#core.tree, [...this.#path, ...parseKey(key, "key")]);
    return entry && exportValue(entry.value);
  }

  children(key: string): string[] {
    this.#check();
    const entry = lookup(this.#core.tree, [...this.#path, ...parseKey(key, "key")]);
    return entry ? [...entry.children.keys()].sort() : [];
  }

  begin(): ConfigTransaction {
    this.#check();
    if (this.#mode === "r") throw halError("EPERM", "config domain opened read-only");
    if (this.#transaction) throw halError("EBUSY", "this domain already has an open transaction");
    if (this.#core.overlapsOpenTransaction(this.#path)) {
      throw halError("EBUSY", "another domain has an open transaction on an overlapping subtree");
    }
    const transaction = new Transaction(this.#core, this.#path, () => {
      if (this.#transaction === transaction) this.#transaction = undefined;
    });
    this.#transaction = transaction;
    return transaction;
  }

  close(): void {
    if (this.#core.status.kind === "dead") this.#core.check();
    if (this.#closed) return;
    this.#closed = true;
    this.#transaction?.rollback();
  }
}

class Transaction implements ConfigTransaction {
  readonly #core: Core;
  readonly #path: readonly string[];
  readonly #onClose: () => void;
  readonly #registration: { readonly path: readonly string[] };
  #closed = false;
  /** The domain's subtree as this transaction sees it; undefined until the first change. */
  #working: { root: Entry | undefined } | undefined;
  /** Entries this transaction copied, which it alone may mutate. */
  #owned = new Set<Entry>();

  constructor(core: Core, path: readonly string[], onClose: () => void) {
    this.#core = core;
    this.#path = path;
    this.#onClose = onClose;
    this.#registration = { path };
    core.transactions.add(this.#registration);
  }

  #check(): void {
    this.#core.check();
    if (this.#closed) throw halError("EBADF", "config transaction closed");
  }

  #close(): void {
    this.#closed = true;
    this.#working = undefined;
    this.#owned.clear();
    this.#core.transactions.delete(this.#registration);
    this.#onClose();
  }

  #root(): Entry | undefined {
    return this.#working ? this.#working.root : lookup(this.#core.tree, this.#path);
  }

  #own(entry: Entry | undefined): Entry {
    if (entry && this.#owned.has(entry)) return entry;
    const copy: Entry = { value: entry?.value ?? NODE, children: new Map(entry?.children) };
    this.#owned.add(copy);
    return copy;
  }

  /** A key below the store root, for write and delete: "" only names something inside a sub-domain. */
  #mutableKey(key: string): string[] {
    const segments = parseKey(key, "key");
    if (segments.length === 0 && this.#path.length === 0) throw halError("EINVAL", "the store root cannot be written or deleted");
    return segments;
  }

  read(key: string): ConfigValue | undefined {
    this.#check();
    const entry = lookup(this.#root(), parseKey(key, "key"));
    return entry && exportValue(entry.value);
  }

  children(key: string): string[] {
    this.#check();
    const entry = lookup(this.#root(), parseKey(key, "key"));
    return entry ? [...entry.children.keys()].sort() : [];
  }

  write(key: string, value: ConfigValue): void {
    this.#check();
    const segments = this.#mutableKey(key);
    const stored = importValue(value);
    const working = (this.#working ??= { root: this.#root() });
    let entry = (working.root = this.#own(working.root));
    for (const segment of segments) {
      const child = this.#own(entry.children.get(segment));
      entry.children.set(segment, child);
      entry = child;
    }
    entry.value = stored;
  }

  delete(key: string): void {
    this.#check();
    const segments = this.#mutableKey(key);
    if (!lookup(this.#root(), segments)) return;
    const working = (this.#working ??= { root: this.#root() });
    if (segments.length === 0) {
      working.root = undefined;
      return;
    }
    let entry = (working.root = this.#own(working.root));
    for (const segment of segments.slice(0, -1)) {
      const child = this.#own(entry.children.get(segment));
      entry.children.set(segment, child);
      entry = child;
    }
    entry.children.delete(segments[segments.length - 1]!);
  }

  commit(callback: Completion): void {
    this.#check();
    if (typeof callback !== "function") throw new TypeError("callback must be a function");
    const core = this.#core;
    const working = this.#working;
    this.#close();
    const report = (error: HalError | null) => core.deliver(() => callback.call(this, error));
    if (!working) return report(null);
    const failure = core.faults.failNextCommit;
    if (failure !== undefined) {
      core.faults.failNextCommit = undefined;
      return report(halError(failure, "injected commit failure"));
    }
    try {
      core.persist(replaceSubtree(core.tree, this.#path, working.root));
    } catch (error) {
      if (error instanceof SimulatedCrash) throw error;
      return report(error as HalError);
    }
    report(null);
  }

  rollback(): void {
    if (this.#core.status.kind === "dead") this.#core.check();
    if (!this.#closed) this.#close();
  }
}
