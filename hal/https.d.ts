import type { ByteBuffer, HalError } from "./common.js";

/**
 * HTTPS client: ECMA-419 HTTP client and TLS options, trimmed to what OMA DM needs, plus a whole `body`
 * and a per-request `timeout`. The policy is the agent's: the HAL never follows redirects, retries,
 * caches, stores cookies or rewrites headers. There is no cleartext mode.
 */
export interface TLSOptions {
  /** Name for SNI and certificate verification; defaults to the client's host. */
  readonly host?: string;
  /** Which trust anchors apply; default "system". */
  readonly trust?: "system" | "anchors" | "both";
  /** DER trust anchors (e.g. provisioned with the DM account). */
  readonly ca?: readonly ByteBuffer[];
  readonly minimumVersion?: "TLSv1.2" | "TLSv1.3";
  /** Mutual TLS, DER. */
  readonly clientCertificate?: readonly ByteBuffer[];
  readonly clientKey?: ByteBuffer;
}

export interface HTTPClientOptions {
  readonly host: string;
  /** Default 443. */
  readonly port?: number;
  readonly tls: TLSOptions;
  /** ms to establish TCP and TLS; then the request ends with ETIMEDOUT. */
  readonly connectTimeout?: number;
  /** The client is unusable (network gone); only close() remains valid. */
  onError?(this: HTTPClient, error: HalError): void;
  readonly target?: unknown;
}

export interface HTTPClientDefaults extends Partial<HTTPClientOptions> {
  readonly io: HTTPClientConstructor;
}

export interface HTTPRequestOptions {
  /** Default "POST". */
  readonly method?: "POST" | "GET";
  /** Default "/". */
  readonly path?: string;
  /** Names in any case; the host sets Host and Content-Length. */
  readonly headers?: Map<string, string>;
  /** The whole request body. */
  readonly body?: ByteBuffer;
  /** ms for the whole exchange; then onDone(ETIMEDOUT). */
  readonly timeout?: number;
  /** Status line and headers arrived; header names lower-cased. */
  onHeaders?(this: HTTPRequest, status: number, headers: Map<string, string>): void;
  /** `count` more body bytes can be read. */
  onReadable?(this: HTTPRequest, count: number): void;
  /**
   * The exchange is over: null after the whole body arrived (unread bytes stay readable), or an error:
   * ECONNREFUSED, ECONNRESET, ENOTFOUND, ENETUNREACH, ETIMEDOUT, ECERT, ETLS, ECANCELED.
   */
  onDone?(this: HTTPRequest, error: HalError | null): void;
}

export interface HTTPRequest {
  /** Up to `count` bytes (default: all available), or undefined when none are waiting. */
  read(count?: number): ArrayBuffer | undefined;
  /** Fill `buffer` with waiting bytes; returns how many were copied. */
  read(buffer: ByteBuffer): number;
  /** Cancel. Synchronous close semantics: no callback of this request runs afterwards. Idempotent. */
  close(): void;
}

export interface HTTPClient {
  /** Requests are queued and run one at a time, in order. Throws EBADF after close. */
  request(options: HTTPRequestOptions): HTTPRequest;
  /** Cancels every outstanding request; no callbacks afterwards. Idempotent. */
  close(): void;
}

/** Throws EINVAL for options the host cannot honour (e.g. an unsupported minimum TLS version). */
export interface HTTPClientConstructor {
  new (options: HTTPClientOptions): HTTPClient;
}
