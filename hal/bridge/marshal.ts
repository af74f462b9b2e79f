// Copies values across the QuickJS boundary. Host → VM: primitives, bigint, byte buffers (copied), arrays,
// Maps, errors (with `code`), plain objects, class instances (their methods bound), functions. VM → host:
// the same, plus callback ids ({ $cb }) that become host functions delivering into the VM, and VM
// functions or objects that become host proxies (used by tests that drive the VM's `device` from Node).
import type { QuickJSContext, QuickJSHandle } from "quickjs-emscripten";

export interface MarshalHost {
  readonly context: QuickJSContext;
  /** VM helper functions (prelude HELPERS), by name. */
  helper(name: string): QuickJSHandle;
  /** A host function that delivers a VM callback by id, later, from the host's event loop. */
  callbackFor(id: number): (...args: unknown[]) => void;
  /** A host function that calls the VM function `fn` with `self` as this; duplicates what it keeps. */
  proxyFunction(fn: QuickJSHandle, self: QuickJSHandle | undefined): (...args: unknown[]) => unknown;
  /** Runs host code called from the VM; thrown host errors become VM exceptions. */
  guard(run: () => QuickJSHandle | undefined): QuickJSHandle | { error: QuickJSHandle } | undefined;
}

const MAX_DEPTH = 32;

/** Uses a handle and disposes it even when `use` throws (a leaked handle aborts the runtime at dispose). */
export function take<T>(handle: QuickJSHandle, use: (h: QuickJSHandle) => T): T {
  try {
    return use(handle);
  } finally {
    if (handle.alive) handle.dispose();
  }
}

export class Marshaller {
  constructor(private readonly host: MarshalHost) {}

  private get vm(): QuickJSContext {
    return this.host.context;
  }

  private callHelper(name: string, ...args: QuickJSHandle[]): QuickJSHandle {
    return this.vm.unwrapResult(this.vm.callFunction(this.host.helper(name), this.vm.undefined, ...args));
  }

  toVM(value: unknown, depth = 0): QuickJSHandle {
    const vm = this.vm;
    if (depth > MAX_DEPTH) throw new RangeError("value nested too deeply to cross into the VM");
    switch (typeof value) {
      case "undefined": return vm.undefined;
      case "boolean": return value ? vm.true : vm.false;
      case "number": return vm.newNumber(value);
      case "string": {
        if (!value.includes("\0")) return vm.newString(value);
        // newString goes through a C string and would stop at the first NUL: join the pieces in the VM.
        const parts = this.toVM(value.split("\0"), depth + 1);
        const joined = this.callHelper("joinNul", parts);
        parts.dispose();
        return joined;
      }
      case "bigint": return vm.newBigInt(value);
      case "function": return this.functionToVM(value as (...args: unknown[]) => unknown, undefined);
      case "symbol": throw new TypeError("symbols do not cross into the VM");
    }
    if (value === null) return vm.null;
    if (value instanceof ArrayBuffer) return vm.newArrayBuffer(value.slice(0));
    if (ArrayBuffer.isView(value)) {
      return vm.newArrayBuffer(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength) as ArrayBuffer);
    }
    if (Array.isArray(value)) {
      const array = vm.newArray();
      try {
        value.forEach((item, i) => take(this.toVM(item, depth + 1), (h) => vm.setProp(array, i, h)));
      } catch (error) {
        array.dispose();
        throw error;
      }
      return array;
    }
    if (value instanceof Map) {
      const entries = this.toVM(Array.from(value), depth + 1);
      const map = this.callHelper("map", entries);
      entries.dispose();
      return map;
    }
    if (value instanceof Error) {
      const code = (value as { code?: unknown }).code;
      const parts = [value.name, value.message, code === undefined ? null : String(code)].map((v) => this.toVM(v));
      try {
        return this.callHelper("error", ...parts);
      } finally {
        parts.forEach((p) => p.dispose());
      }
    }
    const object = vm.newObject();
    try {
      this.fillObject(object, value as Record<string, unknown>, depth);
    } catch (error) {
      object.dispose();
      throw error;
    }
    return object;
  }

  private fillObject(object: QuickJSHandle, source: Record<string, unknown>, depth: number): void {
    const vm = this.vm;
    const proto = Object.getPrototypeOf(source);
    const plain = proto === Object.prototype || proto === null;
    for (const key of Object.keys(source)) {
      const item = source[key];
      if (item === undefined) continue;
      if (!plain && item !== null && typeof item === "object") continue; // an instance's internal state
      const h = typeof item === "function" ? this.functionToVM(item as (...a: unknown[]) => unknown, source) : this.toVM(item, depth + 1);
      take(h, () => vm.setProp(object, key, h));
    }
    if (plain) return;
    const done = new Set(Object.keys(source));
    for (let p = proto; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
      for (const key of Object.getOwnPropertyNames(p)) {
        // Methods only: a getter read off the prototype would run without its instance.
        const method = Object.getOwnPropertyDescriptor(p, key)?.value;
        if (key === "constructor" || typeof method !== "function" || done.has(key)) continue;
        done.add(key);
        take(this.functionToVM(method as (...a: unknown[]) => unknown, source), (h) => vm.setProp(object, key, h));
      }
    }
  }

  private functionToVM(fn: (...args: unknown[]) => unknown, self: unknown): QuickJSHandle {
    const isClass = /^class[\s{]/.test(Function.prototype.toString.call(fn));
    return this.vm.newFunction(fn.name || "host", (...args) =>
      this.host.guard(() => {
        const hostArgs = args.map((a) => this.fromVM(a));
        const result = isClass ? Reflect.construct(fn, hostArgs) : fn.apply(self, hostArgs);
        return this.toVM(result);
      }),
    );
  }

  fromVM(handle: QuickJSHandle, depth = 0): unknown {
    const vm = this.vm;
    if (depth > MAX_DEPTH) throw new RangeError("value nested too deeply to leave the VM");
    const type = vm.typeof(handle);
    switch (type) {
      case "undefined": return undefined;
      case "boolean": case "number": return vm.dump(handle);
      case "string": {
        const text = vm.getString(handle);
        // getString stops at a NUL (C string): when the lengths differ, split in the VM and join here.
        if (text.length === take(vm.getProp(handle, "length"), (h) => vm.getNumber(h))) return text;
        const parts = this.callHelper("splitNul", handle);
        try {
          // No NUL: the lengths differ because of lone surrogates, which UTF-8 cannot carry (they arrive
          // as U+FFFD). Splitting again would recurse until the depth limit.
          if (take(vm.getProp(parts, "length"), (h) => vm.getNumber(h)) === 1) return text;
          return (this.fromVM(parts, depth + 1) as string[]).join("\0");
        } finally {
          parts.dispose();
        }
      }
      case "bigint": return vm.getBigInt(handle);
      case "function": return this.host.proxyFunction(handle, undefined);
      case "symbol": throw new TypeError("symbols do not leave the VM");
    }
    if (vm.eq(handle, vm.null)) return null;
    const kind = take(this.callHelper("kind", handle), (h) => vm.getString(h));
    switch (kind) {
      case "ab": {
        const lifetime = vm.getArrayBuffer(handle);
        try {
          return lifetime.value.slice().buffer;
        } finally {
          lifetime.dispose();
        }
      }
      case "view": {
        return take(this.callHelper("view", handle), (ab) => this.fromVM(ab, depth));
      }
      case "array": {
        const length = take(vm.getProp(handle, "length"), (h) => vm.getNumber(h));
        const out: unknown[] = [];
        for (let i = 0; i < length; i++) out.push(take(vm.getProp(handle, i), (h) => this.fromVM(h, depth + 1)));
        return out;
      }
      case "map": {
        return new Map(take(this.callHelper("entries", handle), (e) => this.fromVM(e, depth + 1)) as Array<[unknown, unknown]>);
      }
      case "error": {
        const [name, message, code] = take(this.callHelper("errorParts", handle), (p) => vm.dump(p)) as [string, string, string | null];
        const C = name === "TypeError" ? TypeError : name === "RangeError" ? RangeError : Error;
        const error = new C(message) as Error & { code?: string };
        if (name !== error.name) error.name = name;
        if (code !== null) error.code = code;
        return error;
      }
      case "cb":
        return this.host.callbackFor(take(vm.getProp(handle, "$cb"), (h) => vm.getNumber(h)));
    }
    const names = take(this.callHelper("keys", handle), (k) => vm.dump(k)) as string[];
    const out: Record<string, unknown> = {};
    for (const name of names) {
      out[name] = take(vm.getProp(handle, name), (h) =>
        vm.typeof(h) === "function" ? this.host.proxyFunction(h, handle) : this.fromVM(h, depth + 1),
      );
    }
    return out;
  }
}
