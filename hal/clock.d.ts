import type { TimerId } from "./common.js";

export interface Clock {
  /** Wall clock, ms since the Unix epoch; NaN while the device does not know the time. */
  now(): number;
  /** ms since an arbitrary origin; never decreases; unaffected by wall-clock changes. */
  monotonic(): number;
}

export interface Timer {
  /**
   * Calls `callback` once after `delay` ms of monotonic time, then every `repeat` ms when given. The callback
   * runs from the event loop. Throws RangeError for a negative or non-finite delay.
   */
  set(callback: () => void, delay: number, repeat?: number): TimerId;
  /** Cancels; an unknown, fired or undefined id is a no-op. */
  clear(id: TimerId | undefined): void;
}
