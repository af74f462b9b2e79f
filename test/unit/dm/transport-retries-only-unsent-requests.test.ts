// The transport client over the emulated HAL (node:https underneath, real TLS on loopback): POST with the
// account's anchors, retries only failures that prove the request never left, bounded responses, RespURI.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { Transport, TransportError } from "../../../agent/dm/transport.js";
import { createEmulatedDevice, type EmulatedDevice } from "../../../hal/emulated/device.js";
import { ensureTestCA, wrongCA } from "../../../server/tls/test-ca.js";
import { tempDir } from "../../support/temp.js";
import { CA_DIR } from "../../integration/session/support/device.js";

describe("the DM transport", () => {
  let server: Server;
  let port = 0;
  const seen: Array<{ path: string; type: string; body: string }> = [];
  let mode: "echo" | "drop" | "huge" | "slow" = "echo";
  let device: EmulatedDevice;
  let dir: ReturnType<typeof tempDir>;
  const ca = ensureTestCA(CA_DIR);

  before(async () => {
    server = createServer({ key: ca.serverKeyPem, cert: ca.serverCertPem }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        seen.push({ path: req.url ?? "", type: String(req.headers["content-type"]), body: Buffer.concat(chunks).toString() });
        if (mode === "drop") return req.socket.destroy();
        if (mode === "huge") return res.writeHead(200).end(Buffer.alloc(5000));
        if (mode === "slow") return setTimeout(() => res.writeHead(200).end("late"), 300);
        res.writeHead(200, { "x-syncml-hmac": "mac=abc" }).end("reply:" + Buffer.concat(chunks).toString());
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as AddressInfo).port;
    dir = tempDir();
    device = createEmulatedDevice({ directory: dir.path, time: "real" });
  });
  after(async () => {
    device.close();
    dir.remove();
    await new Promise<void>((r) => server.close(() => r()));
  });

  const open = (anchors = [ca.caDer], max = 4096) =>
    new Transport(device.device, { url: { host: "127.0.0.1", port, path: "/dm" }, trustAnchors: anchors, maxResponseBytes: max, retryDelay: 5 });
  const headers = new Map([["content-type", "application/vnd.syncml.dm+xml"]]);

  it("posts the body with its headers and returns status, headers and body, trusting the account's anchors", async () => {
    mode = "echo";
    const t = open();
    const reply = await t.post(new TextEncoder().encode("hello"), headers);
    assert.equal(reply.status, 200);
    assert.equal(new TextDecoder().decode(reply.body), "reply:hello");
    assert.equal(reply.headers.get("x-syncml-hmac"), "mac=abc");
    assert.deepEqual(seen[seen.length - 1], { path: "/dm", type: "application/vnd.syncml.dm+xml", body: "hello" });
    t.close();
  });

  it("retries a request that never left the device (no network), a bounded number of times", async () => {
    mode = "echo";
    const t = open();
    device.control.network.failNext("ENETUNREACH", 2);
    const reply = await t.post(new TextEncoder().encode("again"), headers);
    assert.equal(reply.status, 200);
    assert.equal(t.attempts, 3);
    device.control.network.failNext("ECONNREFUSED", 3);
    await assert.rejects(t.post(new TextEncoder().encode("x"), headers), (e: unknown) => e instanceof TransportError && e.code === "ECONNREFUSED");
    t.close();
  });

  it("does not send again a request the server may have received (connection dropped after it)", async () => {
    mode = "drop";
    const t = open();
    const before = seen.length;
    await assert.rejects(t.post(new TextEncoder().encode("once"), headers), (e: unknown) => e instanceof TransportError && e.code === "ECONNRESET");
    assert.equal(seen.length - before, 1, "exactly one request reached the server");
    t.close();
  });

  it("does not send again when the data connection is lost while a request is under way", async () => {
    mode = "slow";
    const t = open();
    const before = seen.length;
    const posting = t.post(new TextEncoder().encode("lost"), headers);
    await new Promise((r) => setTimeout(r, 100));
    device.control.network.drop();
    await assert.rejects(posting, (e: unknown) => e instanceof TransportError && e.code === "ENETUNREACH" && !e.unsent);
    assert.equal(t.attempts, 1);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(seen.length - before, 1);
    t.close();
  });

  it("refuses a server its anchors do not vouch for (ECERT), without retrying", async () => {
    mode = "echo";
    const t = open([wrongCA(CA_DIR).caDer]);
    const before = seen.length;
    await assert.rejects(t.post(new TextEncoder().encode("x"), headers), (e: unknown) => e instanceof TransportError && e.code === "ECERT");
    assert.equal(seen.length, before);
    assert.equal(t.attempts, 1);
    t.close();
  });

  it("stops reading a response larger than the agent accepts", async () => {
    mode = "huge";
    const t = open([ca.caDer], 1000);
    await assert.rejects(t.post(new TextEncoder().encode("x"), headers), (e: unknown) => e instanceof TransportError && e.code === "too-large");
    t.close();
  });

  it("sends the next POST where RespURI points", async () => {
    mode = "echo";
    const t = open();
    t.redirect({ host: "127.0.0.1", port, path: "/dm/session/42" });
    await t.post(new TextEncoder().encode("y"), headers);
    assert.equal(seen[seen.length - 1].path, "/dm/session/42");
    t.close();
    await assert.rejects(t.post(new TextEncoder().encode("z"), headers), (e: unknown) => e instanceof TransportError && e.code === "closed");
  });
});
