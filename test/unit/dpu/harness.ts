// The DPU over the real emulated store and CM2 tree, in Node (no VM): commands in, the Status/Results/Alert
// commands it emits out.
import type { TraceEvent } from "../../../hal/trace.js";
import type { UserInterface } from "../../../hal/ui.js";
import { openConfigStore, type EmulatedConfigStore } from "../../../hal/emulated/config-store.js";
import { Tree } from "../../../agent/cm/tree.js";
import { DEFAULT_URI_LIMITS } from "../../../agent/cm/uri.js";
import { StoreLock, readView } from "../../../agent/store-lock.js";
import { Dpu } from "../../../agent/dpu/dpu.js";
import { DmStatusError, type Csp } from "../../../csp/csp.js";
import type { Command, Item, ResultsCommand, StatusCommand } from "../../../agent/syncml/index.js";
import { tempDir } from "../../support/temp.js";

export interface Harness {
  readonly dpu: Dpu;
  readonly store: EmulatedConfigStore;
  readonly lock: StoreLock;
  readonly tree: Tree;
  readonly trace: TraceEvent[];
  readonly execs: Array<{ path: string; data?: string; correlator?: string }>;
  /** Runs one server message; returns what the DPU emitted. */
  run(commands: Command[], msgRef?: string, quiet?: boolean): Promise<Command[]>;
  close(): void;
}

/** ./Test: Run (executable: records calls), Fail (Exec throws 500), Ro (read-only leaf "fixed"). */
export const testCsp = (execs: Harness["execs"], hook?: () => void): Csp => ({
  roots: [["Test"]],
  description: {
    name: "Test", access: ["Get"], format: "node",
    children: [
      { name: "Run", access: ["Exec", "Get"], format: "chr" },
      { name: "Fail", access: ["Exec"], format: "chr" },
      { name: "Ro", access: ["Get"], format: "chr" },
    ],
  },
  node: (path) => (path.length === 0 ? { kind: "interior" } : ["Run", "Fail", "Ro"].indexOf(path[0]) >= 0 && path.length === 1 ? { kind: "leaf", format: "chr" } : undefined),
  children: (path) => (path.length === 0 ? ["Run", "Fail", "Ro"] : []),
  get: (path) => ({ format: "chr", type: "text/plain", data: path[0] === "Ro" ? "fixed" : "" }),
  add: () => { throw new DmStatusError(405, "read-only"); },
  replace: () => { throw new DmStatusError(405, "read-only"); },
  delete: () => { throw new DmStatusError(405, "read-only"); },
  async exec(path, data, correlator) {
    hook?.();
    if (path[0] === "Fail") throw new DmStatusError(500, "failed");
    execs.push({ path: path.join("/"), data, correlator });
  },
});

export interface HarnessOptions {
  ui?: UserInterface;
  maxObjSize?: number;
  peerMaxObjSize?: number;
  binary?: boolean;
  rootAcl?: string;
  execHook?: (store: EmulatedConfigStore) => void;
}

export function harness(o: HarnessOptions = {}): Harness {
  const dir = tempDir();
  const store = openConfigStore({ directory: dir.path });
  const domain = store.open({ path: "" });
  const lock = new StoreLock(domain);
  const execs: Harness["execs"] = [];
  const tree = new Tree({
    csps: [testCsp(execs, () => o.execHook?.(store))],
    rootAcl: o.rootAcl ?? "Add=*&Get=*&Replace=*&Delete=*&Exec=*",
    now: () => Date.UTC(2026, 10, 25, 9, 30),
  });
  const trace: TraceEvent[] = [];
  const dpu = new Dpu({
    serverId: "srv",
    transact: (work) => lock.runTransaction((tx) => work(tree.session(tx, "srv"))),
    reader: () => tree.session(readView(domain), "srv"),
    ui: o.ui,
    uriLimits: DEFAULT_URI_LIMITS,
    maxObjSize: o.maxObjSize ?? 256 * 1024,
    peerMaxObjSize: () => o.peerMaxObjSize,
    binary: o.binary ?? false,
    trace: (name, detail, step) => trace.push({ name, detail, step, at: 0 }),
  });
  return {
    dpu, store, lock, tree, trace, execs,
    async run(commands, msgRef = "1", quiet = false) {
      const out: Command[] = [];
      dpu.beginMessage();
      for (const c of commands) await dpu.command(c, msgRef, (x) => out.push(x), quiet);
      return out;
    },
    close() {
      dpu.close();
      try { store.close(); } catch { /* crashed on purpose */ }
      dir.remove();
    },
  };
}

/** The status code the DPU gave `cmdId` (the first, when a command has several items). */
export function code(out: Command[], cmdId: string): number | undefined {
  const s = out.find((c): c is StatusCommand => c.kind === "Status" && c.cmdRef === cmdId);
  return s ? Number(s.data) : undefined;
}

export function codes(out: Command[], cmdId: string): number[] {
  return out.filter((c): c is StatusCommand => c.kind === "Status" && c.cmdRef === cmdId).map((s) => Number(s.data));
}

export function results(out: Command[], cmdId: string): Item[] {
  return out.filter((c): c is ResultsCommand => c.kind === "Results" && c.cmdRef === cmdId).flatMap((r) => r.items);
}

let n = 0;
const id = () => String(++n);
const t = (uri: string, data?: string | Uint8Array, format?: string, type?: string): Item => {
  const item: Item = { target: { locURI: uri } };
  if (format || type) item.meta = { ...(format ? { format } : {}), ...(type ? { type } : {}) };
  if (data !== undefined) item.data = data;
  return item;
};
export const Get = (uri: string, cmdId = id()): Command => ({ kind: "Get", cmdId, items: [t(uri)] });
export const Add = (uri: string, data?: string, format?: string, cmdId = id()): Command =>
  ({ kind: "Add", cmdId, items: [t(uri, data, format ?? (data === undefined ? "node" : "chr"))] });
export const Replace = (uri: string, data: string, format = "chr", cmdId = id()): Command => ({ kind: "Replace", cmdId, items: [t(uri, data, format)] });
export const Delete = (uri: string, cmdId = id()): Command => ({ kind: "Delete", cmdId, items: [t(uri)] });
export const Exec = (uri: string, data?: string, correlator?: string, cmdId = id()): Command =>
  ({ kind: "Exec", cmdId, correlator, items: [t(uri, data)] });
export const Copy = (to: string, from: string, cmdId = id()): Command => ({ kind: "Copy", cmdId, items: [{ target: { locURI: to }, source: { locURI: from } }] });
export const Atomic = (commands: Command[], cmdId = id()): Command => ({ kind: "Atomic", cmdId, commands });
export const Sequence = (commands: Command[], cmdId = id()): Command => ({ kind: "Sequence", cmdId, commands });
export const Alert = (code: string, items: Item[], cmdId = id()): Command => ({ kind: "Alert", cmdId, data: code, items });
