// The w7 APPLICATION characteristic becomes the ./DMAcc Adds the oracle expects (rules in agent/push/bootstrap/w7.ts),
// NAPDEF a plain record; the Adds go through the real tree and the DMAcc CSP, and agent/dm/account.ts reads back the
// account the Push Router and the session will use.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ConfigTransaction } from "../../../../hal/config.js";
import { openConfigStore } from "../../../../hal/emulated/config-store.js";
import { Tree } from "../../../../agent/cm/tree.js";
import { parseUri, type DmUri } from "../../../../agent/cm/uri.js";
import { authFor, findAccount } from "../../../../agent/dm/account.js";
import { dmaccCsp } from "../../../../csp/dmacc/dmacc.js";
import { decodeNapdef, decodeProvisioningDoc, isW7, w7Init, w7ToDmacc, type Characteristic, type DmaccAdd } from "../../../../agent/push/bootstrap/index.js";
import { tempDir } from "../../../support/temp.js";
import { code, cpVectors, FIXTURES, json } from "./cp-vectors.js";

const v = cpVectors();

/** Applies Adds to a fresh store through the tree (as the bootstrap will) and runs `check` on the transaction. */
function applied(adds: readonly DmaccAdd[], check: (tx: ConfigTransaction) => void): void {
  const dir = tempDir();
  const store = openConfigStore({ directory: dir.path });
  const tx = store.open({ path: "" }).begin();
  try {
    const t = new Tree({ csps: [dmaccCsp()], rootAcl: "Add=*&Get=*&Replace=*", now: () => 0 }).session(tx, "bootstrap");
    for (const a of adds) t.add(parseUri(a.uri) as DmUri, a.value);
    check(tx);
  } finally {
    tx.rollback();
    store.close();
    dir.remove();
  }
}

describe("w7 to DMAcc", () => {
  for (const x of v.w7) {
    test(`maps like the oracle: ${x.name} (${x.account})`, () => {
      const ignored: string[] = [];
      assert.ok(isW7(x.characteristic));
      assert.deepEqual(json(w7ToDmacc(x.characteristic, { accountName: x.account, ignored })), x.adds);
      assert.deepEqual(ignored, x.ignored);
      assert.equal(w7Init(x.characteristic), x.init);
    });

    test(`the tree and the DMAcc CSP accept every Add: ${x.name} (${x.account})`, () => {
      const adds = w7ToDmacc(x.characteristic, { accountName: x.account });
      applied(adds, (tx) => {
        const serverId = adds.find((a) => a.uri.endsWith("/ServerID"))!.value!.data as string;
        const account = findAccount(tx, serverId);
        assert.ok(account, serverId);
        assert.equal(account.id, x.account);
      });
    });
  }

  test("the Windows-style fixture makes an account with both credential directions", () => {
    const doc = decodeProvisioningDoc(new Uint8Array(readFileSync(join(FIXTURES, "w7-windows-style.xml"))));
    const adds = w7ToDmacc(doc.characteristics[0], { accountName: "srv1" });
    applied(adds, (tx) => {
      const account = findAccount(tx, "servername")!;
      assert.equal(account.name, "Description of server");
      assert.equal(account.address, "https://www.mgmtserver.com:8080/manage");
      assert.equal(account.encoding, "wbxml");
      const client = authFor(account, "CLCRED")!;
      assert.deepEqual([client.type, client.name, client.secret, Buffer.from(client.data!).toString()], ["DIGEST", "clientname", "clientsecret", "Nonce"]);
      const server = authFor(account, "SRVCRED")!;
      assert.deepEqual([server.type, server.secret, Buffer.from(server.data!).toString()], ["DIGEST", "serversecret", "ServerNonce"]);
      assert.equal(tx.read("DMAcc/srv1/PrefConRef")?.type, "string");
    });
    assert.ok(w7Init(doc.characteristics[0]));
  });

  test("a w7 without PROVIDER-ID, or a characteristic that is not w7, is refused", () => {
    const c = (parms: [string, string][]): Characteristic => ({ type: "APPLICATION", parms: parms.map(([name, value]) => ({ name, value })), characteristics: [] });
    assert.equal(code(() => w7ToDmacc(c([["APPID", "w7"], ["NAME", "n"]]), { accountName: "a" })), "bad-bootstrap");
    assert.equal(code(() => w7ToDmacc(c([["APPID", "w2"], ["PROVIDER-ID", "p"]]), { accountName: "a" })), "bad-bootstrap");
    assert.equal(code(() => w7ToDmacc({ ...c([["APPID", "w7"], ["PROVIDER-ID", "p"]]), type: "NAPDEF" }, { accountName: "a" })), "bad-bootstrap");
  });

  test("an account name that is not one tree segment is refused", () => {
    const w7: Characteristic = { type: "APPLICATION", parms: [{ name: "APPID", value: "w7" }, { name: "PROVIDER-ID", value: "p" }], characteristics: [] };
    for (const bad of ["", "a/b", ".", "..", "x".repeat(65), "a?list=Struct", "%2F"]) {
      assert.equal(code(() => w7ToDmacc(w7, { accountName: bad })), "bad-input", JSON.stringify(bad));
    }
    assert.equal(code(() => w7ToDmacc(w7, { accountName: "ok-name_1" })), "no error");
  });
});

describe("NAPDEF", () => {
  for (const x of v.napdef) {
    test(`decodes like the oracle: ${x.name}`, () => {
      assert.deepEqual(json(decodeNapdef(x.characteristic)), json(x.expect));
    });
  }

  test("the fixture's access point, with its credentials; what is not kept is named", () => {
    const doc = decodeProvisioningDoc(new Uint8Array(readFileSync(join(FIXTURES, "w7-with-napdef.xml"))));
    const ignored: string[] = [];
    const nap = decodeNapdef(doc.characteristics.find((c) => c.type === "NAPDEF")!, ignored);
    assert.deepEqual(json(nap), {
      napId: "NAP-GPRS", name: "Operator Internet", address: "internet.operator.example", addressType: "APN",
      bearers: ["GSM-GPRS"], dns: ["192.0.2.53"], auth: [{ type: "CHAP", name: "web", secret: "web&pass" }],
    });
    assert.deepEqual(ignored, []);
    decodeNapdef({ type: "NAPDEF", parms: [{ name: "LINGER", value: "60" }], characteristics: [{ type: "VALIDITY", parms: [], characteristics: [] }] }, ignored);
    assert.deepEqual(ignored, ["NAPDEF/LINGER", "NAPDEF/VALIDITY"]);
  });
});
