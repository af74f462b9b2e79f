// Conformance: device.clock and device.timer (hal/clock.d.ts). Virtual time: the control moves it, so the
// cases are exact and instant. Timer callbacks fire from inside control.time.advance(), which plays the
// host's event loop; "never synchronous" means never from inside timer.set().
import { after, afterEach, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { TimerId } from "../../../hal/common.js";
import type { ConformanceDevice, ConformanceTarget } from "../harness.js";

export function clockConformance(target: ConformanceTarget): void {
  describe("clock and timer", () => {
    // One device for the suite (a debug-sync device costs half a second); every case leaves no timer behind.
    let d: ConformanceDevice;
    before(async () => {
      d = await target.make();
    });
    after(async () => {
      await d?.dispose();
    });
    afterEach(() => {
      // Fired one-shot timers and cleared ones are gone from the host too (through the bridge: the VM's clear reached it).
      assert.equal(d.control.time.pending(), 0, "a timer is still set on the host");
    });

    it("now() is a number of ms since the epoch (or NaN while the device has no time)", () => {
      const now = d.device.clock.now();
      assert.equal(typeof now, "number");
      if (!Number.isNaN(now)) assert.ok(now > Date.UTC(2000, 0, 1) && Number.isFinite(now), `implausible wall clock ${now}`);
    });

    it("monotonic() is a number that never decreases, and follows the passing of time", async () => {
      const { clock } = d.device;
      let last = clock.monotonic();
      assert.equal(typeof last, "number");
      assert.ok(Number.isFinite(last));
      for (let i = 0; i < 50; i++) {
        const m = clock.monotonic();
        assert.ok(m >= last, `monotonic went back from ${last} to ${m}`);
        last = m;
      }
      await d.control.time.advance(500);
      const later = clock.monotonic();
      assert.ok(later >= last + 499, `after 500 ms monotonic moved only ${later - last} ms`);
    });

    it("set() fires the callback once, after the delay, never from inside set()", async () => {
      const { timer, clock } = d.device;
      const start = clock.monotonic();
      const fired: number[] = [];
      let inside = true;
      timer.set(() => fired.push(inside ? -1 : clock.monotonic()), 100);
      inside = false;
      assert.deepEqual(fired, [], "fired inside set()");
      await d.control.time.advance(99);
      assert.deepEqual(fired, [], "fired before its delay");
      await d.control.time.advance(1);
      assert.equal(fired.length, 1, "did not fire at its delay");
      assert.ok(fired[0]! >= start + 100, `fired at ${fired[0]! - start} ms, before 100 ms`);
      await d.control.time.advance(1000);
      assert.equal(fired.length, 1, "a timer without repeat fired again");
    });

    it("a zero delay still waits for the event loop", async () => {
      const fired: string[] = [];
      d.device.timer.set(() => fired.push("zero"), 0);
      assert.deepEqual(fired, [], "fired inside set()");
      await d.control.time.advance(0);
      assert.deepEqual(fired, ["zero"]);
    });

    it("timers fire in the order they fall due", async () => {
      const fired: string[] = [];
      const { timer } = d.device;
      timer.set(() => fired.push("30"), 30);
      timer.set(() => fired.push("10"), 10);
      timer.set(() => fired.push("20"), 20);
      await d.control.time.advance(30);
      assert.deepEqual(fired, ["10", "20", "30"]);
    });

    it("repeat fires after the delay, then every repeat ms, until cleared", async () => {
      const { timer, clock } = d.device;
      const start = clock.monotonic();
      const at: number[] = [];
      const id = timer.set(() => at.push(clock.monotonic() - start), 50, 20);
      await d.control.time.advance(49);
      assert.equal(at.length, 0);
      await d.control.time.advance(1);
      assert.equal(at.length, 1);
      await d.control.time.advance(60); // due at 70, 90, 110
      assert.equal(at.length, 4, `fired at ${at.join(", ")}`);
      for (let i = 1; i < at.length; i++) assert.ok(at[i]! >= at[i - 1]! + 20 - 1, `repeats too close: ${at.join(", ")}`);
      timer.clear(id);
      await d.control.time.advance(200);
      assert.equal(at.length, 4, "fired after clear()");
    });

    it("clear() before the delay stops a timer", async () => {
      const { timer } = d.device;
      let fired = 0;
      const id = timer.set(() => fired++, 100);
      await d.control.time.advance(50);
      timer.clear(id);
      await d.control.time.advance(200);
      assert.equal(fired, 0);
    });

    it("a repeating timer can clear itself from its own callback", async () => {
      const { timer } = d.device;
      let fired = 0;
      let id: TimerId | undefined;
      id = timer.set(() => {
        fired++;
        if (fired === 3) timer.clear(id);
      }, 10, 10);
      await d.control.time.advance(200);
      assert.equal(fired, 3);
    });

    it("clear() of an unknown, fired or undefined id is a no-op", async () => {
      const { timer } = d.device;
      let fired = 0;
      const id = timer.set(() => fired++, 5);
      await d.control.time.advance(5);
      assert.equal(fired, 1);
      timer.clear(id); // already fired
      timer.clear(id); // and again
      timer.clear(undefined);
      timer.clear(987654321);
      timer.clear({});
      // and none of that disturbed a live timer
      let other = 0;
      timer.set(() => other++, 5);
      timer.clear(987654322);
      await d.control.time.advance(5);
      assert.equal(other, 1);
    });

    it("a negative or non-finite delay is a RangeError, and nothing is scheduled", async () => {
      const { timer } = d.device;
      let fired = 0;
      const callback = () => fired++;
      assert.throws(() => timer.set(callback, -1), { name: "RangeError" }, "delay -1");
      assert.throws(() => timer.set(callback, Number.NaN), { name: "RangeError" }, "delay NaN");
      assert.throws(() => timer.set(callback, Number.POSITIVE_INFINITY), { name: "RangeError" }, "delay Infinity");
      await d.control.time.advance(100);
      assert.equal(fired, 0, "a rejected timer fired");
    });

    it("a callback that is not a function is a TypeError", () => {
      const set = d.device.timer.set as (callback: unknown, delay: number) => unknown;
      assert.throws(() => set(undefined, 10), { name: "TypeError" });
      assert.throws(() => set("alert(1)", 10), { name: "TypeError" });
    });
  });
}
