// WSP Push decoding agrees with PDUs built by the independent Python oracle (codes, text, general-form
// content types with parameters, application ids, extra headers), refuses malformed PDUs with their code, and
// treats truncation correctly: a cut inside the headers is an error, a cut inside the body a shorter body.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { PushError } from "../../../agent/push/errors.js";
import { decodeWspPush, type WspPush } from "../../../agent/push/wsp.js";
import { fromHex, oracleVectors, plain, toHex } from "./oracle-vectors.js";

function view(w: WspPush): unknown {
  return plain({ ...w, body: toHex(w.body) });
}

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof PushError) return e.code;
    throw new assert.AssertionError({ message: `threw ${String(e)} instead of a PushError` });
  }
  return "no error";
}

/** Where the body starts: TID, PDU type, the uintvar and the headers it counts. */
function bodyStart(pdu: Uint8Array): number {
  let i = 2;
  let n = 0;
  do n = n * 128 + (pdu[i] & 0x7f);
  while (pdu[i++] & 0x80);
  return i + n;
}

describe("WSP push decoding", () => {
  const v = oracleVectors();

  for (const vector of v.wsp) {
    test(`decodes like the oracle: ${vector.name}`, () => {
      assert.deepEqual(view(decodeWspPush(fromHex(vector.bytes))), vector.expect);
    });
  }

  for (const vector of v.wspReject) {
    test(`refuses with "${vector.code}": ${vector.name}`, () => {
      assert.equal(code(() => decodeWspPush(fromHex(vector.bytes))), vector.code);
    });
  }

  test("every prefix cut before the body is refused; a prefix of the body is a shorter body", () => {
    for (const vector of v.wsp) {
      const pdu = fromHex(vector.bytes);
      const start = bodyStart(pdu);
      for (let n = 0; n < pdu.length; n++) {
        const prefix = pdu.subarray(0, n);
        if (n < start) {
          assert.equal(code(() => decodeWspPush(prefix)), "truncated", `${vector.name}: prefix ${n}`);
        } else {
          assert.deepEqual(toHex(decodeWspPush(prefix).body), toHex(pdu.subarray(start, n)));
        }
      }
    }
  });

  test("the SMS user data of an oracle push decodes as the DM notification push it carries", () => {
    const sms = v.sms.find((x) => x.name.startsWith("wap push"))!;
    const w = decodeWspPush(fromHex(sms.expect.userData as string));
    assert.equal(w.contentType, "application/vnd.syncml.notification");
    assert.equal(w.applicationId, "x-wap-application:syncml.dm");
    assert.equal(w.body.length, 40);
  });

  test("garbage gives a PushError or a decoding, never another exception", () => {
    let seed = 777;
    const next = () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    for (let i = 0; i < 5000; i++) {
      const bytes = new Uint8Array(next() % 64).map(() => next());
      if (i & 1 && bytes.length > 1) bytes[1] = 6; // mostly past the PDU type check
      code(() => decodeWspPush(bytes));
    }
  });
});
