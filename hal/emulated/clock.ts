// Clock and timers for the emulated device: virtual (tests advance time by hand, nothing waits) or real.
import type { Clock, Timer } from "../clock.js";
import type { TimerId } from "../common.js";

export interface EmulatedTime {
  readonly clock: Clock;
  readonly timer: Timer;
  /** Virtual time only: moves time forward, firing due timers in order. Real time: waits. */
  advance(ms: number): Promise<void>;
  /** Timers still set. */
  pending(): number;
  /** Cancels every timer (device shut down). */
  clearAll(): void;
}

interface Entry {
  id: number;
  due: number;
  repeat?: number;
  callback: () => void;
}

function checkDelay(delay: number, repeat?: number): void {
  if (typeof delay !== "number" || !(delay >= 0) || !Number.isFinite(delay)) throw new RangeError("timer delay must be a finite number >= 0");
  if (repeat !== undefined && (typeof repeat !== "number" || !(repeat > 0) || !Number.isFinite(repeat))) {
    throw new RangeError("timer repeat must be a finite number > 0");
  }
}

/** Virtual time: starts at `wallStart` (ms since the epoch, NaN for "no time yet") and monotonic 0. */
export function virtualTime(wallStart = Date.UTC(2026, 0, 1)): EmulatedTime {
  let now = 0;
  let next = 1;
  const timers = new Map<number, Entry>();
  const timer: Timer = {
    set(callback, delay, repeat) {
      if (typeof callback !== "function") throw new TypeError("timer callback must be a function");
      checkDelay(delay, repeat);
      const id = next++;
      timers.set(id, { id, due: now + delay, repeat, callback });
      return id;
    },
    clear(id: TimerId | undefined) {
      if (typeof id === "number") timers.delete(id);
    },
  };
  return {
    clock: { now: () => wallStart + now, monotonic: () => now },
    timer,
    async advance(ms) {
      const end = now + ms;
      for (;;) {
        let first: Entry | undefined;
        for (const t of timers.values()) if (t.due <= end && (!first || t.due < first.due)) first = t;
        if (!first) break;
        now = Math.max(now, first.due);
        if (first.repeat) first.due += first.repeat;
        else timers.delete(first.id);
        first.callback();
        await new Promise((r) => setImmediate(r)); // let the work the timer started run before the next fires
      }
      now = end;
    },
    pending: () => timers.size,
    clearAll: () => timers.clear(),
  };
}

export function realTime(): EmulatedTime {
  const timers = new Map<number, NodeJS.Timeout>();
  let next = 1;
  const origin = performance.now();
  return {
    clock: { now: () => Date.now(), monotonic: () => performance.now() - origin },
    timer: {
      set(callback, delay, repeat) {
        if (typeof callback !== "function") throw new TypeError("timer callback must be a function");
        checkDelay(delay, repeat);
        const id = next++;
        const fire = () => {
          if (repeat) timers.set(id, setTimeout(fire, repeat));
          else timers.delete(id);
          callback();
        };
        timers.set(id, setTimeout(fire, delay));
        return id;
      },
      clear(id) {
        if (typeof id !== "number") return;
        clearTimeout(timers.get(id));
        timers.delete(id);
      },
    },
    advance: (ms) => new Promise((r) => setTimeout(r, ms)),
    pending: () => timers.size,
    clearAll() {
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
    },
  };
}
