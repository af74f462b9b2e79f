// Conformance: device.io.SMS (hal/sms.d.ts). The emulated modem's control injects PDUs as the network would;
// the receiver hands them over untouched, keeps them until acknowledged (across a reboot, i.e. a new
// receiver), and calls back only from the event loop and never after close().
import { after, afterEach, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ConformanceDevice, ConformanceTarget } from "../harness.js";
import type { HalError } from "../../../hal/common.js";
import type { SMS, SMSConstructor, SMSOptions } from "../../../hal/sms.js";
import { until } from "../../support/temp.js";

// A WAP Push SMS-DELIVER (SMSC address, UDH with port 2948) as a modem hands it over, and two more.
const PUSH = "0891683108200505f0440d91683118224497f60004629081519423000b0605040b8423f0000300010106c4";
const SECOND = "07919730071111f1040b919730274658f800001270324195800004d4f29c0e";
const THIRD = "07919730071111f1040b919730274658f8000012703241958000033a1d06";

function bytes(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex, "hex"));
}

function hex(buffer: ArrayBuffer): string {
  return Buffer.from(buffer).toString("hex");
}

/** A few turns of the host's event loop, for "nothing happens" checks. */
function settle(ms = 20): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface Receiver {
  sms: SMS;
  readable: number[];
  errors: HalError[];
  /** A callback ran inside the constructor or inside the control call that caused it. */
  synchronous: boolean;
}

export function smsConformance(target: ConformanceTarget): void {
  describe("SMS receiver", () => {
    let d: ConformanceDevice;
    let open: SMS[] = [];
    before(async () => {
      d = await target.make();
    });
    after(async () => {
      await d?.dispose();
    });
    // Every case starts with no receiver open and an empty inbox.
    afterEach(() => {
      for (const sms of open) sms.close();
      open = [];
      const SMSClass = d.device.io.SMS!;
      const cleaner = new SMSClass({});
      for (let m = cleaner.read(); m; m = cleaner.read()) cleaner.acknowledge(m.id);
      cleaner.close();
    });

    function receive(extra: Partial<SMSOptions> = {}): Receiver {
      const SMSClass = d.device.io.SMS as SMSConstructor;
      const r: Receiver = { sms: undefined as unknown as SMS, readable: [], errors: [], synchronous: false };
      let inside = true;
      r.sms = new SMSClass({
        ports: [2948],
        ...extra,
        onReadable(count) {
          if (inside) r.synchronous = true;
          r.readable.push(count);
        },
        onError(error) {
          if (inside) r.synchronous = true;
          r.errors.push(error);
        },
      });
      open.push(r.sms);
      inside = false;
      return r;
    }

    /** control.modem.inject, noting a callback that runs before it returns. */
    function inject(r: Receiver | undefined, pdu: string | Uint8Array): void {
      const before = r?.readable.length ?? 0;
      d.control.modem.inject(pdu);
      if (r && r.readable.length !== before) r.synchronous = true;
    }

    it("device.io.SMS is present on the emulated device; an instance has format \"object\" and the target", () => {
      assert.equal(typeof d.device.io.SMS, "function");
      const r = receive({ target: "wap-push" });
      assert.equal(r.sms.format, "object");
      assert.equal(r.sms.target, "wap-push");
    });

    it("an injected PDU arrives: onReadable from the event loop, with a count", async () => {
      const r = receive();
      inject(r, bytes(PUSH));
      assert.deepEqual(r.readable, [], "onReadable ran inside inject()");
      await until(() => r.readable.length > 0, 2000, "onReadable");
      assert.equal(r.synchronous, false);
      assert.equal(r.readable[0], 1);
    });

    it("read() gives id, the exact PDU bytes, standard and receivedAt", async () => {
      const r = receive();
      const injectedAt = d.device.clock.now();
      inject(r, PUSH);
      await until(() => r.readable.length > 0, 2000, "onReadable");
      const message = r.sms.read();
      assert.ok(message, "read() returned nothing");
      assert.equal(typeof message.id, "string");
      assert.ok(message.id.length > 0);
      assert.ok(message.pdu instanceof ArrayBuffer || Object.prototype.toString.call(message.pdu) === "[object ArrayBuffer]", "pdu is not an ArrayBuffer");
      assert.equal(hex(message.pdu), PUSH);
      assert.equal(message.standard, "3gpp");
      assert.equal(typeof message.receivedAt, "number");
      if (!Number.isNaN(message.receivedAt) && !Number.isNaN(injectedAt)) {
        assert.ok(Math.abs(message.receivedAt - injectedAt) < 60_000, `receivedAt ${message.receivedAt}, injected at ${injectedAt}`);
      }
    });

    it("read() does not remove; acknowledge(id) does; messages come oldest first", async () => {
      const r = receive();
      inject(r, PUSH);
      inject(r, SECOND);
      await until(() => r.readable.length > 0, 2000, "onReadable");
      assert.ok(r.readable[0]! >= 1 && r.readable[0]! <= 2, `count ${r.readable[0]}`);
      const first = r.sms.read()!;
      const again = r.sms.read()!;
      assert.equal(again.id, first.id, "read() moved on without acknowledge()");
      assert.equal(hex(first.pdu), PUSH);
      r.sms.acknowledge(first.id);
      const second = r.sms.read();
      assert.ok(second, "the second message is gone");
      assert.notEqual(second.id, first.id);
      assert.equal(hex(second.pdu), SECOND);
      r.sms.acknowledge(second.id);
      assert.equal(r.sms.read(), undefined);
      assert.equal(d.control.modem.waiting(), 0);
    });

    it("acknowledge() of an unknown id is a no-op", async () => {
      const r = receive();
      r.sms.acknowledge("no-such-id");
      inject(r, PUSH);
      await until(() => r.readable.length > 0, 2000, "onReadable");
      r.sms.acknowledge("no-such-id");
      const message = r.sms.read();
      assert.ok(message);
      r.sms.acknowledge(message.id);
      r.sms.acknowledge(message.id); // already acknowledged: unknown now
      assert.equal(r.sms.read(), undefined);
    });

    it("a message arriving later brings another onReadable", async () => {
      const r = receive();
      inject(r, PUSH);
      await until(() => r.readable.length === 1, 2000, "first onReadable");
      r.sms.acknowledge(r.sms.read()!.id);
      inject(r, THIRD);
      await until(() => r.readable.length === 2, 2000, "second onReadable");
      assert.equal(r.readable[1], 1);
      assert.equal(hex(r.sms.read()!.pdu), THIRD);
      assert.equal(r.synchronous, false);
    });

    it("a second receiver while one is open is EBUSY; after close() a new one opens", () => {
      const first = receive();
      const SMSClass = d.device.io.SMS!;
      assert.throws(() => new SMSClass({}), { code: "EBUSY" });
      first.sms.close();
      const second = receive();
      assert.equal(second.sms.read(), undefined);
    });

    it("after close(): read and acknowledge throw EBADF, close is idempotent, no callback runs", async () => {
      const r = receive();
      inject(r, PUSH);
      r.sms.close(); // onReadable was scheduled, not yet run
      r.sms.close();
      assert.throws(() => r.sms.read(), { code: "EBADF" });
      assert.throws(() => r.sms.acknowledge("1"), { code: "EBADF" });
      inject(undefined, SECOND);
      d.control.modem.fail();
      await settle();
      assert.deepEqual(r.readable, [], "onReadable after close()");
      assert.deepEqual(r.errors, [], "onError after close()");
    });

    it("unacknowledged messages are offered again to the next receiver (reboot)", async () => {
      const r = receive();
      inject(r, PUSH);
      await until(() => r.readable.length > 0, 2000, "onReadable");
      const seen = r.sms.read()!;
      r.sms.close();
      const next = receive();
      assert.deepEqual(next.readable, [], "onReadable inside the constructor");
      await until(() => next.readable.length > 0, 2000, "onReadable on the new receiver");
      assert.equal(next.synchronous, false);
      assert.equal(next.readable[0], 1);
      const again = next.sms.read()!;
      assert.equal(again.id, seen.id, "the id changed across the reboot");
      assert.equal(hex(again.pdu), PUSH);
      next.sms.acknowledge(again.id);
      next.sms.close();
      const third = receive();
      await settle();
      assert.deepEqual(third.readable, [], "an acknowledged message was offered again");
      assert.equal(third.sms.read(), undefined);
    });

    it("messages that arrive with no receiver open wait for one", async () => {
      inject(undefined, SECOND);
      inject(undefined, THIRD);
      const r = receive();
      await until(() => r.readable.length > 0, 2000, "onReadable");
      assert.equal(r.readable[0], 2);
      assert.equal(hex(r.sms.read()!.pdu), SECOND);
    });

    it("a modem failure is onError(EIO) from the event loop", async () => {
      const r = receive();
      d.control.modem.fail();
      assert.equal(r.errors.length, 0, "onError inside fail()");
      await until(() => r.errors.length > 0, 2000, "onError");
      assert.equal(r.errors[0]!.code, "EIO");
      assert.equal(r.synchronous, false);
      r.sms.close(); // close() stays valid
    });

    it("no options is a TypeError", () => {
      const SMSClass = d.device.io.SMS as unknown as new (options?: unknown) => SMS;
      assert.throws(() => new SMSClass(), { name: "TypeError" });
      // and the failed construction did not take the modem
      receive();
    });
  });
}
