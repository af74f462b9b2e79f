// SMS-DELIVER decoding agrees field by field with PDUs built by the independent Python oracle, refuses each
// malformed PDU with its code, and throws only PushError for every truncation and for garbage.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { PushError } from "../../../agent/push/errors.js";
import { decodeSmsDeliver, type SmsDeliver } from "../../../agent/push/sms-pdu.js";
import { fromHex, oracleVectors, plain, toHex } from "./oracle-vectors.js";

function view(d: SmsDeliver): unknown {
  return plain({ ...d, userData: toHex(d.userData) });
}

function pushError(f: () => unknown): PushError {
  try {
    f();
  } catch (e) {
    if (e instanceof PushError) return e;
    throw new assert.AssertionError({ message: `threw ${String(e)} instead of a PushError` });
  }
  throw new assert.AssertionError({ message: "did not throw" });
}

describe("SMS-DELIVER decoding", () => {
  const v = oracleVectors();

  for (const vector of v.sms) {
    test(`decodes like the oracle: ${vector.name}`, () => {
      assert.deepEqual(view(decodeSmsDeliver(fromHex(vector.pdu))), vector.expect);
    });
  }

  for (const vector of v.smsReject) {
    test(`refuses with "${vector.code}": ${vector.name}`, () => {
      assert.equal(pushError(() => decodeSmsDeliver(fromHex(vector.pdu))).code, vector.code);
    });
  }

  test("every proper prefix of every valid PDU is refused as truncated", () => {
    const pdus = [...v.sms.map((x) => x.pdu), ...v.concat.flatMap((c) => c.parts)].map(fromHex);
    let checked = 0;
    for (const pdu of pdus) {
      for (let n = 0; n < pdu.length; n++) {
        assert.equal(pushError(() => decodeSmsDeliver(pdu.subarray(0, n))).code, "truncated", `prefix ${n} of ${toHex(pdu)}`);
        checked++;
      }
    }
    assert.ok(checked > 1000);
  });

  test("octets after the user data are ignored", () => {
    const pdu = fromHex(v.sms[0].pdu);
    const longer = new Uint8Array(pdu.length + 3);
    longer.set(pdu);
    assert.deepEqual(view(decodeSmsDeliver(longer)), v.sms[0].expect);
  });

  test("garbage gives a PushError or a decoding, never another exception", () => {
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    for (let i = 0; i < 5000; i++) {
      const bytes = new Uint8Array(next() % 200).map(() => next());
      try {
        decodeSmsDeliver(bytes);
      } catch (e) {
        assert.ok(e instanceof PushError, String(e));
      }
    }
  });

  test("a value that is not a Uint8Array is refused as bad-input", () => {
    assert.equal(pushError(() => decodeSmsDeliver([0, 4] as unknown as Uint8Array)).code, "bad-input");
    assert.equal(pushError(() => decodeSmsDeliver(undefined as unknown as Uint8Array)).code, "bad-input");
  });
});
