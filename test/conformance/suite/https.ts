// Conformance: device.network.https (hal/https.d.ts) against a real TLS server on loopback, using the test PKI
// (server/tls/test-ca.ts). The server side is plain node:https in this process; everything the device does
// goes through the HAL. Real time: TLS needs real sockets, so these cases wait for real events.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer as createHttpsServer, type Server } from "node:https";
import { createServer as createTcpServer, type AddressInfo } from "node:net";
import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ConformanceDevice, ConformanceTarget } from "../harness.js";
import type { HalError } from "../../../hal/common.js";
import type { HTTPClient, HTTPClientOptions, HTTPRequest, HTTPRequestOptions, TLSOptions } from "../../../hal/https.js";
import { ensureTestCA, wrongCA, type OtherCA, type TestCA } from "../../../server/tls/test-ca.js";
import { until } from "../../support/temp.js";

/** A response body big enough to come in several TLS records: a fixed pattern, so any reordering shows. */
const BIG = Buffer.from(Array.from({ length: 48 * 1024 + 123 }, (_, i) => (i * 31 + (i >> 8)) & 0xff));

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface Seen {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** The far end: records what arrives, answers by path. */
class TestServer {
  readonly seen: Seen[] = [];
  /** Requests the server has answered (or tried to). */
  answered = 0;
  active = 0;
  maxActive = 0;
  private constructor(private readonly server: Server, readonly port: number) {}

  static async start(pki: TestCA): Promise<TestServer> {
    let self: TestServer | undefined;
    const server = createHttpsServer({ key: pki.serverKeyPem, cert: pki.serverCertPem }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => self!.handle({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks) }, res));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    self = new TestServer(server, (server.address() as AddressInfo).port);
    return self;
  }

  private handle(seen: Seen, res: ServerResponse): void {
    this.seen.push(seen);
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    const reply = (status: number, headers: Record<string, string>, body: Buffer | string) => {
      this.active--;
      this.answered++; // counted when sent: a cancelled client never lets res.end() complete
      res.writeHead(status, headers);
      res.end(body);
    };
    const url = new URL(seen.path, "https://localhost");
    switch (url.pathname) {
      case "/echo":
        return reply(201, { "Content-Type": "application/octet-stream", "X-Test-Header": "Mixed Case Value" }, seen.body);
      case "/big":
        return reply(200, { "Content-Type": "application/octet-stream" }, BIG);
      case "/slow":
        setTimeout(() => reply(200, {}, "slow"), Number(url.searchParams.get("ms") ?? 100));
        return;
      case "/redirect":
        return reply(302, { Location: "/echo", "Set-Cookie": "session=abc; Path=/" }, "");
      case "/hang":
        return; // never answered; close() drops the connection
      default:
        if (url.pathname.startsWith("/seq/")) {
          const n = url.pathname.slice(5);
          setTimeout(() => reply(200, {}, n), n === "1" ? 60 : 10); // the first is slowest: overlap would show
          return;
        }
        return reply(200, { "Content-Type": "text/plain" }, "ok");
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

type ReadMode = "all" | "count" | "buffer" | "none";

/** What the agent saw of one request. */
interface Outcome {
  request: HTTPRequest;
  status?: number;
  headers?: Map<string, string>;
  chunks: Buffer[];
  readableCounts: number[];
  events: string[];
  error?: HalError | null;
  done: boolean;
  /** Order of this onDone among all of them. */
  doneAt: number;
  /** A callback ran inside request() (or inside the call that caused it). */
  synchronous: boolean;
  /**
   * Checks that failed inside a callback. Through the bridge an exception thrown by a callback ends up in
   * the device log, not in the test, so callbacks record their findings and finished() asserts on them.
   */
  problems: string[];
  body(): Buffer;
}

let doneSequence = 0;

const READ_COUNT = 5000; // not a power of two, so reads end mid-record
const BUFFER_SIZE = 4000;

function send(client: HTTPClient, options: Omit<HTTPRequestOptions, "onHeaders" | "onReadable" | "onDone">, mode: ReadMode = "all"): Outcome {
  const out: Outcome = {
    request: undefined as unknown as HTTPRequest,
    chunks: [],
    readableCounts: [],
    events: [],
    done: false,
    doneAt: -1,
    synchronous: false,
    problems: [],
    body: () => Buffer.concat(out.chunks),
  };
  let inside = true;
  const drain = () => {
    const r = out.request;
    const check = (ok: boolean, problem: string) => ok || out.problems.push(problem);
    if (mode === "all") {
      const chunk = r.read();
      const announced = out.readableCounts.at(-1)!;
      check(chunk !== undefined && chunk.byteLength >= announced, `onReadable(${announced}), then read() gave ${chunk?.byteLength}`);
      if (chunk) out.chunks.push(Buffer.from(chunk));
    } else if (mode === "count") {
      for (let chunk = r.read(READ_COUNT); chunk; chunk = r.read(READ_COUNT)) {
        check(chunk.byteLength > 0 && chunk.byteLength <= READ_COUNT, `read(${READ_COUNT}) gave ${chunk.byteLength} bytes`);
        out.chunks.push(Buffer.from(chunk));
      }
    } else if (mode === "buffer") {
      // A view into the middle of a bigger buffer: the fill must respect byteOffset and leave the rest alone.
      const backing = new Uint8Array(BUFFER_SIZE + 32).fill(0xee);
      const view = backing.subarray(16, 16 + BUFFER_SIZE);
      for (let n = r.read(view); n > 0; n = r.read(view)) {
        check(n <= BUFFER_SIZE, `read(buffer) returned ${n}`);
        check(backing.subarray(0, 16).every((b) => b === 0xee) && backing.subarray(16 + BUFFER_SIZE).every((b) => b === 0xee), "read(buffer) wrote outside the view");
        out.chunks.push(Buffer.from(view.subarray(0, n)));
      }
    }
  };
  const full: HTTPRequestOptions = {
    ...options,
    onHeaders(status, headers) {
      if (inside) out.synchronous = true;
      out.events.push("headers");
      out.status = status;
      out.headers = headers;
    },
    onReadable: mode === "none" ? undefined : (count) => {
      if (inside) out.synchronous = true;
      out.events.push("readable");
      out.readableCounts.push(count);
      drain();
    },
    onDone(error) {
      if (inside) out.synchronous = true;
      out.events.push("done");
      out.error = error;
      out.done = true;
      out.doneAt = doneSequence++;
    },
  };
  out.request = client.request(full);
  inside = false;
  return out;
}

async function finished(out: Outcome, timeout = 5000): Promise<Outcome> {
  await until(() => out.done, timeout, `onDone (events so far: ${out.events.join(", ") || "none"})`);
  assert.equal(out.synchronous, false, "a callback ran inside request()");
  assert.deepEqual(out.problems, []);
  assert.equal(out.events.filter((e) => e === "done").length, 1, "onDone more than once");
  assert.equal(out.events.at(-1), "done", `callbacks after onDone: ${out.events.join(", ")}`);
  return out;
}

function errorCode(out: Outcome): string | undefined {
  return out.error ? out.error.code : undefined;
}

export function httpsConformance(target: ConformanceTarget): void {
  describe("HTTPS client", () => {
    let dir: string;
    let pki: TestCA;
    let other: OtherCA;
    let server: TestServer;
    let d: ConformanceDevice;
    const clients: HTTPClient[] = [];

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), "dm-conf-pki-"));
      pki = ensureTestCA(dir);
      other = wrongCA(dir);
      server = await TestServer.start(pki);
      d = await target.make({ time: "real" });
    });
    after(async () => {
      for (const c of clients.splice(0)) c.close();
      await d?.dispose();
      await server?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    /** A client of `device` for the test server: by address, naming localhost, trusting the test CA only. */
    function client(tls: Partial<TLSOptions> = {}, extra: Partial<HTTPClientOptions> = {}, device = d): HTTPClient {
      const HTTPClientClass = device.device.network.https.client.io;
      const c = new HTTPClientClass({
        host: "127.0.0.1",
        port: server.port,
        tls: { host: "localhost", trust: "anchors", ca: [pki.caDer], ...tls },
        ...extra,
      });
      if (device === d) clients.push(c); // closed in after(); others are closed by their own case
      return c;
    }

    it("a POST arrives intact: method, path, headers, body", async () => {
      const body = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff));
      const headers = new Map([
        ["Content-Type", "application/vnd.syncml.dm+xml"],
        ["X-Syncml-Hmac", 'algorithm=MD5, username="IMEI:490154203237518", mac=DL5vWrGHWWnnxBlMJkBmFQ=='],
        ["accept", "application/vnd.syncml.dm+xml, application/vnd.syncml.dm+wbxml"],
      ]);
      const seen = server.seen.length;
      const out = await finished(send(client(), { method: "POST", path: "/echo?session=1", headers, body: new Uint8Array(body) }));
      assert.equal(out.error, null);
      const request = server.seen[seen]!;
      assert.equal(request.method, "POST");
      assert.equal(request.path, "/echo?session=1");
      for (const [name, value] of headers) assert.equal(request.headers[name.toLowerCase()], value, `header ${name}`);
      assert.equal(request.headers["content-length"], String(body.length));
      assert.ok(request.headers.host, "no Host header");
      assert.deepEqual(request.body, body);
    });

    it("the response: status, lower-cased headers in a Map, the body, then onDone(null)", async () => {
      const body = Buffer.from("<SyncML>reply</SyncML>");
      const out = await finished(send(client(), { path: "/echo", body }));
      assert.equal(out.error, null);
      assert.equal(out.status, 201);
      const headers = out.headers!;
      assert.equal(typeof headers.get, "function", "headers is not a Map");
      for (const name of headers.keys()) assert.equal(name, name.toLowerCase(), `header name ${name}`);
      assert.equal(headers.get("x-test-header"), "Mixed Case Value");
      assert.equal(headers.get("content-type"), "application/octet-stream");
      assert.deepEqual(out.body(), body);
      assert.ok(out.readableCounts.every((n) => n > 0), `onReadable counts ${out.readableCounts.join(", ")}`);
      assert.deepEqual(out.events.filter((e, i, all) => e !== all[i - 1]), ["headers", "readable", "done"]);
    });

    it("method defaults to POST and path to /; a GET without a body has an empty body", async () => {
      const seen = server.seen.length;
      const c = client();
      const first = await finished(send(c, {}));
      assert.equal(first.error, null);
      assert.equal(server.seen[seen]!.method, "POST");
      assert.equal(server.seen[seen]!.path, "/");
      const get = await finished(send(c, { method: "GET", path: "/echo" }));
      assert.equal(get.error, null);
      assert.equal(server.seen[seen + 1]!.method, "GET");
      assert.equal(server.seen[seen + 1]!.body.length, 0);
      assert.equal(get.status, 201);
      assert.equal(get.body().length, 0);
    });

    it("a large body through onReadable and read(count)", async () => {
      const out = await finished(send(client(), { path: "/big" }, "count"));
      assert.equal(out.error, null);
      assert.equal(out.status, 200);
      assert.equal(out.body().length, BIG.length);
      assert.ok(out.body().equals(BIG), "the body came back altered");
    });

    it("read(buffer) fills the view and returns how many bytes it copied", async () => {
      const out = await finished(send(client(), { path: "/big" }, "buffer"));
      assert.equal(out.error, null);
      assert.ok(out.body().equals(BIG), `got ${out.body().length} of ${BIG.length} bytes, or altered`);
    });

    it("bytes not read by onDone stay readable; read() then gives undefined, read(buffer) 0", async () => {
      const out = await finished(send(client(), { path: "/echo", body: Buffer.from("kept for later") }, "none"));
      assert.equal(out.error, null);
      const first = out.request.read(4);
      assert.ok(first);
      assert.equal(Buffer.from(first).toString(), "kept");
      const rest = out.request.read();
      assert.ok(rest);
      assert.equal(Buffer.from(rest).toString(), " for later");
      assert.equal(out.request.read(), undefined);
      assert.equal(out.request.read(new Uint8Array(8)), 0);
    });

    it("requests on one client run one at a time, in order", async () => {
      const c = client();
      server.maxActive = 0;
      const seen = server.seen.length;
      const outs = ["1", "2", "3"].map((n) => send(c, { path: `/seq/${n}` }));
      for (const out of outs) await finished(out);
      assert.ok(outs[0]!.doneAt < outs[1]!.doneAt && outs[1]!.doneAt < outs[2]!.doneAt, "onDone out of order");
      assert.deepEqual(server.seen.slice(seen).map((s) => s.path), ["/seq/1", "/seq/2", "/seq/3"]);
      assert.equal(server.maxActive, 1, "requests overlapped at the server");
      assert.deepEqual(outs.map((o) => o.body().toString()), ["1", "2", "3"]);
      assert.ok(outs.every((o) => o.error === null));
    });

    it("no policy at the edge: a redirect comes back as is, a cookie is not stored", async () => {
      const c = client();
      const seen = server.seen.length;
      const out = await finished(send(c, { path: "/redirect" }));
      assert.equal(out.error, null);
      assert.equal(out.status, 302);
      assert.equal(out.headers!.get("location"), "/echo");
      assert.ok(out.headers!.get("set-cookie")?.includes("session=abc"), "set-cookie not handed over");
      await finished(send(c, { path: "/echo" }));
      assert.deepEqual(server.seen.slice(seen).map((r) => r.path), ["/redirect", "/echo"], "the redirect was followed");
      assert.equal(server.seen[seen + 1]!.headers.cookie, undefined, "the cookie was sent back");
    });

    it("minimumVersion TLSv1.3 against a server that speaks it", async () => {
      const out = await finished(send(client({ minimumVersion: "TLSv1.3" }), { path: "/" }));
      assert.equal(errorCode(out), undefined);
      assert.equal(out.status, 200);
    });

    it("the certificate's name is checked against the client's host by default (DNS and IP names)", async () => {
      const byName = await finished(send(client({ host: undefined }, { host: "localhost" }), { path: "/" }));
      assert.equal(errorCode(byName), undefined);
      assert.equal(byName.status, 200);
      const byAddress = await finished(send(client({ host: undefined }), { path: "/" }));
      assert.equal(errorCode(byAddress), undefined, "the certificate names IP:127.0.0.1");
    });

    it("trust anchors from another CA: ECERT", async () => {
      const seen = server.seen.length;
      const out = await finished(send(client({ ca: [other.caDer] }), { path: "/echo", body: Buffer.from("secret") }));
      assert.equal(errorCode(out), "ECERT");
      assert.equal(out.events.includes("headers"), false);
      assert.equal(server.seen.length, seen, "the request went out over an untrusted connection");
    });

    it("a TLS host the certificate does not name: ECERT", async () => {
      const out = await finished(send(client({ host: "evil.example" }), { path: "/" }));
      assert.equal(errorCode(out), "ECERT");
    });

    it("trust \"system\" uses the device's own store; \"both\" adds the anchors", async () => {
      // The default device's system store lacks the test CA...
      const untrusted = await finished(send(client({ trust: "system", ca: undefined }), { path: "/" }));
      assert.equal(errorCode(untrusted), "ECERT");
      const both = await finished(send(client({ trust: "both" }), { path: "/" }));
      assert.equal(errorCode(both), undefined);
      // ...a device provisioned with it in its system store trusts the server.
      const provisioned = await target.make({ time: "real", trust: [pki.caPem] });
      try {
        const c = client({ trust: "system", ca: undefined }, {}, provisioned);
        const out = await finished(send(c, { path: "/" }));
        assert.equal(errorCode(out), undefined);
        assert.equal(out.status, 200);
        c.close();
      } finally {
        await provisioned.dispose();
      }
    });

    it("connection refused: ECONNREFUSED", async () => {
      const out = await finished(send(client({}, { port: await closedPort() }), { path: "/" }));
      assert.equal(errorCode(out), "ECONNREFUSED");
    });

    it("a server that never answers: the request timeout gives ETIMEDOUT", async () => {
      const start = Date.now();
      const out = await finished(send(client(), { path: "/hang", timeout: 300 }));
      assert.equal(errorCode(out), "ETIMEDOUT");
      assert.ok(Date.now() - start >= 290, `timed out after ${Date.now() - start} ms`);
      assert.equal(out.events.includes("headers"), false);
    });

    it("no data connection: the injected ENETUNREACH, and the server never sees the request", async () => {
      const c = client();
      const seen = server.seen.length;
      d.control.network.failNext("ENETUNREACH");
      const out = await finished(send(c, { path: "/echo", body: Buffer.from("x") }));
      assert.equal(errorCode(out), "ENETUNREACH");
      assert.equal(server.seen.length, seen);
      const next = await finished(send(c, { path: "/" }));
      assert.equal(errorCode(next), undefined, "the failure stuck to the client");
    });

    it("the data connection drops: the client's onError(ENETUNREACH), from the event loop", async () => {
      const errors: HalError[] = [];
      let inside = false;
      let synchronous = false;
      client({}, {
        onError(error) {
          if (inside) synchronous = true;
          errors.push(error);
        },
      });
      inside = true;
      d.control.network.drop();
      inside = false;
      await until(() => errors.length > 0, 2000, "onError");
      assert.equal(synchronous, false, "onError ran inside the drop");
      assert.equal(errors.length, 1);
      assert.equal(errors[0]!.code, "ENETUNREACH");
    });

    it("close() of a request in flight: no callback of it runs afterwards", async () => {
      const c = client();
      const seen = server.seen.length;
      const answered = server.answered;
      const out = send(c, { path: "/slow?ms=150" });
      await until(() => server.seen.length > seen, 5000, "the request at the server");
      out.request.close();
      out.request.close(); // idempotent
      await until(() => server.answered > answered, 5000, "the server's answer");
      await sleep(50);
      assert.deepEqual(out.events, []);
      // the client goes on with the next request
      const next = await finished(send(c, { path: "/" }));
      assert.equal(errorCode(next), undefined);
    });

    it("close() from inside onHeaders: no onReadable, no onDone", async () => {
      const c = client();
      const events: string[] = [];
      const request: HTTPRequest = c.request({
        path: "/big",
        onHeaders() {
          events.push("headers");
          request.close();
        },
        onReadable() {
          events.push("readable");
        },
        onDone() {
          events.push("done");
        },
      });
      await until(() => events.length > 0, 5000, "onHeaders");
      await sleep(100);
      assert.deepEqual(events, ["headers"]);
    });

    it("client.close() cancels every outstanding request; idempotent; request() afterwards is EBADF", async () => {
      const c = client();
      const seen = server.seen.length;
      const answered = server.answered;
      const inFlight = send(c, { path: "/slow?ms=150" });
      const queued = send(c, { path: "/echo", body: Buffer.from("never sent") });
      await until(() => server.seen.length > seen, 5000, "the first request at the server");
      c.close();
      c.close();
      assert.throws(() => c.request({ path: "/" }), { code: "EBADF" });
      await until(() => server.answered > answered, 5000, "the server's answer");
      await sleep(50);
      assert.deepEqual(inFlight.events, [], "a callback of the request in flight ran after client.close()");
      assert.deepEqual(queued.events, [], "a callback of a queued request ran after client.close()");
      assert.equal(server.seen.length, seen + 1, "a queued request went out after client.close()");
    });

    it("callbacks never run inside request(), even for immediate failures", async () => {
      // every send() above checked this too; here the failures that need no network at all
      const c = client();
      d.control.network.failNext("ECONNRESET");
      const injected = send(c, { path: "/" });
      assert.deepEqual(injected.events, []);
      await finished(injected);
      assert.equal(errorCode(injected), "ECONNRESET");
      const refused = send(client({}, { port: await closedPort() }), { path: "/" });
      assert.deepEqual(refused.events, []);
      await finished(refused);
    });

    it("options the HAL must refuse: no host or no tls is a TypeError", () => {
      const HTTPClientClass = d.device.network.https.client.io as unknown as new (options: unknown) => HTTPClient;
      assert.throws(() => new HTTPClientClass({ port: server.port, tls: {} }), { name: "TypeError" });
      assert.throws(() => new HTTPClientClass({ host: "127.0.0.1", port: server.port }), { name: "TypeError" });
      assert.throws(() => new HTTPClientClass(undefined), { name: "TypeError" });
    });
  });
}
