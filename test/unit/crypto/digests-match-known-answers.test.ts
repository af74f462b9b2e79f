// Published known answers: MD5 (RFC 1321 A.5), SHA-1 (FIPS 180 examples, RFC 3174 section 7.3),
// HMAC-MD5 and HMAC-SHA1 (RFC 2202).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { md5, Md5 } from "../../../agent/crypto/md5.js";
import { sha1, Sha1 } from "../../../agent/crypto/sha1.js";
import { hmacMd5, hmacSha1 } from "../../../agent/crypto/hmac.js";
import { hexDecode, hexEncode } from "../../../agent/bytes/hex.js";
import { utf8Encode } from "../../../agent/bytes/utf8.js";

const ascii = (s: string) => utf8Encode(s);
const fill = (byte: number, n: number) => new Uint8Array(n).fill(byte);
const hex = (s: string) => {
  const b = hexDecode(s);
  assert.ok(b, `bad hex in the test: ${s}`);
  return b;
};

describe("MD5 (RFC 1321 test suite)", () => {
  const suite: Array<[string, string]> = [
    ["", "d41d8cd98f00b204e9800998ecf8427e"],
    ["a", "0cc175b9c0f1b6a831c399e269772661"],
    ["abc", "900150983cd24fb0d6963f7d28e17f72"],
    ["message digest", "f96b697d7cb7938d525a2f31aaf161d0"],
    ["abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"],
    ["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"],
    ["1234567890".repeat(8), "57edf4a22be3c955ac49da2e2107b67a"],
  ];
  for (const [input, digest] of suite) {
    test(`MD5(${JSON.stringify(input.length > 20 ? input.slice(0, 20) + "..." : input)})`, () => {
      assert.equal(hexEncode(md5(ascii(input))), digest);
    });
  }
});

describe("SHA-1 (FIPS 180 and RFC 3174 test cases)", () => {
  test("the empty message", () => {
    assert.equal(hexEncode(sha1(new Uint8Array(0))), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  });
  test('"abc" (one block)', () => {
    assert.equal(hexEncode(sha1(ascii("abc"))), "a9993e364706816aba3e25717850c26c9cd0d89d");
  });
  test("the 448-bit message (padding spills into a second block)", () => {
    const m = ascii("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq");
    assert.equal(hexEncode(sha1(m)), "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  });
  test("one million times 'a', one-shot and in uneven chunks", () => {
    const m = fill(0x61, 1_000_000);
    assert.equal(hexEncode(sha1(m)), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
    const h = new Sha1();
    for (let i = 0; i < m.length; i += 997) h.update(m.subarray(i, i + 997));
    assert.equal(hexEncode(h.digest()), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
  });
  test("RFC 3174 test 4: '01234567' x 8, ten times", () => {
    const h = new Sha1();
    for (let i = 0; i < 10; i++) h.update(ascii("01234567".repeat(8)));
    assert.equal(hexEncode(h.digest()), "dea356a2cddd90c7a7ecedc5ebb563934f460452");
  });
});

describe("HMAC (RFC 2202)", () => {
  // [key, data, HMAC-MD5, HMAC-SHA1]; cases 1-7 of sections 2 and 3 (keys for SHA-1 are 20 bytes where MD5's are 16).
  const blockKey = fill(0xaa, 80);
  const counting = hex("0102030405060708090a0b0c0d0e0f10111213141516171819");
  const cases: Array<{ name: string; md5Key: Uint8Array; sha1Key: Uint8Array; data: Uint8Array; md5: string; sha1: string }> = [
    { name: "1: Hi There", md5Key: fill(0x0b, 16), sha1Key: fill(0x0b, 20), data: ascii("Hi There"),
      md5: "9294727a3638bb1c13f48ef8158bfc9d", sha1: "b617318655057264e28bc0b6fb378c8ef146be00" },
    { name: "2: key shorter than the digest", md5Key: ascii("Jefe"), sha1Key: ascii("Jefe"), data: ascii("what do ya want for nothing?"),
      md5: "750c783e6ab0b503eaa86e310a5db738", sha1: "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79" },
    { name: "3: 0xdd x 50", md5Key: fill(0xaa, 16), sha1Key: fill(0xaa, 20), data: fill(0xdd, 50),
      md5: "56be34521d144c88dbb8c733f0e8b3f6", sha1: "125d7342b9ac11cd91a39af48aa17b4f63f175d3" },
    { name: "4: 25-byte key, 0xcd x 50", md5Key: counting, sha1Key: counting, data: fill(0xcd, 50),
      md5: "697eaf0aca3a3aea3a75164746ffaa79", sha1: "4c9007f4026250c6bc8414f9bf50c86c2d7235da" },
    { name: "5: Test With Truncation", md5Key: fill(0x0c, 16), sha1Key: fill(0x0c, 20), data: ascii("Test With Truncation"),
      md5: "56461ef2342edc00f9bab995690efd4c", sha1: "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04" },
    { name: "6: key longer than a block", md5Key: blockKey, sha1Key: blockKey,
      data: ascii("Test Using Larger Than Block-Size Key - Hash Key First"),
      md5: "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd", sha1: "aa4ae5e15272d00e95705637ce8a3b55ed402112" },
    { name: "7: key and data longer than a block", md5Key: blockKey, sha1Key: blockKey,
      data: ascii("Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data"),
      md5: "6f630fad67cda0ee1fb1f562db3aa53e", sha1: "e8e99d0f45237d786d6bbaa7965c7808bbff1a91" },
  ];
  for (const c of cases) {
    test(`case ${c.name}`, () => {
      assert.equal(hexEncode(hmacMd5(c.md5Key, c.data)), c.md5, "HMAC-MD5");
      assert.equal(hexEncode(hmacSha1(c.sha1Key, c.data)), c.sha1, "HMAC-SHA1");
    });
  }
});

describe("incremental hashing", () => {
  test("a finished hash refuses more input and a second digest", () => {
    for (const h of [new Md5(), new Sha1()]) {
      h.update(ascii("abc")).digest();
      assert.throws(() => h.update(ascii("d")), /finished/);
      assert.throws(() => h.digest(), /finished/);
    }
  });
  test("does not keep or change the caller's bytes", () => {
    const input = ascii("message digest");
    const copy = input.slice();
    const h = new Md5().update(input);
    input.fill(0);
    assert.equal(hexEncode(h.digest()), "f96b697d7cb7938d525a2f31aaf161d0");
    assert.notDeepEqual(input, copy);
    assert.deepEqual(md5(copy), md5(copy.slice()));
    assert.deepEqual(copy, ascii("message digest"));
  });
});
