// A SyncML DM bootstrap message (XML or WBXML) becomes the ./DMAcc Adds: the DM 1.2 layout passes through in order
// (Atomic and Sequence opened), the DM 1.1.2 ./SyncML/DMAcc layout is rewritten to the 1.2 one, everything else is
// named as ignored, and the result makes a working account in the real tree. Malformed messages are PushErrors.
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
import { decodeXml, encodeWbxml } from "../../../../agent/syncml/index.js";
import { dmBootstrapToDmacc, type DmaccAdd } from "../../../../agent/push/bootstrap/index.js";
import { tempDir } from "../../../support/temp.js";
import { code, FIXTURES, json } from "./cp-vectors.js";

const read = (name: string) => new Uint8Array(readFileSync(join(FIXTURES, name)));

/** Adds (or Replaces, for a node that exists) through the tree and the DMAcc CSP. */
function applyAdds(adds: readonly DmaccAdd[], check: (tx: ConfigTransaction) => void): void {
  const dir = tempDir();
  const store = openConfigStore({ directory: dir.path });
  const tx = store.open({ path: "" }).begin();
  try {
    const t = new Tree({ csps: [dmaccCsp()], rootAcl: "Add=*&Get=*&Replace=*", now: () => 0 }).session(tx, "bootstrap");
    for (const a of adds) {
      const uri = parseUri(a.uri) as DmUri;
      if (a.value && t.kind(uri.segments)) t.replace(uri, a.value);
      else t.add(uri, a.value);
    }
    check(tx);
  } finally {
    tx.rollback();
    store.close();
    dir.remove();
  }
}

const V12 = [
  ["./DMAcc/OperatorDM"], ["./DMAcc/OperatorDM/AppID", "w7"], ["./DMAcc/OperatorDM/ServerID", "dm.operator.example"],
  ["./DMAcc/OperatorDM/Name", "Operator DM"], ["./DMAcc/OperatorDM/AppAddr"], ["./DMAcc/OperatorDM/AppAddr/srv"],
  ["./DMAcc/OperatorDM/AppAddr/srv/Addr", "https://dm.operator.example/omadm"], ["./DMAcc/OperatorDM/AppAddr/srv/AddrType", "URI"],
  ["./DMAcc/OperatorDM/AAuthPref", "DIGEST"], ["./DMAcc/OperatorDM/AppAuth"], ["./DMAcc/OperatorDM/AppAuth/cl"],
  ["./DMAcc/OperatorDM/AppAuth/cl/AAuthLevel", "CLCRED"], ["./DMAcc/OperatorDM/AppAuth/cl/AAuthType", "DIGEST"],
  ["./DMAcc/OperatorDM/AppAuth/cl/AAuthName", "IMEI:490154203237518"], ["./DMAcc/OperatorDM/AppAuth/cl/AAuthSecret", "client-secret"],
  ["./DMAcc/OperatorDM/AppAuth/cl/AAuthData", "Y2xpZW50LW5vbmNl", "b64"], ["./DMAcc/OperatorDM/Name", "Operator device management"],
].map(([uri, data, format]) => (data === undefined ? { uri } : { uri, value: { format: format ?? "chr", data } }));

const V11 = [
  ["./DMAcc/GSMA"], ["./DMAcc/GSMA/AppID", "w7"], ["./DMAcc/GSMA/ServerID", "gsma-dm"], ["./DMAcc/GSMA/Name", "GSMA DM"],
  ["./DMAcc/GSMA/PrefConRef", "NAP-GPRS"], ["./DMAcc/GSMA/AppAddr"], ["./DMAcc/GSMA/AppAddr/1"],
  ["./DMAcc/GSMA/AppAddr/1/Addr", "https://dm.gsma.example:8443/dm"], ["./DMAcc/GSMA/AppAddr/1/AddrType", "URI"],
  ["./DMAcc/GSMA/AppAddr/1/Port"], ["./DMAcc/GSMA/AppAddr/1/Port/1"], ["./DMAcc/GSMA/AppAddr/1/Port/1/PortNbr", "8443", "int"],
  ["./DMAcc/GSMA/AAuthPref", "DIGEST"], ["./DMAcc/GSMA/AppAuth"], ["./DMAcc/GSMA/AppAuth/CLCRED"],
  ["./DMAcc/GSMA/AppAuth/CLCRED/AAuthLevel", "CLCRED"], ["./DMAcc/GSMA/AppAuth/CLCRED/AAuthType", "DIGEST"],
  ["./DMAcc/GSMA/AppAuth/CLCRED/AAuthName", "IMEI:490154203237518"], ["./DMAcc/GSMA/AppAuth/CLCRED/AAuthSecret", "client-pw"],
  ["./DMAcc/GSMA/AppAuth/CLCRED/AAuthData", "Y2xpZW50LW5vbmNl", "b64"], ["./DMAcc/GSMA/AppAuth/SRVCRED"],
  ["./DMAcc/GSMA/AppAuth/SRVCRED/AAuthLevel", "SRVCRED"], ["./DMAcc/GSMA/AppAuth/SRVCRED/AAuthType", "DIGEST"],
  ["./DMAcc/GSMA/AppAuth/SRVCRED/AAuthSecret", "server-pw"], ["./DMAcc/GSMA/AppAuth/SRVCRED/AAuthData", "c2VydmVyLW5vbmNl", "b64"],
].map(([uri, data, format]) => (data === undefined ? { uri } : { uri, value: { format: format ?? "chr", data } }));

describe("SyncML DM bootstrap message", () => {
  for (const [file, expected, ignored] of [
    ["dm-bootstrap-1.2.xml", V12, ["./Vendor/Operator/Flag", "Exec"]],
    ["dm-bootstrap-1.1.xml", V11, ["./SyncML/DMAcc/GSMA/Unknown", "./SyncML/Con/GPRS"]],
  ] as const) {
    test(`${file}: the Adds, in order, from XML, from our WBXML and from the decoded message`, () => {
      const xml = read(file);
      const msg = decodeXml(xml);
      for (const input of [xml, encodeWbxml(msg), encodeWbxml(msg, { stringTable: true, version: 3 }), msg]) {
        const got: string[] = [];
        assert.deepEqual(json(dmBootstrapToDmacc(input, { ignored: got })), expected);
        assert.deepEqual(got, ignored);
      }
    });
  }

  test("the DM 1.2 message makes an account the agent reads back (the later Replace wins)", () => {
    applyAdds(dmBootstrapToDmacc(read("dm-bootstrap-1.2.xml")), (tx) => {
      const a = findAccount(tx, "dm.operator.example")!;
      assert.equal(a.name, "Operator device management");
      assert.equal(a.address, "https://dm.operator.example/omadm");
      assert.equal(a.authPreference, "DIGEST");
      const cl = authFor(a, "CLCRED")!;
      assert.deepEqual([cl.name, cl.secret, Buffer.from(cl.data!).toString()], ["IMEI:490154203237518", "client-secret", "client-nonce"]);
    });
  });

  test("the DM 1.1.2 message, rewritten, makes the same kind of account", () => {
    applyAdds(dmBootstrapToDmacc(read("dm-bootstrap-1.1.xml")), (tx) => {
      const a = findAccount(tx, "gsma-dm")!;
      assert.equal(a.id, "GSMA");
      assert.equal(a.port, 8443);
      assert.equal(a.authPreference, "DIGEST");
      const srv = authFor(a, "SRVCRED")!;
      assert.deepEqual([srv.secret, Buffer.from(srv.data!).toString()], ["server-pw", "server-nonce"]);
      assert.equal(authFor(a, "CLCRED")!.name, "IMEI:490154203237518");
    });
  });

  test("a 1.1.2 nonce sent as binary becomes b64 text, and AddrType and AuthPref codes are translated", () => {
    const msg = decodeXml(read("dm-bootstrap-1.1.xml"));
    const add = msg.body.commands[0] as { items: { target?: { locURI: string }; meta?: { format?: string }; data?: unknown }[] };
    for (const item of add.items) {
      if (item.target?.locURI.endsWith("/ServerNonce")) Object.assign(item, { meta: { format: "bin" }, data: new Uint8Array([1, 2, 3]) });
      if (item.target?.locURI.endsWith("/AddrType")) item.data = "3";
      if (item.target?.locURI.endsWith("/AuthPref")) item.data = "syncml:auth-MAC";
    }
    const adds = json(dmBootstrapToDmacc(msg)) as { uri: string; value?: { data: string } }[];
    const at = (suffix: string) => adds.find((a) => a.uri.endsWith(suffix))?.value?.data;
    assert.equal(at("/SRVCRED/AAuthData"), "AQID");
    assert.equal(at("/AppAddr/1/AddrType"), "OBEX");
    assert.equal(at("/AAuthPref"), "HMAC");
    assert.equal(at("/CLCRED/AAuthType"), "HMAC");
  });

  test("what is not a SyncML message is a PushError", () => {
    for (const bad of [new Uint8Array(0), new Uint8Array([0xff, 1, 2]), new Uint8Array(Buffer.from("<SyncML><SyncHdr>")),
      new Uint8Array(Buffer.from('<wap-provisioningdoc><characteristic type="A"/></wap-provisioningdoc>'))]) {
      assert.equal(code(() => dmBootstrapToDmacc(bad)), "bad-bootstrap");
    }
    assert.equal(code(() => dmBootstrapToDmacc({} as never)), "bad-bootstrap");
  });

  test("Adds outside DMAcc, query URIs and the DMAcc roots themselves are not passed on", () => {
    const msg = decodeXml(read("dm-bootstrap-1.2.xml"));
    const add = (msg.body.commands[0] as { commands: { items: { target?: { locURI: string } }[] }[] }).commands[0];
    add.items.unshift({ target: { locURI: "./DMAcc" } }, { target: { locURI: "./DMAcc/x?list=Struct" } }, { target: { locURI: "../etc" } });
    const ignored: string[] = [];
    const adds = dmBootstrapToDmacc(msg, { ignored });
    assert.equal(adds[0].uri, "./DMAcc/OperatorDM");
    assert.deepEqual(ignored.slice(0, 2), ["./DMAcc/x?list=Struct", "../etc"]);
  });
});
