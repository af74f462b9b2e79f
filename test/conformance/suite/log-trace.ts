// Conformance: device.log and device.trace (hal/log.d.ts, hal/trace.d.ts): synchronous, never throwing;
// what is written reaches the host (the emulator keeps it in control.log / control.trace).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ConformanceDevice, ConformanceTarget } from "../harness.js";
import type { LogLevel } from "../../../hal/log.js";
import type { TraceEvent } from "../../../hal/trace.js";

const LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];

export function logTraceConformance(target: ConformanceTarget): void {
  describe("log and trace", () => {
    let d: ConformanceDevice;
    before(async () => {
      d = await target.make();
    });
    after(async () => {
      await d?.dispose();
    });

    it("log.level is one of the levels", () => {
      assert.ok(d.device.log, "the emulated device has a log");
      assert.ok(LEVELS.includes(d.device.log.level), `level ${String(d.device.log.level)}`);
    });

    it("log.write never throws, at any level, for any message, and the host gets it", () => {
      const log = d.device.log!;
      const before = d.control.log.length;
      const long = "x".repeat(16 * 1024);
      for (const level of LEVELS) log.write(level, `message at ${level}`);
      log.write("info", "");
      log.write("info", long);
      log.write("warn", "non-ASCII: größe 日本 \u{1F4F1}");
      log.write("error", "line one\nline two\0after a NUL");
      const written = d.control.log.slice(before);
      assert.deepEqual(written.slice(0, 4), LEVELS.map((level) => ({ level, message: `message at ${level}` })));
      assert.deepEqual(written[4], { level: "info", message: "" });
      assert.equal(written[5]?.message, long);
      assert.equal(written[6]?.message, "non-ASCII: größe 日本 \u{1F4F1}");
      assert.equal(written[7]?.message, "line one\nline two\0after a NUL");
    });

    it("log.write survives values the types do not allow", () => {
      const write = d.device.log!.write as (level: unknown, message: unknown) => void;
      write("info", 42);
      write("info", undefined);
      write("verbose", "unknown level");
      write("info", "\ud800 lone surrogate");
    });

    it("trace.write records the event", () => {
      assert.ok(d.device.trace, "the emulated device has a trace");
      const event: TraceEvent = {
        step: 3,
        name: "push.accepted",
        at: d.device.clock.monotonic(),
        detail: { server: "dm.example", sessionId: 42, secure: true, reason: null },
      };
      const before = d.control.trace.length;
      d.device.trace.write(event);
      assert.equal(d.control.trace.length, before + 1);
      assert.deepEqual(d.control.trace[before], event);
    });

    it("trace.write takes an event with only a name and a time", () => {
      const before = d.control.trace.length;
      d.device.trace!.write({ name: "session.end", at: 0 });
      assert.equal(d.control.trace.length, before + 1);
      assert.deepEqual(d.control.trace[before], { name: "session.end", at: 0 });
    });
  });
}
