// Client and server credentials as OMA-TS-DM_Security §5.1.3 defines them, checked against node:crypto:
// basic B64(name:pwd), md5 B64(H(B64(H(name:pwd)):nonce)), HMAC B64(H(B64(H(name:pwd)):nonce:B64(H(body)))).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  basicDigest, challenge, credFor, hmacDigest, hmacHeader, md5Digest, nonceBytes, parseHmacHeader, schemeType, verifyCred, verifyHmac,
} from "../../../agent/dm/auth.js";
import type { AuthEntry } from "../../../agent/dm/account.js";

const md5 = (b: Buffer | string) => createHash("md5").update(b).digest();
const b64 = (b: Buffer) => b.toString("base64");
const nonce = new Uint8Array([0x00, 0xff, 0x10, 0x80, 0x3a]);

describe("DM credentials", () => {
  it("computes basic, md5 and HMAC digests as node:crypto does, over the nonce bytes", () => {
    assert.equal(basicDigest("dev", "pé"), Buffer.from("dev:pé").toString("base64"));
    const inner = b64(md5("dev:secret"));
    assert.equal(md5Digest("dev", "secret", nonce), b64(md5(Buffer.concat([Buffer.from(inner + ":"), Buffer.from(nonce)]))));
    const body = new TextEncoder().encode("<SyncML/>");
    assert.equal(hmacDigest("dev", "secret", nonce, body), b64(md5(Buffer.concat([Buffer.from(inner + ":"), Buffer.from(nonce), Buffer.from(":" + b64(md5(Buffer.from(body))))]))));
  });

  it("writes and reads the x-syncml-hmac header in the forms servers use", () => {
    const h = hmacHeader("dev", "secret", nonce, new Uint8Array([1]));
    assert.match(h, /^algorithm=MD5, username="dev", mac=[A-Za-z0-9+/=]+$/);
    assert.deepEqual(parseHmacHeader('username=dev,mac=abc=='), { algorithm: "MD5", username: "dev", mac: "abc==" });
    assert.deepEqual(parseHmacHeader('MAC=x, Algorithm=md5, UserName="a b"'), { algorithm: "MD5", username: "a b", mac: "x" });
    assert.equal(parseHmacHeader("algorithm=MD5"), undefined);
  });

  it("builds the SyncHdr Cred for basic and md5 and none for HMAC", () => {
    const entry: AuthEntry = { id: "c", level: "CLCRED", type: "DIGEST", name: "dev", secret: "secret" };
    assert.deepEqual(credFor(entry, "DIGEST", nonce), { meta: { format: "b64", type: "syncml:auth-md5" }, data: md5Digest("dev", "secret", nonce) });
    assert.deepEqual(credFor(entry, "BASIC", nonce)?.meta, { format: "b64", type: "syncml:auth-basic" });
    assert.equal(credFor(entry, "HMAC", nonce), undefined);
  });

  it("checks a server's Cred: ok, missing or wrong, accepting a digest over the nonce's base64 text too", () => {
    const entry: AuthEntry = { id: "s", level: "SRVCRED", type: "DIGEST", name: "srv", secret: "s3" };
    const cred = (data: string, type = "syncml:auth-md5") => ({ meta: { type, format: "b64" }, data });
    assert.equal(verifyCred(cred(md5Digest("srv", "s3", nonce)), entry, nonce), "ok");
    assert.equal(verifyCred(cred(md5Digest("srv", "s3", new TextEncoder().encode(b64(Buffer.from(nonce))))), entry, nonce), "ok");
    assert.equal(verifyCred(cred(md5Digest("srv", "wrong", nonce)), entry, nonce), "wrong");
    assert.equal(verifyCred(cred(basicDigest("srv", "s3"), "syncml:auth-basic"), entry, nonce), "wrong", "another scheme than the account's");
    assert.equal(verifyCred(undefined, entry, nonce), "missing");
    assert.equal(verifyCred({ data: md5Digest("srv", "s3", nonce) }, entry, nonce), "ok", "no Meta: the account's type");
  });

  it("checks a server's HMAC header against the body it came with", () => {
    const entry: AuthEntry = { id: "s", level: "SRVCRED", type: "HMAC", name: "srv", secret: "s3" };
    const body = new Uint8Array([1, 2, 3]);
    assert.equal(verifyHmac(hmacHeader("srv", "s3", nonce, body), entry, nonce, body), "ok");
    assert.equal(verifyHmac(hmacHeader("srv", "s3", nonce, body), entry, nonce, new Uint8Array([1, 2, 4])), "wrong");
    assert.equal(verifyHmac(hmacHeader("other", "s3", nonce, body), entry, nonce, body), "wrong");
    assert.equal(verifyHmac(undefined, entry, nonce, body), "missing");
  });

  it("reads auth scheme names in any case and builds challenges with a b64 NextNonce", () => {
    assert.equal(schemeType("SYNCML:AUTH-MD5"), "DIGEST");
    assert.equal(schemeType("syncml:auth-mac"), "HMAC");
    assert.equal(schemeType("x"), undefined);
    assert.deepEqual(challenge("DIGEST", nonce), { type: "syncml:auth-md5", format: "b64", nextNonce: "AP8QgDo=" });
    assert.deepEqual(challenge("BASIC", nonce), { type: "syncml:auth-basic", format: "b64" });
    assert.deepEqual(nonceBytes("AP8QgDo="), nonce);
  });
});
