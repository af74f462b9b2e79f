// Conformance: device.info (hal/info.d.ts): the DevInfo/DevDetail record, a fresh snapshot every call.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ConformanceDevice, ConformanceTarget } from "../harness.js";
import type { DeviceInformationRecord } from "../../../hal/info.js";

const REQUIRED = [
  "deviceId", "manufacturer", "model", "deviceType", "firmwareVersion", "softwareVersion", "hardwareVersion", "language",
] as const;
const OPTIONAL_STRINGS = ["oem", "imsi"] as const;

export function infoConformance(target: ConformanceTarget): void {
  describe("device information", () => {
    let d: ConformanceDevice;
    before(async () => {
      d = await target.make();
    });
    after(async () => {
      await d?.dispose();
    });

    it("read() returns every required field as a non-empty string", () => {
      const record = d.device.info.read();
      assert.equal(typeof record, "object");
      for (const key of REQUIRED) {
        assert.equal(typeof record[key], "string", `${key} is ${typeof record[key]}`);
        assert.ok(record[key].length > 0, `${key} is empty`);
      }
    });

    it("optional fields, when present, have their types", () => {
      const record = d.device.info.read();
      for (const key of OPTIONAL_STRINGS) {
        if (record[key] !== undefined) assert.equal(typeof record[key], "string", `${key} is ${typeof record[key]}`);
      }
      if (record.extensions !== undefined) {
        assert.equal(typeof record.extensions, "object");
        for (const [name, value] of Object.entries(record.extensions)) {
          assert.ok(["string", "number", "boolean"].includes(typeof value), `extension ${name} is ${typeof value}`);
        }
      }
    });

    it("read() returns a fresh snapshot each call", () => {
      const first = d.device.info.read() as { -readonly [K in keyof DeviceInformationRecord]: DeviceInformationRecord[K] };
      const second = d.device.info.read();
      assert.notEqual(first, second, "the same object twice");
      assert.deepEqual({ ...first }, { ...second });
      const model = second.model;
      first.model = "changed by the agent";
      first.deviceId = "IMEI:000000000000000";
      const third = d.device.info.read();
      assert.equal(third.model, model, "a change to one snapshot showed in the next");
      assert.equal(third.deviceId, second.deviceId);
    });
  });
}
