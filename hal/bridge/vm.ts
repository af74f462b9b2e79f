// Runs the agent bundle in quickjs-emscripten over any HAL implementation (see hal/README.md, "The QuickJS
// boundary"): the host enters the VM only to evaluate, to deliver a callback, or to call dmAgent; after
// every entry it drains the job queue; each entry has a deadline, the runtime a memory and a stack limit,
// and an agent that breaks them is stopped (its HAL resources closed, no callback after) while the host
// goes on.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  DEBUG_SYNC,
  RELEASE_SYNC,
  newQuickJSWASMModule,
  shouldInterruptAfterDeadline,
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSRuntime,
  type QuickJSWASMModule,
  type TestQuickJSWASMModule,
} from "quickjs-emscripten";
import type { Device } from "../device.js";
import { Facade } from "./facade.js";
import { Marshaller } from "./marshal.js";
import { HELPERS, PRELUDE } from "./prelude.js";

export const DEFAULT_BUNDLE = join(import.meta.dirname, "..", "..", "..", "build", "out", "dm-agent.js");

export interface AgentVMOptions {
  readonly device: Device;
  /** Script source to evaluate after the prelude; default: the built bundle (build/out/dm-agent.js). */
  readonly bundle?: string;
  /** "release" (default) or "debug" (quickjs-emscripten's debug-sync build, for leak checks). */
  readonly variant?: "release" | "debug";
  /** A module to use instead of the variant's (e.g. a TestQuickJSWASMModule that checks for leaks). */
  readonly module?: QuickJSWASMModule | TestQuickJSWASMModule;
  /** Bytes; default 4 MiB. */
  readonly memoryLimit?: number;
  /** Bytes of VM stack; default 256 KiB. */
  readonly stackLimit?: number;
  /** ms one entry (evaluation, callback delivery, call) may run, job queue included; default 1000. */
  readonly deadline?: number;
  /** The agent was stopped: watchdog, memory or stack limit. Called once. */
  onFatal?(error: AgentStoppedError): void;
  /** An exception escaped a callback or a job (an agent bug); the agent keeps running. Default: device.log. */
  onError?(error: Error): void;
}

/** The VM broke a limit and was stopped; `reason` says which. */
export class AgentStoppedError extends Error {
  constructor(readonly reason: "deadline" | "memory" | "stack" | "engine", detail: string) {
    super(`agent stopped (${reason}): ${detail}`);
    this.name = "AgentStoppedError";
  }
}

export interface VMMemory {
  /** Bytes the runtime has allocated: objects, strings, shapes, bytecode... (QuickJS memory_used_size). */
  readonly memoryUsed: number;
  readonly objects: number;
}

const modules = new Map<string, Promise<QuickJSWASMModule>>();
function moduleFor(variant: "release" | "debug"): Promise<QuickJSWASMModule> {
  let m = modules.get(variant);
  if (!m) modules.set(variant, (m = newQuickJSWASMModule(variant === "debug" ? DEBUG_SYNC : RELEASE_SYNC)));
  return m;
}

export class AgentVM {
  readonly runtime: QuickJSRuntime;
  readonly context: QuickJSContext;
  private readonly marshal: Marshaller;
  private readonly facade: Facade;
  private readonly helpers = new Map<string, QuickJSHandle>();
  private readonly held = new Set<QuickJSHandle>();
  private deliverFn: QuickJSHandle | undefined;
  private pendingFn: QuickJSHandle | undefined;
  private depth = 0;
  private readonly queue: Array<() => void> = [];
  private stopped: AgentStoppedError | undefined;
  private disposed = false;
  private peak = 0;

  static async create(options: AgentVMOptions): Promise<AgentVM> {
    const module = options.module ?? (await moduleFor(options.variant ?? "release"));
    const vm = new AgentVM(module, options);
    vm.install(options.bundle ?? readFileSync(DEFAULT_BUNDLE, "utf8"));
    return vm;
  }

  private constructor(module: QuickJSWASMModule | TestQuickJSWASMModule, private readonly options: AgentVMOptions) {
    this.runtime = module.newRuntime();
    this.runtime.setMemoryLimit(options.memoryLimit ?? 4 * 1024 * 1024);
    this.runtime.setMaxStackSize(options.stackLimit ?? 256 * 1024);
    this.context = this.runtime.newContext();
    this.facade = new Facade(options.device);
    const self = this;
    this.marshal = new Marshaller({
      context: this.context,
      helper: (name) => this.helpers.get(name)!,
      callbackFor: (id) => (...args: unknown[]) => self.deliver(id, args),
      proxyFunction: (fn, thisHandle) => this.proxy(fn, thisHandle),
      guard: (run) => {
        try {
          return run();
        } catch (error) {
          return { error: this.marshal.toVM(error instanceof Error ? error : new Error(String(error))) };
        }
      },
    });
  }

  private install(bundle: string): void {
    this.enter(() => {
      const helpers = this.context.unwrapResult(this.context.evalCode(HELPERS, "helpers.js"));
      for (const name of ["kind", "view", "entries", "map", "errorParts", "error", "keys", "construct", "joinNul", "splitNul"]) {
        this.helpers.set(name, this.context.getProp(helpers, name));
      }
      helpers.dispose();
      const prelude = this.context.unwrapResult(this.context.evalCode(PRELUDE, "prelude.js"));
      const host = this.marshal.toVM(this.facade.build());
      const exported = this.context.unwrapResult(this.context.callFunction(prelude, this.context.undefined, host));
      host.dispose();
      prelude.dispose();
      this.deliverFn = this.context.getProp(exported, "deliver");
      this.pendingFn = this.context.getProp(exported, "pending");
      exported.dispose();
    });
    this.evaluate(bundle, "dm-agent.js");
  }

  /** The reason the agent was stopped, if it was. */
  get fatal(): AgentStoppedError | undefined {
    return this.stopped;
  }

  /** Evaluates a global script in the VM (one entry). Returns its completion value. */
  evaluate(source: string, filename = "eval.js"): unknown {
    return this.enter(() => {
      const result = this.context.evalCode(source, filename, { type: "global" });
      if (result.error) throw this.vmError(result.error);
      return result.value.consume((h) => this.marshal.fromVM(h));
    });
  }

  /**
   * Calls `globalThis.dmAgent[method](...args)` (one entry). A promise the VM returns becomes a host promise
   * that settles when the VM's does (the job queue runs on later entries).
   */
  call(method: string, ...args: unknown[]): unknown {
    return this.enter(() => {
      const agent = this.context.getProp(this.context.global, "dmAgent");
      try {
        const fn = this.context.getProp(agent, method);
        const hs = args.map((a) => this.marshal.toVM(a));
        const result = this.context.callFunction(fn, agent, ...hs);
        hs.forEach((h) => h.dispose());
        fn.dispose();
        if (result.error) throw this.vmError(result.error);
        return result.value.consume((h) => this.settleHost(h));
      } finally {
        agent.dispose();
      }
    });
  }

  private settleHost(handle: QuickJSHandle): unknown {
    const state = this.context.getPromiseState(handle);
    if (state.type === "fulfilled" && state.notAPromise) return this.marshal.fromVM(handle); // state.value is `handle`
    if (state.type === "fulfilled") return Promise.resolve(state.value.consume((h) => this.marshal.fromVM(h)));
    if (state.type === "rejected") return Promise.reject(state.error.consume((h) => this.marshal.fromVM(h)));
    return this.context.resolvePromise(handle).then((r) => {
      if (r.error) throw r.error.consume((h) => this.marshal.fromVM(h));
      return r.value.consume((h) => this.marshal.fromVM(h));
    });
  }

  /** A host view of a VM value: objects and functions become proxies that enter the VM (tests use this). */
  reflect(expression: string): unknown {
    return this.enter(() => {
      const result = this.context.evalCode(expression, "reflect.js");
      if (result.error) throw this.vmError(result.error);
      return result.value.consume((h) => this.marshal.fromVM(h));
    });
  }

  memory(): VMMemory {
    const usage = this.runtime.computeMemoryUsage();
    const m = this.context.dump(usage) as Record<string, number>;
    usage.dispose();
    return { memoryUsed: m.memory_used_size, objects: m.obj_count };
  }

  /** Highest memory_used_size seen at the end of an entry. */
  get peakMemory(): number {
    return this.peak;
  }

  /** Callbacks the VM holds for the HAL (a leak shows up as growth here). */
  pendingCallbacks(): number {
    return this.enter(() => this.context.unwrapResult(this.context.callFunction(this.pendingFn!, this.context.undefined)).consume((h) => this.context.getNumber(h)));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.facade.closeAll();
    for (const h of this.held) h.dispose();
    this.held.clear();
    for (const h of this.helpers.values()) h.dispose();
    this.helpers.clear();
    this.deliverFn?.dispose();
    this.pendingFn?.dispose();
    this.context.dispose();
    this.runtime.dispose();
  }

  // ── entries ──

  private enter<T>(run: () => T): T {
    if (this.disposed) throw new Error("agent VM disposed");
    if (this.stopped) throw this.stopped;
    const outer = this.depth === 0;
    if (outer) this.runtime.setInterruptHandler(shouldInterruptAfterDeadline(Date.now() + (this.options.deadline ?? 1000)));
    this.depth++;
    let failure: unknown;
    let result: T | undefined;
    try {
      result = run();
    } catch (error) {
      failure = error;
    }
    this.depth--;
    if (outer) {
      if (!this.stopped && !(failure instanceof AgentStoppedError)) this.drain();
      this.runtime.removeInterruptHandler();
      if (!this.stopped) this.peak = Math.max(this.peak, this.memory().memoryUsed);
      if (failure instanceof AgentStoppedError) this.stop(failure);
      this.flush();
    }
    if (failure !== undefined) throw failure;
    return result as T;
  }

  private drain(): void {
    while (!this.stopped && this.runtime.hasPendingJob()) {
      const r = this.runtime.executePendingJobs(-1);
      if (r.error) {
        const error = this.vmError(r.error);
        if (error instanceof AgentStoppedError) this.stop(error);
        else this.report(error);
      }
    }
  }

  private flush(): void {
    while (this.depth === 0 && !this.stopped && this.queue.length) this.queue.shift()!();
  }

  /** Delivers a HAL callback into the VM: later if the VM is running now, never after a stop. */
  private deliver(id: number, args: unknown[]): void {
    if (this.disposed || this.stopped) return;
    const run = () => {
      try {
        this.enter(() => {
          const hs = [this.context.newNumber(id), ...args.map((a) => this.marshal.toVM(a))];
          const result = this.context.callFunction(this.deliverFn!, this.context.undefined, ...hs);
          hs.forEach((h) => h.dispose());
          if (result.error) throw this.vmError(result.error);
          result.value.dispose();
        });
      } catch (error) {
        if (!(error instanceof AgentStoppedError)) this.report(error as Error);
      }
    };
    if (this.depth > 0) this.queue.push(run);
    else run();
  }

  private proxy(fn: QuickJSHandle, thisHandle: QuickJSHandle | undefined): (...args: unknown[]) => unknown {
    const f = fn.dup();
    const t = thisHandle?.dup();
    this.held.add(f);
    if (t) this.held.add(t);
    const vm = this;
    // A plain function, so that `new proxy(...)` constructs in the VM (device.io.SMS, HTTPClient).
    return function (this: unknown, ...args: unknown[]) {
      const constructing = new.target !== undefined;
      return vm.enter(() => {
        const hs = args.map((a) => vm.marshal.toVM(a));
        let result;
        if (constructing) {
          const list = vm.context.newArray();
          hs.forEach((h, i) => vm.context.setProp(list, i, h));
          result = vm.context.callFunction(vm.helpers.get("construct")!, vm.context.undefined, f, list);
          list.dispose();
        } else {
          result = vm.context.callFunction(f, t ?? vm.context.undefined, ...hs);
        }
        if (!result.error) vm.copyBack(args, hs);
        hs.forEach((h) => h.dispose());
        if (result.error) throw vm.vmError(result.error);
        return result.value.consume((h) => vm.marshal.fromVM(h));
      });
    };
  }

  /**
   * Byte buffers cross into the VM as copies: after a proxied call, what the VM wrote into them goes back into
   * the caller's buffers, so output arguments (random.fill, request.read(buffer)) work from the host too.
   */
  private copyBack(args: unknown[], handles: QuickJSHandle[]): void {
    args.forEach((arg, i) => {
      const target = arg instanceof ArrayBuffer ? new Uint8Array(arg)
        : ArrayBuffer.isView(arg) ? new Uint8Array(arg.buffer, arg.byteOffset, arg.byteLength)
        : undefined;
      if (!target) return;
      const copy = this.context.getArrayBuffer(handles[i]!);
      try {
        target.set(copy.value.subarray(0, target.length));
      } finally {
        copy.dispose();
      }
    });
  }

  /** A VM exception as a host error; engine limits become AgentStoppedError. */
  private vmError(handle: QuickJSHandle): Error {
    let error: Error;
    try {
      error = this.marshal.fromVM(handle) as Error;
    } catch {
      return new AgentStoppedError("engine", "the VM could not report its exception");
    } finally {
      // Even when it cannot be converted: a handle left alive aborts the runtime's dispose.
      handle.dispose();
    }
    if (!(error instanceof Error)) return new Error(`VM threw ${String(error)}`);
    if (error.name === "InternalError") {
      const m = error.message;
      if (/interrupted/.test(m)) return new AgentStoppedError("deadline", `an entry ran past ${this.options.deadline ?? 1000} ms`);
      if (/out of memory/.test(m)) return new AgentStoppedError("memory", `over the ${this.options.memoryLimit ?? 4194304}-byte limit`);
      if (/stack overflow/.test(m)) return new AgentStoppedError("stack", "stack limit exceeded");
    }
    return error;
  }

  private stop(error: AgentStoppedError): void {
    if (this.stopped) return;
    this.stopped = error;
    this.queue.length = 0;
    this.facade.closeAll();
    this.options.device.log?.write("error", error.message);
    this.options.onFatal?.(error);
  }

  private report(error: Error): void {
    if (this.options.onError) this.options.onError(error);
    else this.options.device.log?.write("error", `agent: ${error.name}: ${error.message}`);
  }
}
