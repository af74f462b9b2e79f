// The Data Process Unit (DESIGN.md steps 7, 10, 11): runs the management commands of a server message against
// the DM tree, in order, and answers each with its Status (and Results for Get). Outside <Atomic> every
// command is its own transaction, committed before the next starts; an <Atomic> is one transaction. Nothing
// a server sends makes it throw: what cannot be parsed gets 400, unsupported options 406, anything a CSP
// throws its status or 500. Only a failure of the store itself (StoreFailure) propagates: the session ends.
import type { Prompt, UserInterface } from "../../hal/ui.js";
import type { TraceValue } from "../../hal/trace.js";
import type { DmValue } from "../../csp/csp.js";
import type { TreeSession } from "../cm/tree.js";
import { parseUri, type DmUri, type UriLimits } from "../cm/uri.js";
import { TNDS_XML, tndsToElement, type AlertCommand, type AtomicCommand, type Command, type Item, type SequenceCommand } from "../syncml/index.js";
import { Rollback, StoreFailure } from "../store-lock.js";
import { exportTnds, importTnds } from "../dm/tree-tnds.js";
import {
  ATOMIC_FAILED, ATOMIC_ROLLBACK_FAILED, ATOMIC_ROLLED_BACK, BAD_REQUEST, CANCELLED, CHUNK_ACCEPTED, FAILED, NOT_EXECUTED,
  NOT_SUPPORTED, OK, SIZE_MISMATCH, TOO_LARGE, URI_TOO_LONG, isSuccess, statusFor, statusOf,
} from "./status.js";
import { byteLength, dataOf, dmFormat, metaOf, resultItem, toValue } from "./values.js";
import { runUiAlert } from "./ui-alerts.js";
import { addChunk, assembled, sizeMatches, startAssembly, type Assembly } from "./large-object.js";

export interface DpuEnvironment {
  readonly serverId: string;
  /** Runs `work` in one transaction: committed when it returns, rolled back when it throws. */
  transact<T>(work: (tree: TreeSession) => Promise<T> | T): Promise<T>;
  /** The tree over committed data, for reads outside any transaction. */
  reader(): TreeSession;
  readonly ui?: UserInterface;
  readonly uriLimits: UriLimits;
  /** The largest object the agent accepts (its MaxObjSize). */
  readonly maxObjSize: number;
  /** The largest object the server accepts, when it said. */
  peerMaxObjSize(): number | undefined;
  /** The reply syntax carries raw bytes (WBXML); XML gets bin values as b64 text. */
  readonly binary: boolean;
  trace(name: string, detail?: Record<string, TraceValue>, step?: number): void;
}

export type Emit = (command: Command) => void;

interface Scope {
  readonly msgRef: string;
  readonly emit: Emit;
  /** The SyncHdr said NoResp: no Status at all. */
  readonly quiet: boolean;
  /** Inside an Atomic: its transaction's tree. */
  readonly tree?: TreeSession;
}

const UI_ALERTS = ["1100", "1101", "1102", "1103", "1104"];
/** Whether a command went through: 214 (cancelled) and 215 (not executed) are 2xx but fail an Atomic or a Sequence. */
const done = (code: number): boolean => isSuccess(code) && code !== CANCELLED && code !== NOT_EXECUTED;
const name = (c: Command): string => (c.kind === "Unsupported" ? c.name : c.kind);

export class Dpu {
  private assembly: Assembly | undefined;
  private prompt: Prompt | undefined;
  /** The user cancelled an interaction: the rest of the message is not executed (DM_Protocol §10.2). */
  private stopped = false;
  /** Commands run, nested ones included. */
  executed = 0;

  constructor(private readonly env: DpuEnvironment) {}

  /** A new server message starts. */
  beginMessage(): void {
    this.stopped = false;
  }

  /** Runs one top-level command of a server message; its Status and Results go to `emit`. */
  async command(c: Command, msgRef: string, emit: Emit, quiet = false): Promise<void> {
    const s: Scope = { msgRef, emit, quiet };
    const w = c.kind === "Add" || c.kind === "Replace" ? c : undefined;
    const item = w && w.items.length === 1 ? w.items[0] : undefined;
    const target = item?.target?.locURI;
    const a = this.assembly;
    if (a) {
      if (w && item && w.kind === a.kind && target === a.target && c.cmdId) {
        await this.chunk(w, item, s);
        return;
      }
      this.abandon(emit);
    }
    if (w && item && item.moreData && target && c.cmdId && !this.stopped) {
      await this.chunk(w, item, s);
      return;
    }
    await this.run(c, s);
  }

  /** The server closed its package: an object still missing its last chunk is abandoned (Alert 1225). */
  endPackage(emit: Emit): void {
    if (this.assembly) this.abandon(emit);
  }

  /** The session ends: a prompt still up is dismissed. */
  close(): void {
    const p = this.prompt;
    this.prompt = undefined;
    try {
      p?.close();
    } catch {
      // already gone
    }
  }

  private abandon(emit: Emit): void {
    const a = this.assembly!;
    this.assembly = undefined;
    this.env.trace("dpu.chunks-abandoned", { target: a.target, bytes: a.bytes });
    emit({ kind: "Alert", cmdId: "", data: "1225", items: [{ target: { locURI: a.target } }] });
  }

  private reply(s: Scope, c: Command, code: number, item?: Item, items?: Item[]): number {
    if (!s.quiet && !("noResp" in c && c.noResp)) {
      s.emit(statusFor(c, s.msgRef, code, item, items));
      this.env.trace("dpu.status", { cmd: name(c), cmdRef: c.cmdId, status: code }, 10);
    }
    return code;
  }

  /** Dispatches one command (at any depth); returns its outcome for an enclosing Atomic or Sequence. */
  private async run(c: Command, s: Scope): Promise<number> {
    this.executed++;
    this.env.trace("dpu.command", { cmd: name(c), cmdId: c.cmdId }, 7);
    if (this.stopped) return this.reply(s, c, NOT_EXECUTED);
    if (!c.cmdId) return this.reply(s, c, BAD_REQUEST);
    switch (c.kind) {
      case "Atomic":
        return this.atomic(c, s);
      case "Sequence":
        return this.sequence(c, s);
      case "Alert":
        return this.alert(c, s);
      case "Add":
      case "Replace":
      case "Delete":
      case "Copy":
      case "Exec":
      case "Get":
        return this.items(c, s);
      case "Unsupported":
        return this.reply(s, c, NOT_SUPPORTED);
    }
    return this.reply(s, c, BAD_REQUEST);
  }

  // ── containers ──

  private async atomic(c: AtomicCommand, s: Scope): Promise<number> {
    // Nested Atomic is refused (DM_RepPro: 500 for it; the enclosing Atomic then fails with 507).
    if (s.tree) return this.reply(s, c, FAILED);
    const out: Command[] = [];
    let inner: Scope = { msgRef: s.msgRef, emit: (x) => out.push(x), quiet: s.quiet };
    let code = OK;
    try {
      code = await this.env.transact(async (tree) => {
        inner = { ...inner, tree };
        let failed = false;
        for (const child of c.commands) {
          // After the first failure nothing more runs: the rest is reported not executed (215).
          if (failed) this.reply(inner, child, NOT_EXECUTED);
          else failed = !done(await this.run(child, inner));
        }
        if (failed) throw new Rollback(ATOMIC_FAILED);
        return OK;
      });
    } catch (error) {
      if (error instanceof StoreFailure) {
        this.reply(s, c, ATOMIC_ROLLBACK_FAILED);
        for (const x of out) s.emit(x);
        throw error;
      }
      code = ATOMIC_FAILED; // the commit was refused: nothing was applied
    }
    this.reply(s, c, code);
    for (const x of out) {
      if (code !== OK && x.kind === "Results") continue;
      if (code !== OK && x.kind === "Status" && done(Number(x.data))) x.data = String(ATOMIC_ROLLED_BACK);
      s.emit(x);
    }
    return code;
  }

  private async sequence(c: SequenceCommand, s: Scope): Promise<number> {
    this.reply(s, c, OK);
    let outcome = OK;
    for (const child of c.commands) {
      // A failure (a "No" to a confirmation among them) bypasses the rest of the Sequence (DM_Protocol §10.2.2).
      if (!done(outcome)) this.reply(s, child, NOT_EXECUTED);
      else outcome = await this.run(child, s);
    }
    return outcome;
  }

  // ── alerts ──

  private async alert(c: AlertCommand, s: Scope): Promise<number> {
    if (UI_ALERTS.indexOf(c.data ?? "") < 0) return this.reply(s, c, NOT_SUPPORTED);
    try {
      const r = await runUiAlert(c, this.env.ui, (p) => { this.prompt = p; });
      if (r.stop) this.stopped = true;
      this.env.trace("dpu.user", { alert: c.data ?? "", status: r.status }, 9);
      return this.reply(s, c, r.status, undefined, r.items);
    } catch {
      return this.reply(s, c, FAILED);
    }
  }

  // ── item commands ──

  /** DM_TND gives no own code for MaxDepth: 414 (URI too long) covers all three URI limits, as servers expect. */
  private uri(text: string | undefined): DmUri | number {
    if (!text) return BAD_REQUEST;
    const u = parseUri(text, this.env.uriLimits);
    if (u === "too-long" || u === "too-deep") return URI_TOO_LONG;
    if (u === "bad-query") return NOT_SUPPORTED;
    if (u === "malformed") return BAD_REQUEST;
    return u;
  }

  /** The value an Add or Replace item carries; undefined for an interior node; a number for a refusal. */
  private value(c: Command, item: Item, add: boolean): DmValue | undefined | number {
    const meta = metaOf(item, "meta" in c ? c.meta : undefined);
    const format = dmFormat(meta.format);
    if (!format) return 415;
    if (add && (format === "node" || (item.data === undefined && meta.format === undefined))) return undefined;
    const data = dataOf(item.data);
    if (byteLength(data) > this.env.maxObjSize) return TOO_LARGE;
    return toValue(format, meta.type, data);
  }

  /**
   * A command with several items gets one Status per item, each with its TargetRef (RepPro allows one Status
   * listing several refs; per-item statuses tell the server which item failed), and a Get one Results per item.
   */
  private async items(c: Command & { items: Item[] }, s: Scope): Promise<number> {
    if (!c.items.length) return this.reply(s, c, BAD_REQUEST);
    if (c.items.some((i) => i.moreData)) return this.reply(s, c, NOT_SUPPORTED); // chunks only alone, at top level
    const results: Command[] = [];
    let codes: number[];
    if (s.tree) codes = await this.each(c, s.tree, s, results);
    else if (c.kind === "Get") codes = await this.each(c, this.env.reader(), s, results);
    else codes = await this.committed(c, s);
    c.items.forEach((item, i) => this.reply(s, c, codes[i], item));
    for (const r of results) s.emit(r);
    let first = OK;
    for (const code of codes) if (!isSuccess(code) && isSuccess(first)) first = code;
    return first;
  }

  /**
   * Runs the items in one transaction. When some fail, that transaction is rolled back (a failed item may
   * have written part of its work) and the items that succeeded run again alone, so each item is all or
   * nothing and the command never commits half an item.
   */
  private async committed(c: Command & { items: Item[] }, s: Scope): Promise<number[]> {
    const attempt = async (only: boolean[] | undefined): Promise<number[]> => {
      try {
        return await this.env.transact(async (tree) => {
          const codes: number[] = [];
          for (let i = 0; i < c.items.length; i++) {
            codes.push(only && !only[i] ? -1 : await this.item(c, c.items[i], tree, s, []));
          }
          if (codes.some((x) => x >= 0 && !isSuccess(x))) throw new Rollback(codes.map((x) => (x >= 0 && isSuccess(x) ? -2 : x)));
          return codes;
        });
      } catch (error) {
        if (error instanceof StoreFailure) throw error;
        const code = statusOf(error); // the commit was refused (ENOSPC, EIO)
        return c.items.map(() => code);
      }
    };
    const first = await attempt(undefined);
    if (first.indexOf(-2) < 0) return first;
    const again = await attempt(first.map((x) => x === -2));
    return first.map((x, i) => (x === -2 ? (again[i] === -2 ? FAILED : again[i]) : x));
  }

  private async each(c: Command & { items: Item[] }, tree: TreeSession, s: Scope, results: Command[]): Promise<number[]> {
    const codes: number[] = [];
    for (const item of c.items) codes.push(await this.item(c, item, tree, s, results));
    return codes;
  }

  private async item(c: Command, item: Item, tree: TreeSession, s: Scope, results: Command[]): Promise<number> {
    const text = item.target?.locURI;
    const uri = this.uri(text);
    if (typeof uri === "number") return uri;
    this.env.trace("cm.route", { cmd: name(c), uri: text ?? "" }, 8);
    let code = OK;
    try {
      switch (c.kind) {
        case "Add":
        case "Replace": {
          const v = this.value(c, item, c.kind === "Add");
          if (typeof v === "number") return v;
          const doc = item.data;
          if (c.kind === "Add" && doc !== undefined && typeof doc !== "string" && !(doc instanceof Uint8Array) && doc.name === "MgmtTree") {
            const report = importTnds(tree, uri.segments, doc);
            if (report.failed.length) code = report.failed[0].status;
          } else if (c.kind === "Add") tree.add(uri, v);
          else tree.replace(uri, v ?? toValue("chr", undefined, ""));
          break;
        }
        case "Delete":
          tree.delete(uri);
          break;
        case "Copy": {
          const source = this.uri(item.source?.locURI);
          if (typeof source === "number") return source;
          tree.copy(uri, source);
          break;
        }
        case "Exec": {
          const data = dataOf(item.data);
          await tree.exec(uri, typeof data === "string" && item.data !== undefined ? data : undefined, c.correlator);
          break;
        }
        case "Get":
          code = this.get(c.cmdId, text!, uri, tree, s, results);
          break;
      }
    } catch (error) {
      if (error instanceof StoreFailure) throw error;
      code = statusOf(error);
    }
    this.env.trace("csp.result", { cmd: name(c), uri: text ?? "", status: code }, 9);
    return code;
  }

  private get(cmdRef: string, text: string, uri: DmUri, tree: TreeSession, s: Scope, results: Command[]): number {
    let items: Item[];
    if (uri.query?.kind === "list" && uri.query.list === "TNDS") {
      const doc = tndsToElement(exportTnds(tree, uri.segments, uri.query.props));
      items = [{ source: { locURI: text }, meta: { format: "xml", type: TNDS_XML }, data: doc }];
    } else {
      const found = tree.get(uri);
      items = found.map((r) => resultItem(r, this.env.binary));
      // A single node is reported under the URI the server used, so it can match its request.
      if (!uri.query && items.length === 1) items[0].source = { locURI: text };
    }
    // The server said it takes no larger object (MaxObjSize): the Get is refused with 413 rather than the
    // value sent anyway.
    const limit = this.env.peerMaxObjSize();
    if (limit) {
      for (const i of items) {
        const d = i.data;
        if ((typeof d === "string" || d instanceof Uint8Array) && byteLength(d) > limit) return TOO_LARGE;
      }
    }
    results.push({ kind: "Results", cmdId: "", msgRef: s.msgRef, cmdRef, targetRefs: [], sourceRefs: [], items });
    return OK;
  }

  // ── large objects ──

  private async chunk(c: Command & { items: Item[] }, item: Item, s: Scope): Promise<void> {
    this.executed++;
    this.env.trace("dpu.command", { cmd: name(c), cmdId: c.cmdId, chunk: true }, 7);
    let a = this.assembly;
    if (!a) {
      const meta = metaOf(item, "meta" in c ? c.meta : undefined);
      const size = item.meta?.size ?? ("meta" in c ? c.meta?.size : undefined);
      a = this.assembly = startAssembly(c.kind, item.target!.locURI, size, meta.format, size !== undefined && size > this.env.maxObjSize ? TOO_LARGE : undefined);
      a.first = item.meta ?? (("meta" in c && c.meta) || undefined);
    }
    addChunk(a, dataOf(item.data));
    if (!a.refused && a.bytes > this.env.maxObjSize) {
      a.refused = TOO_LARGE;
      a.parts = [];
    }
    if (item.moreData) {
      this.reply(s, c, a.refused ?? CHUNK_ACCEPTED, item);
      return;
    }
    this.assembly = undefined;
    if (a.refused) {
      this.reply(s, c, a.refused, item);
      return;
    }
    const data = assembled(a);
    if (!sizeMatches(a, data)) {
      this.reply(s, c, SIZE_MISMATCH, item);
      return;
    }
    // The whole object runs as one command, under the Meta of its first chunk (later ones may omit it).
    const meta = { ...a.first, ...item.meta };
    delete meta.size;
    const whole = { ...c, items: [{ ...item, meta, data, moreData: undefined }] } as Command;
    this.executed--;
    await this.run(whole, s);
  }
}
