// Host side of the prelude: the flat object the VM's `host` sees, made from any HAL implementation.
// It records every resource the VM opens, so that a stopped agent can be cleaned up (no callback after).
import type { Device } from "../device.js";
import type { TimerId } from "../common.js";

interface Closable {
  close(): void;
}

export class Facade {
  private readonly open = new Set<Closable>();
  private readonly timers = new Map<number, TimerId>();
  private nextTimer = 1;

  constructor(private readonly device: Device) {}

  /** A delegate of `resource` whose close() also forgets it here; methods stay bound to the original. */
  private track<T extends Closable>(resource: T): T {
    const open = this.open;
    open.add(resource);
    const delegate: Record<string, unknown> = {};
    for (let o: object | null = resource; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
      for (const key of Object.getOwnPropertyNames(o)) {
        if (key === "constructor" || key.startsWith("_") || key in delegate) continue;
        const value = (resource as unknown as Record<string, unknown>)[key];
        // Methods, and primitive data such as `format`; never internal state objects.
        if (typeof value === "function") delegate[key] = (...args: unknown[]) => value.apply(resource, args);
        else if (value === null || typeof value !== "object") delegate[key] = value;
      }
    }
    delegate.close = () => {
      open.delete(resource);
      resource.close();
    };
    return delegate as unknown as T;
  }

  /** Closes everything the VM left open and cancels its timers: no callback into it follows. */
  closeAll(): void {
    for (const resource of this.open) {
      try { resource.close(); } catch { /* already broken: nothing more to stop */ }
    }
    this.open.clear();
    for (const id of this.timers.values()) this.device.timer.clear(id);
    this.timers.clear();
  }

  build(): object {
    const d = this.device;
    const SMS = d.io.SMS;
    const { io: HTTPClient, ...defaults } = d.network.https.client;
    const ui = d.ui;
    return {
      version: d.version,
      io: { SMS: SMS ? (options: never) => this.track(new SMS(options)) : undefined },
      https: { defaults, open: (options: never) => this.track(new HTTPClient(options)) },
      config: { open: (options: never) => this.track(d.config.open(options)) },
      clock: { now: () => d.clock.now(), monotonic: () => d.clock.monotonic() },
      timer: {
        set: (callback: () => void, delay: number, repeat?: number) => {
          const n = this.nextTimer++;
          const id = d.timer.set(() => {
            if (!repeat) this.timers.delete(n);
            callback();
          }, delay, repeat);
          this.timers.set(n, id);
          return n;
        },
        clear: (n: number) => {
          const id = this.timers.get(n);
          this.timers.delete(n);
          d.timer.clear(id);
        },
      },
      random: {
        bytes: (count: number) => {
          const buffer = new Uint8Array(count);
          d.random.fill(buffer);
          return buffer.buffer;
        },
      },
      info: { read: () => d.info.read() },
      ui: ui && {
        display: (o: never, cb: never) => this.track(ui.display(o, cb)),
        confirm: (o: never, cb: never) => this.track(ui.confirm(o, cb)),
        input: (o: never, cb: never) => this.track(ui.input(o, cb)),
        choose: (o: never, cb: never) => this.track(ui.choose(o, cb)),
      },
      log: d.log && { level: d.log.level, write: (level: never, message: string) => d.log!.write(level, message) },
      trace: d.trace && { write: (event: never) => d.trace!.write(event) },
    };
  }
}
