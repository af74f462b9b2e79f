// Property tests: our MD5, SHA-1 and HMACs agree with node:crypto on random input, including every
// length where padding changes shape (55/56 bytes: the length field still fits or not; 63/64/65: block edges).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import fc from "fast-check";
import { md5, Md5 } from "../../../agent/crypto/md5.js";
import { sha1, Sha1 } from "../../../agent/crypto/sha1.js";
import { hmacMd5, hmacSha1 } from "../../../agent/crypto/hmac.js";

const EDGES = [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129];

const node = (algorithm: string, bytes: Uint8Array) => new Uint8Array(createHash(algorithm).update(bytes).digest());
const nodeHmac = (algorithm: string, key: Uint8Array, bytes: Uint8Array) =>
  new Uint8Array(createHmac(algorithm, key).update(bytes).digest());

/** Random bytes, with lengths biased towards the block edges. */
const message = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc.constantFrom(...EDGES).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })),
);

test("every edge length, fixed content", () => {
  for (const n of EDGES) {
    const m = new Uint8Array(n).map((_, i) => (i * 7 + n) & 0xff);
    assert.deepEqual(md5(m), node("md5", m), `MD5 of ${n} bytes`);
    assert.deepEqual(sha1(m), node("sha1", m), `SHA-1 of ${n} bytes`);
  }
});

test("MD5 and SHA-1 match node:crypto on random input", () => {
  fc.assert(
    fc.property(message, (m) => {
      assert.deepEqual(md5(m), node("md5", m));
      assert.deepEqual(sha1(m), node("sha1", m));
    }),
    { numRuns: 500 },
  );
});

test("feeding the input in pieces gives the one-shot digest", () => {
  fc.assert(
    fc.property(message, fc.array(fc.nat(300), { maxLength: 6 }), (m, cuts) => {
      const points = [0, ...cuts.map((c) => c % (m.length + 1)).sort((a, b) => a - b), m.length];
      const h5 = new Md5();
      const h1 = new Sha1();
      for (let i = 1; i < points.length; i++) {
        const piece = m.subarray(points[i - 1], points[i]);
        h5.update(piece);
        h1.update(piece);
      }
      assert.deepEqual(h5.digest(), md5(m));
      assert.deepEqual(h1.digest(), sha1(m));
    }),
    { numRuns: 300 },
  );
});

test("hashing a view hashes only the view's bytes", () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }), fc.nat(), fc.nat(), (m, a, b) => {
      const start = a % m.length;
      const view = m.subarray(start, start + (b % (m.length - start + 1)));
      assert.deepEqual(md5(view), node("md5", view));
      assert.deepEqual(sha1(view), node("sha1", view));
    }),
    { numRuns: 200 },
  );
});

test("HMAC-MD5 and HMAC-SHA1 match node:crypto, keys shorter than, equal to and longer than a block", () => {
  const key = fc.oneof(
    fc.uint8Array({ maxLength: 150 }),
    fc.constantFrom(63, 64, 65).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })),
  );
  fc.assert(
    fc.property(key, message, (k, m) => {
      assert.deepEqual(hmacMd5(k, m), nodeHmac("md5", k, m));
      assert.deepEqual(hmacSha1(k, m), nodeHmac("sha1", k, m));
    }),
    { numRuns: 300 },
  );
});
