// DMAcc through the tree: a server provisions an account; the session and the Push Router read it back
// with agent/dm/account.ts; secrets never come back out.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { openConfigStore } from "../../hal/emulated/config-store.js";
import { Tree } from "../../agent/cm/tree.js";
import { parseUri, type DmUri } from "../../agent/cm/uri.js";
import { authFor, findAccount } from "../../agent/dm/account.js";
import { DmStatusError, type DmValue } from "../csp.js";
import { dmaccCsp } from "./dmacc.js";
import { tempDir } from "../../test/support/temp.js";

const uri = (t: string) => parseUri(t) as DmUri;
const chr = (data: string): DmValue => ({ format: "chr", data });

describe("./DMAcc", () => {
  it("stores an account under DMAcc/<x> in native types and keeps secrets write-only", () => {
    const dir = tempDir();
    const store = openConfigStore({ directory: dir.path });
    const tx = store.open({ path: "" }).begin();
    try {
      const t = new Tree({ csps: [dmaccCsp()], rootAcl: "Add=*&Get=*&Replace=*", now: () => 0 }).session(tx, "dm.example.net");
      const a = "./DMAcc/op1";
      t.add(uri(a), undefined);
      t.add(uri(`${a}/AppID`), chr("w7"));
      t.add(uri(`${a}/ServerID`), chr("dm.example.net"));
      t.add(uri(`${a}/AppAddr/1/Addr`), chr("https://localhost:8443/dm"));
      t.add(uri(`${a}/AppAddr/1/Port/1/PortNbr`), { format: "int", data: "8443" });
      t.add(uri(`${a}/AAuthPref`), chr("DIGEST"));
      t.add(uri(`${a}/AppAuth/c/AAuthLevel`), chr("CLCRED"));
      t.add(uri(`${a}/AppAuth/c/AAuthType`), chr("DIGEST"));
      t.add(uri(`${a}/AppAuth/c/AAuthName`), chr("device1"));
      t.add(uri(`${a}/AppAuth/c/AAuthSecret`), chr("client-secret"));
      t.add(uri(`${a}/AppAuth/c/AAuthData`), { format: "b64", data: "bm9uY2U=" });
      t.add(uri(`${a}/Ext/Encoding`), chr("wbxml"));

      assert.deepEqual(tx.read("DMAcc/op1/AppAddr/1/Port/1/PortNbr"), { type: "int32", value: 8443 });
      assert.deepEqual(tx.read("DMAcc/op1/AppAuth/c/AAuthSecret"), { type: "string", value: "client-secret" });
      for (const secret of ["AAuthSecret", "AAuthData"]) {
        assert.throws(() => t.get(uri(`${a}/AppAuth/c/${secret}`)), (e: unknown) => e instanceof DmStatusError && e.status === 405);
      }
      const listed = t.get(uri(`${a}?list=StructData`));
      assert.equal(listed.find((r) => r.uri.endsWith("AAuthSecret"))?.data, undefined);
      assert.equal(listed.find((r) => r.uri.endsWith("AAuthName"))?.data, "device1");
      assert.throws(() => t.add(uri(`${a}/Colour`), chr("red")), (e: unknown) => e instanceof DmStatusError && e.status === 405);
      assert.throws(() => t.add(uri(`${a}/AppAddr/1/Port/2/PortNbr`), { format: "int", data: "eighty" }), (e: unknown) => e instanceof DmStatusError && e.status === 400);

      const account = findAccount(tx, "dm.example.net")!;
      assert.equal(account.address, "https://localhost:8443/dm");
      assert.equal(account.port, 8443);
      assert.equal(account.encoding, "wbxml");
      const client = authFor(account, "CLCRED")!;
      assert.deepEqual([client.type, client.name, client.secret], ["DIGEST", "device1", "client-secret"]);
      assert.deepEqual(client.data, new Uint8Array([110, 111, 110, 99, 101]));
    } finally {
      tx.rollback();
      store.close();
      dir.remove();
    }
  });
});
