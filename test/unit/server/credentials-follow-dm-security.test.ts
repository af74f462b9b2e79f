// server/auth.ts against OMA-TS-DM_Security-V1_2 §5.1.3/§5.1.4, recomputed here with node:crypto.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  basicCredential, formatHmacHeader, hmacMac, hmacMatches, md5Credential, parseBasicCredential, parseHmacHeader, sameText, schemeOfType,
} from "../../../server/auth.js";

const H = (x: Buffer | string) => createHash("md5").update(x).digest();
const B64 = (x: Buffer) => x.toString("base64");
const te = (s: string) => new Uint8Array(Buffer.from(s));

test("the MD5 digest is B64(H(B64(H(name:password)):nonce)) with the nonce as octets", () => {
  // The OMA DM Security example credentials; the value is recomputed independently below.
  assert.equal(md5Credential("Bruce1", "OhBehave", te("nonce")), "lnZLb3wBhv5gvClt8C+m7w==");
  const nonce = Buffer.from([0, 255, 1, 254, 0x3a, 0x20]);
  const expected = B64(H(Buffer.concat([Buffer.from(B64(H("dev:pässword")) + ":"), nonce])));
  assert.equal(md5Credential("dev", "pässword", new Uint8Array(nonce)), expected);
});

test("basic credentials are B64(name:password) and parse back, the password may contain colons", () => {
  assert.equal(basicCredential("Bruce1", "OhBehave"), "QnJ1Y2UxOk9oQmVoYXZl");
  assert.deepEqual(parseBasicCredential(basicCredential("n", "a:b:c")), { name: "n", password: "a:b:c" });
  assert.equal(parseBasicCredential("bm8gY29sb24="), undefined, "no colon");
  assert.equal(parseBasicCredential("!!!"), undefined, "not Base64");
});

test("the HMAC is B64(H(B64(H(name:password)):nonce:B64(H(body)))) over the exact body octets", () => {
  const body = new Uint8Array([3, 1, 2, 0x6a, 0, 0x6d, 0x6c, 1]);
  const nonce = Buffer.from("n0nce");
  const expected = B64(H(Buffer.concat([Buffer.from(B64(H("u:p")) + ":"), nonce, Buffer.from(":" + B64(H(Buffer.from(body))))])));
  const mac = hmacMac("u", "p", new Uint8Array(nonce), body);
  assert.equal(mac, expected);
  assert.ok(hmacMatches(mac, "u", "p", new Uint8Array(nonce), body));
  assert.ok(!hmacMatches(mac, "u", "p", new Uint8Array(nonce), body.subarray(1)));
  assert.ok(!hmacMatches(mac, "u", "q", new Uint8Array(nonce), body));
  // The §5.1.4.3 example's reading: Base64 of the lower-case hex digest, with or without padding.
  const hexB64 = Buffer.from(Buffer.from(expected, "base64").toString("hex")).toString("base64");
  assert.ok(hmacMatches(hexB64, "u", "p", new Uint8Array(nonce), body));
  assert.ok(hmacMatches(hexB64.replace(/=+$/, ""), "u", "p", new Uint8Array(nonce), body));
});

test("the x-syncml-hmac header: quoted username, any order and spacing, algorithm optional", () => {
  assert.deepEqual(parseHmacHeader('algorithm=MD5, username="Robert Jordan", mac=NTI2OTJhMDAwNjYxODkwYmQ3NWUxN2RhN2ZmYmJlMzk'), {
    algorithm: "MD5", username: "Robert Jordan", mac: "NTI2OTJhMDAwNjYxODkwYmQ3NWUxN2RhN2ZmYmJlMzk",
  });
  assert.deepEqual(parseHmacHeader('mac=abc+/==,username="a,b=\\"c\\""'), { algorithm: undefined, username: 'a,b="c"', mac: "abc+/==" });
  assert.deepEqual(parseHmacHeader('  Username = "x" ,  MAC = m== , extra=1'), { algorithm: undefined, username: "x", mac: "m==" });
  assert.equal(parseHmacHeader('algorithm=MD5, mac=abc'), undefined, "username is required");
  assert.equal(parseHmacHeader('username="x"'), undefined, "mac is required");
  assert.equal(parseHmacHeader('username="unterminated, mac=a'), undefined);
  assert.equal(parseHmacHeader("garbage"), undefined);
  const header = formatHmacHeader('dm "server"', "bWFj");
  assert.equal(header, 'algorithm=MD5, username="dm \\"server\\"", mac=bWFj');
  assert.deepEqual(parseHmacHeader(header), { algorithm: "MD5", username: 'dm "server"', mac: "bWFj" });
});

test("Cred types map to schemes, case-insensitively (syncml:auth-MAC is HMAC)", () => {
  assert.equal(schemeOfType("syncml:auth-basic"), "basic");
  assert.equal(schemeOfType("SYNCML:AUTH-MD5"), "md5");
  assert.equal(schemeOfType("syncml:auth-MAC"), "hmac");
  assert.equal(schemeOfType("syncml:auth-X509"), undefined);
  assert.equal(schemeOfType(undefined), undefined);
});

test("sameText compares whole texts", () => {
  assert.ok(sameText("abc", "abc"));
  assert.ok(!sameText("abc", "abd"));
  assert.ok(!sameText("abc", "abcd"));
  assert.ok(!sameText("", "a"));
});
