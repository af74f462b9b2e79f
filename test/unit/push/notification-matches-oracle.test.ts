// DM notifications built and signed by the independent Python oracle: the trigger fields decode, the digest
// verifies with the account's SRVCRED credentials and nonce (raw or Base64 reading), each rejection reason is
// reported (bad digest, unknown server, wrong version, truncation, replay), and nonce re-synchronisation works.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { PushError } from "../../../agent/push/errors.js";
import {
  authenticateNotification,
  decodeNotification,
  sessionIdText,
  verifyNotificationDigest,
  verifyNotificationResync,
  type Notification,
  type ServerCredentials,
} from "../../../agent/push/notification.js";
import { ReplayWindow, replayKey } from "../../../agent/push/replay-window.js";
import { fromHex, oracleVectors, plain, toHex } from "./oracle-vectors.js";

function view(n: Notification): unknown {
  return plain({ ...n, vendorSpecific: toHex(n.vendorSpecific), digest: toHex(n.digest), trigger: toHex(n.trigger) });
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

describe("DM notification (package 0)", () => {
  const v = oracleVectors();
  const accounts = new Map<string, ServerCredentials>(
    v.accounts.map((a) => [a.serverId, { serverId: a.serverId, serverPassword: a.serverPassword, nonce: fromHex(a.nonce) }]),
  );
  /** What the Push Router does: look the account up by server id, then check the digest. */
  const route = (n: Notification, allowResync = true) => {
    const account = accounts.get(n.serverId);
    return account ? authenticateNotification(n, account, allowResync) : "unknown-server";
  };

  for (const vector of v.notification) {
    test(`decodes like the oracle and authenticates as "${vector.auth}": ${vector.name}`, () => {
      const n = decodeNotification(fromHex(vector.bytes));
      assert.deepEqual(view(n), vector.expect);
      assert.equal(route(n), vector.auth);
    });
  }

  test("re-synchronisation is only used when allowed and only after the stored nonce failed", () => {
    const resyncs = v.notification.filter((x) => x.auth === "resync");
    assert.equal(resyncs.length, 3);
    for (const vector of resyncs) {
      const n = decodeNotification(fromHex(vector.bytes));
      const account = accounts.get(n.serverId)!;
      assert.equal(verifyNotificationDigest(n, account), false);
      assert.equal(verifyNotificationResync(n, account), true);
      assert.equal(route(n, false), "bad-digest");
    }
    const verified = decodeNotification(fromHex(v.notification.find((x) => x.auth === "verified")!.bytes));
    assert.equal(verifyNotificationResync(verified, accounts.get(verified.serverId)!), false);
  });

  test("a digest made for one server does not verify with another server's credentials", () => {
    const n = decodeNotification(fromHex(v.notification[0].bytes));
    const other = [...accounts.values()].find((a) => a.serverId !== n.serverId)!;
    assert.equal(authenticateNotification(n, { ...other, serverId: n.serverId }), "bad-digest");
  });

  for (const vector of v.notificationReject) {
    test(`refuses with "${vector.code}": ${vector.name}`, () => {
      assert.equal(code(() => decodeNotification(fromHex(vector.bytes))), vector.code);
    });
  }

  test("every prefix shorter than the trigger header and server id is truncated; longer ones fail the digest", () => {
    for (const vector of v.notification.filter((x) => x.auth === "verified")) {
      const bytes = fromHex(vector.bytes);
      const headerEnd = 16 + 8 + Buffer.byteLength(vector.expect.serverId, "utf8");
      for (let n = 0; n < bytes.length; n++) {
        const prefix = bytes.subarray(0, n);
        if (n < headerEnd) {
          assert.equal(code(() => decodeNotification(prefix)), "truncated", `${vector.name}: prefix ${n}`);
        } else {
          assert.equal(route(decodeNotification(prefix)), "bad-digest", `${vector.name}: prefix ${n}`);
        }
      }
    }
  });

  test("a notification seen before is a replay; the window is bounded and survives a snapshot", () => {
    const [a, b, c] = v.notification.slice(0, 3).map((x) => decodeNotification(fromHex(x.bytes)));
    const window = new ReplayWindow(2);
    assert.equal(window.record(replayKey(a)), true);
    assert.equal(window.record(replayKey(a)), false, "the same notification again is a replay");
    assert.equal(window.record(replayKey(b)), true);
    assert.equal(window.record(replayKey(c)), true);
    assert.equal(window.has(replayKey(a)), false, "the oldest key left the window");

    const restored = new ReplayWindow(2);
    restored.restore(JSON.parse(JSON.stringify(window.snapshot())));
    assert.equal(restored.record(replayKey(c)), false);
    assert.equal(code(() => restored.restore({ keys: 1 })), "bad-snapshot");
    assert.equal(restored.has(replayKey(b)), true, "a refused restore leaves the state");
  });

  test("the session id becomes upper-case hex without leading zeros (§6.2.2.10)", () => {
    assert.equal(sessionIdText(0x1234), "1234");
    assert.equal(sessionIdText(0x00ab), "AB");
    assert.equal(sessionIdText(0xffff), "FFFF");
  });

  test("garbage gives a PushError or a decoding, never another exception", () => {
    let seed = 99;
    const next = () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    for (let i = 0; i < 3000; i++) {
      const bytes = new Uint8Array(next() % 80).map(() => next());
      if (bytes.length > 17) bytes[16] = 3; // version 12 or so, to get past the version check
      code(() => decodeNotification(bytes));
    }
  });
});
