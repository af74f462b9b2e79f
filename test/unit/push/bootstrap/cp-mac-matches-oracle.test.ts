// CP document authentication (ProvBoot §5.3, §5.4) agrees with MACs the Python oracle computed with hmac/hashlib
// for NETWPIN, USERPIN, USERNETWPIN and USERPINMAC, refuses wrong MACs, IMSIs and PINs, asks for what is missing,
// reproduces the MAC a field gateway (NowSMS) computed, and reads SEC and MAC from a decoded WSP push.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { cpSecurity, cpSecurityFromWsp, imsiSemiOctets, verifyCpMac } from "../../../../agent/push/bootstrap/index.js";
import { decodeWspPush } from "../../../../agent/push/wsp.js";
import { cpVectors, FIXTURES, fromHex, toHex } from "./cp-vectors.js";

const v = cpVectors();

describe("CP MAC verification", () => {
  for (const x of v.mac) {
    test(`${x.expect}: ${x.name}`, () => {
      const got = verifyCpMac({ sec: x.sec ?? undefined, mac: x.mac ?? undefined, document: fromHex(x.document), imsi: x.imsi, userPin: x.userPin });
      assert.equal(got, x.expect);
    });
  }

  test("the IMSI semi-octet key matches the oracle's for odd and even digit counts", () => {
    for (const s of v.semi) assert.equal(toHex(imsiSemiOctets(s.imsi)!), s.key, s.imsi);
    assert.equal(toHex(imsiSemiOctets("123456789012345")!), "1932547698103254");
    assert.equal(toHex(imsiSemiOctets("21407650123456")!), "21417056103254f6");
    for (const bad of ["", "12345678901234567", "12a4", " 1234"]) assert.equal(imsiSemiOctets(bad), undefined, JSON.stringify(bad));
  });

  test("reproduces the NETWPIN MAC a field gateway (NowSMS) computed", () => {
    const peer = JSON.parse(readFileSync(join(FIXTURES, "nowsms-netwpin.json"), "utf8"));
    const document = fromHex(peer.wbxml);
    assert.equal(verifyCpMac({ sec: peer.sec, mac: peer.mac, document, imsi: peer.imsi }), "ok");
    assert.equal(verifyCpMac({ sec: peer.sec, mac: peer.mac, document, imsi: "123456789012346" }), "bad-mac");
    const tampered = document.slice();
    tampered[tampered.length - 5] ^= 1;
    assert.equal(verifyCpMac({ sec: peer.sec, mac: peer.mac, document: tampered, imsi: peer.imsi }), "bad-mac");
  });

  test("a malformed MAC parameter or a non-digit IMSI never verifies", () => {
    const document = fromHex(v.good);
    for (const mac of [undefined, "", "zz".repeat(20), "0".repeat(41), "0".repeat(39)]) {
      assert.equal(verifyCpMac({ sec: 1, mac, document, userPin: "1234" }), "bad-mac", String(mac));
    }
    assert.equal(verifyCpMac({ sec: 0, mac: "0".repeat(40), document, imsi: "not-an-imsi" }), "need-imsi");
    assert.equal(verifyCpMac({ sec: 3, mac: undefined, document, userPin: "12ab" }), "bad-mac");
    assert.equal(verifyCpMac({ sec: 3, mac: undefined, document, userPin: "1".repeat(42) }), "bad-mac");
  });

  test("SEC reads as a number, decimal text or a name", () => {
    assert.deepEqual([0, 1, 2, 3, 4, -1, 1.5].map(cpSecurity), ["NETWPIN", "USERPIN", "USERNETWPIN", "USERPINMAC", undefined, undefined, undefined]);
    assert.deepEqual(["0", " 3 ", "userpin", "USERNETWPIN", "x", ""].map(cpSecurity), ["NETWPIN", "USERPINMAC", "USERPIN", "USERNETWPIN", undefined, undefined]);
  });

  test("SEC and MAC come from the content type parameters of a decoded WSP push", () => {
    const mac = "0123456789ABCDEF0123456789ABCDEF01234567";
    // Content-general-form: length, 0xB6 (connectivity-wbxml), SEC (0x91) short-integer 1, MAC (0x92) text.
    const ct = [0xb6, 0x91, 0x81, 0x92, ...Buffer.from(mac), 0];
    const headers = [0x1f, ct.length, ...ct];
    const push = new Uint8Array([0x01, 0x06, headers.length, ...headers, ...fromHex(v.good)]);
    const w = decodeWspPush(push);
    assert.equal(w.contentType, "application/vnd.wap.connectivity-wbxml");
    assert.deepEqual(cpSecurityFromWsp(w.contentTypeParameters), { sec: 1, mac });
    assert.equal(verifyCpMac({ ...cpSecurityFromWsp(w.contentTypeParameters), document: w.body, userPin: "1234" }), "bad-mac");
    assert.deepEqual(cpSecurityFromWsp([]), {});
    assert.deepEqual(cpSecurityFromWsp([{ name: "sec", value: "USERPIN" }, { name: "mac", value: `"${mac}` }]), { sec: "USERPIN", mac });
  });
});
