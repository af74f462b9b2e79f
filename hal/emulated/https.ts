// The emulated HTTPS client: node:https with the agent's trust anchors, no policy of its own (no redirects,
// retries, cookies), Node errors mapped onto the HAL's codes, and a control to break the network in tests.
import { request as httpsRequest } from "node:https";
import { createPrivateKey, X509Certificate } from "node:crypto";
import { isIP } from "node:net";
import { rootCertificates, type PeerCertificate } from "node:tls";
import type { ClientRequest } from "node:http";
import type { ByteBuffer, HalError, HalErrorCode } from "../common.js";
import type { HTTPClient, HTTPClientConstructor, HTTPClientOptions, HTTPRequest, HTTPRequestOptions } from "../https.js";
import { halError } from "./hal-error.js";

/** One exchange as the network saw it. */
export interface Exchange {
  readonly host: string;
  readonly port: number;
  readonly method: string;
  readonly path: string;
  readonly requestHeaders: Record<string, string>;
  readonly requestBody: Buffer;
  status?: number;
  responseHeaders?: Record<string, string>;
  responseBody?: Buffer;
  error?: HalErrorCode;
}

export class Network {
  /** Every request the agent made, in order. */
  readonly exchanges: Exchange[] = [];
  private failures: HalErrorCode[] = [];
  private clients = new Set<EmulatedHTTPClient>();
  /** ms added before each request goes out. */
  latency = 0;
  private active = 0;

  /** `systemTrust`: PEM certificates the emulated device trusts as its system store, besides Node's roots. */
  constructor(readonly systemTrust: readonly string[] = []) {}

  /** The next `count` requests fail with `code` without reaching the server. */
  failNext(code: HalErrorCode, count = 1): void {
    for (let i = 0; i < count; i++) this.failures.push(code);
  }

  /** The data connection drops: every open client gets onError(ENETUNREACH). */
  drop(): void {
    for (const c of this.clients) c.lost(halError("ENETUNREACH", "data connection lost"));
  }

  /** Requests under way. */
  inFlight(): number {
    return this.active;
  }

  constructorFor(): HTTPClientConstructor {
    const network = this;
    return class extends EmulatedHTTPClient {
      constructor(options: HTTPClientOptions) {
        super(network, options);
      }
    };
  }

  /** @internal */ register(c: EmulatedHTTPClient): void { this.clients.add(c); }
  /** @internal */ unregister(c: EmulatedHTTPClient): void { this.clients.delete(c); }
  /** @internal */ takeFailure(): HalErrorCode | undefined { return this.failures.shift(); }
  /** @internal */ started(): void { this.active++; }
  /** @internal */ finished(): void { this.active--; }
}

function toBuffer(b: ByteBuffer): Buffer {
  if (b instanceof ArrayBuffer) return Buffer.from(b);
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

function derToPem(der: ByteBuffer): string {
  return new X509Certificate(toBuffer(der)).toString();
}

const CERT_CODES = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ALTNAME|HOSTNAME|LEAF_SIGNATURE|CHAIN/;

/** Node's error codes onto the HAL's closed set. */
export function mapNetworkError(error: NodeJS.ErrnoException): HalErrorCode {
  const code = error.code ?? "";
  switch (code) {
    case "ECONNREFUSED": return "ECONNREFUSED";
    case "ENOTFOUND": case "EAI_AGAIN": case "EAI_NONAME": return "ENOTFOUND";
    case "ETIMEDOUT": case "ESOCKETTIMEDOUT": return "ETIMEDOUT";
    case "ENETUNREACH": case "EHOSTUNREACH": case "ENETDOWN": return "ENETUNREACH";
  }
  if (CERT_CODES.test(code)) return "ECERT";
  if (/^ERR_SSL|^ERR_TLS|EPROTO/.test(code)) return "ETLS";
  return "ECONNRESET";
}

interface Pending {
  options: HTTPRequestOptions;
  request: EmulatedHTTPRequest;
}

class EmulatedHTTPClient implements HTTPClient {
  private readonly queue: Pending[] = [];
  private busy = false;
  /** The request being sent: no longer in the queue, but close() must cancel it too. */
  private current: EmulatedHTTPRequest | undefined;
  private closed = false;
  target: unknown;
  private readonly ca: string[] | undefined;
  private readonly cert: string[] | undefined;
  private readonly key: string | undefined;

  constructor(private readonly network: Network, private readonly options: HTTPClientOptions) {
    if (options === null || typeof options !== "object") throw new TypeError("HTTPClient: options object required");
    if (typeof options.host !== "string" || options.host === "") throw new TypeError("HTTPClient: host required");
    if (options.tls === null || typeof options.tls !== "object") throw new TypeError("HTTPClient: tls options required");
    const port = options.port ?? 443;
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError("HTTPClient: port out of range");
    const { tls } = options;
    if (tls.minimumVersion !== undefined && tls.minimumVersion !== "TLSv1.2" && tls.minimumVersion !== "TLSv1.3") {
      throw halError("EINVAL", `TLS version ${String(tls.minimumVersion)} is not supported`);
    }
    const anchors = (tls.ca ?? []).map(derToPem);
    const system = [...rootCertificates, ...network.systemTrust];
    const trust = tls.trust ?? "system";
    this.ca = trust === "anchors" ? anchors : trust === "both" ? [...system, ...anchors] : system;
    this.cert = tls.clientCertificate?.map(derToPem);
    this.key = tls.clientKey
      ? (createPrivateKey({ key: toBuffer(tls.clientKey), format: "der", type: "pkcs8" }).export({ format: "pem", type: "pkcs8" }) as string)
      : undefined;
    this.target = options.target;
    network.register(this);
  }

  request(options: HTTPRequestOptions): HTTPRequest {
    if (this.closed) throw halError("EBADF", "HTTP client closed");
    if (options === null || typeof options !== "object") throw new TypeError("request: options object required");
    const request = new EmulatedHTTPRequest();
    this.queue.push({ options, request });
    setImmediate(() => this.pump());
    return request;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.network.unregister(this);
    this.current?.close();
    for (const p of this.queue.splice(0)) p.request.close();
  }

  /** @internal */
  lost(error: HalError): void {
    if (this.closed) return;
    setImmediate(() => {
      if (!this.closed) this.options.onError?.call(this, error);
    });
  }

  private pump(): void {
    if (this.busy || this.closed) return;
    const next = this.queue.shift();
    if (!next) return;
    if (next.request.isClosed()) return this.pump();
    this.busy = true;
    this.current = next.request;
    this.network.started();
    const finish = () => {
      this.busy = false;
      this.current = undefined;
      this.network.finished();
      setImmediate(() => this.pump());
    };
    setTimeout(() => this.send(next, finish), this.network.latency);
  }

  private send({ options, request }: Pending, finish: () => void): void {
    request.options = options;
    const headers: Record<string, string> = {};
    options.headers?.forEach((v, k) => { headers[k.toLowerCase()] = String(v); });
    const body = options.body === undefined ? Buffer.alloc(0) : toBuffer(options.body);
    const port = this.options.port ?? 443;
    const exchange: Exchange = {
      host: this.options.host, port, method: options.method ?? "POST", path: options.path ?? "/",
      requestHeaders: headers, requestBody: body,
    };
    this.network.exchanges.push(exchange);
    let ended = false;
    // Declared before end(), which the early exits below reach before the request (and its timers) exist.
    let overall: NodeJS.Timeout | undefined;
    let connect: NodeJS.Timeout | undefined;
    const end = (error: HalError | null) => {
      if (ended) return;
      ended = true;
      clearTimeout(overall);
      clearTimeout(connect);
      if (error) exchange.error = error.code;
      finish();
      request.done(error);
    };
    const failure = this.network.takeFailure();
    if (failure) {
      setImmediate(() => end(halError(failure, "injected network failure")));
      return;
    }
    if (request.isClosed()) return end(null);
    const tls = this.options.tls;
    let req: ClientRequest;
    try {
      req = httpsRequest({
        host: this.options.host, port, method: exchange.method, path: exchange.path,
        headers: { ...headers, "content-length": String(body.length) },
        // RFC 6066 allows no address in SNI ("" = none); the certificate is still checked against it.
        servername: isIP(tls.host ?? this.options.host) ? "" : tls.host ?? this.options.host,
        ca: this.ca, cert: this.cert, key: this.key,
        minVersion: tls.minimumVersion ?? "TLSv1.2",
        rejectUnauthorized: true, agent: false,
        // Only when given: an explicit `checkServerIdentity: undefined` fails a Node internal assertion.
        ...(tls.host ? { checkServerIdentity: (_h: string, cert: PeerCertificate) => checkName(tls.host!, cert) } : {}),
      });
    } catch (error) {
      setImmediate(() => end(halError("EINVAL", (error as Error).message)));
      return;
    }
    overall = options.timeout ? setTimeout(() => { req.destroy(); end(halError("ETIMEDOUT", "request timed out")); }, options.timeout) : undefined;
    connect = this.options.connectTimeout
      ? setTimeout(() => { req.destroy(); end(halError("ETIMEDOUT", "connect timed out")); }, this.options.connectTimeout)
      : undefined;
    req.on("socket", (socket) => socket.once("secureConnect", () => clearTimeout(connect)));
    request.cancel = () => { req.destroy(); end(null); };
    req.on("error", (error: NodeJS.ErrnoException) => end(halError(mapNetworkError(error), error.message)));
    req.on("response", (response) => {
      const responseHeaders = new Map<string, string>();
      for (const [k, v] of Object.entries(response.headers)) if (v !== undefined) responseHeaders.set(k.toLowerCase(), Array.isArray(v) ? v.join(", ") : v);
      exchange.status = response.statusCode ?? 0;
      exchange.responseHeaders = Object.fromEntries(responseHeaders);
      const chunks: Buffer[] = [];
      request.headers(options, exchange.status, responseHeaders);
      response.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        request.data(options, chunk);
      });
      response.on("end", () => {
        exchange.responseBody = Buffer.concat(chunks);
        end(null);
      });
      response.on("error", (error: NodeJS.ErrnoException) => end(halError(mapNetworkError(error), error.message)));
      response.on("aborted", () => end(halError("ECONNRESET", "response aborted")));
    });
    req.end(body);
  }
}

/** Hostname check against the name the agent asked for (SNI name), not the connect address. */
function checkName(name: string, cert: PeerCertificate): Error | undefined {
  const x509 = cert.raw ? new X509Certificate(cert.raw) : undefined;
  // An address is matched against IP names, anything else against DNS names (checkIP throws for a non-address).
  if (x509 && (isIP(name) ? x509.checkIP(name) : x509.checkHost(name)) !== undefined) return undefined;
  const error = new Error(`certificate is not valid for ${name}`) as NodeJS.ErrnoException;
  error.code = "ERR_TLS_CERT_ALTNAME_INVALID";
  return error;
}

class EmulatedHTTPRequest implements HTTPRequest {
  private buffered: Buffer[] = [];
  private closed = false;
  private readableScheduled = false;
  /** @internal */ cancel: (() => void) | undefined;
  /** @internal */ options: HTTPRequestOptions | undefined;

  isClosed(): boolean {
    return this.closed;
  }

  /** @internal */
  headers(options: HTTPRequestOptions, status: number, headers: Map<string, string>): void {
    if (!this.closed) options.onHeaders?.call(this, status, headers);
  }

  /** @internal */
  data(options: HTTPRequestOptions, chunk: Buffer): void {
    this.buffered.push(chunk);
    if (this.readableScheduled || !options.onReadable) return;
    this.readableScheduled = true;
    setImmediate(() => {
      this.readableScheduled = false;
      const count = this.available();
      if (!this.closed && count) options.onReadable!.call(this, count);
    });
  }

  /** @internal */
  done(error: HalError | null): void {
    const options = this.options;
    // after pending onReadable, so a reader sees the data before the end
    setImmediate(() => {
      if (this.closed) return;
      this.closed = true;
      options?.onDone?.call(this, error);
    });
  }

  private available(): number {
    return this.buffered.reduce((n, b) => n + b.length, 0);
  }

  read(count?: number): ArrayBuffer | undefined;
  read(buffer: ByteBuffer): number;
  read(arg?: number | ByteBuffer): ArrayBuffer | undefined | number {
    const all = Buffer.concat(this.buffered);
    if (arg !== undefined && typeof arg === "object") {
      const target = toBuffer(arg);
      const n = all.copy(target, 0, 0, Math.min(target.length, all.length));
      this.buffered = [all.subarray(n)];
      return n;
    }
    if (all.length === 0) return undefined;
    const n = arg === undefined ? all.length : Math.max(0, Math.min(Math.floor(arg), all.length));
    this.buffered = [all.subarray(n)];
    const out = all.subarray(0, n);
    return out.buffer.slice(out.byteOffset, out.byteOffset + out.length) as ArrayBuffer;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.cancel?.();
  }
}
