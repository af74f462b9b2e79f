// Conformance: device.random (hal/random.d.ts). Any ArrayBuffer or view is filled in place, exactly over
// the view's own bytes; the bytes look random (a chi-square sanity check, not a statistical test suite).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ConformanceDevice, ConformanceTarget } from "../harness.js";

const SENTINEL = 0xa5;

function allEqual(bytes: Uint8Array, value: number): boolean {
  return bytes.every((b) => b === value);
}

export function randomConformance(target: ConformanceTarget): void {
  describe("random", () => {
    let d: ConformanceDevice;
    before(async () => {
      d = await target.make();
    });
    after(async () => {
      await d?.dispose();
    });

    it("fills an ArrayBuffer", () => {
      const buffer = new ArrayBuffer(64);
      d.device.random.fill(buffer);
      assert.ok(!allEqual(new Uint8Array(buffer), 0), "64 zero bytes");
    });

    it("fills a Uint8Array", () => {
      const bytes = new Uint8Array(64).fill(SENTINEL);
      d.device.random.fill(bytes);
      assert.ok(!allEqual(bytes, SENTINEL), "left untouched");
    });

    it("fills only a subarray's own bytes (byteOffset, byteLength)", () => {
      const whole = new Uint8Array(96).fill(SENTINEL);
      d.device.random.fill(whole.subarray(16, 80));
      assert.ok(allEqual(whole.subarray(0, 16), SENTINEL), "bytes before the view were written");
      assert.ok(allEqual(whole.subarray(80), SENTINEL), "bytes after the view were written");
      assert.ok(!allEqual(whole.subarray(16, 80), SENTINEL), "the view was not filled");
    });

    it("fills a DataView over part of a buffer, and other typed arrays", () => {
      const buffer = new ArrayBuffer(64);
      new Uint8Array(buffer).fill(SENTINEL);
      d.device.random.fill(new DataView(buffer, 8, 40));
      const bytes = new Uint8Array(buffer);
      assert.ok(allEqual(bytes.subarray(0, 8), SENTINEL) && allEqual(bytes.subarray(48), SENTINEL), "outside the DataView written");
      assert.ok(!allEqual(bytes.subarray(8, 48), SENTINEL), "the DataView was not filled");

      const words = new Uint32Array(16).fill(0xa5a5a5a5);
      d.device.random.fill(words.subarray(4, 12));
      const wordBytes = new Uint8Array(words.buffer);
      assert.ok(allEqual(wordBytes.subarray(0, 16), SENTINEL) && allEqual(wordBytes.subarray(48), SENTINEL), "outside the Uint32Array view written");
      assert.ok(!allEqual(wordBytes.subarray(16, 48), SENTINEL), "the Uint32Array view was not filled");
    });

    it("an empty buffer is fine", () => {
      d.device.random.fill(new Uint8Array(0));
      d.device.random.fill(new ArrayBuffer(0));
    });

    it("two fills differ", () => {
      const a = new Uint8Array(32);
      const b = new Uint8Array(32);
      d.device.random.fill(a);
      d.device.random.fill(b);
      assert.notDeepEqual(a, b);
    });

    it("a value that is not a buffer is a TypeError", () => {
      assert.throws(() => d.device.random.fill("not a buffer" as unknown as ArrayBuffer), { name: "TypeError" });
      assert.throws(() => d.device.random.fill(64 as unknown as ArrayBuffer), { name: "TypeError" });
    });

    it("64 KiB have a plausible byte distribution", () => {
      const bytes = new Uint8Array(64 * 1024);
      d.device.random.fill(bytes);
      const counts = new Array<number>(256).fill(0);
      let ones = 0;
      for (const b of bytes) {
        counts[b]!++;
        for (let v = b; v; v &= v - 1) ones++;
      }
      // chi-square, 255 degrees of freedom: mean 255, sd 22.6; 400 is about p = 1e-7 for a good source.
      const expected = bytes.length / 256;
      const chi = counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
      assert.ok(chi < 400, `chi-square ${chi.toFixed(1)} over 256 byte values`);
      // bits: mean 262144, sd 362
      const bits = bytes.length * 8;
      assert.ok(Math.abs(ones - bits / 2) < 2500, `${ones} one bits of ${bits}`);
      assert.ok(Math.min(...counts) > 0, "a byte value never appeared");
    });
  });
}
