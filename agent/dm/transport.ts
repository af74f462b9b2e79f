// The DM transport client (DESIGN.md step 4): HTTP POST over device.network.https, one client per session,
// TLS with the account's trust anchors, timeouts, bounded retries for failures that happened before the
// request left the device, and RespURI. The body size is bounded while it arrives, so a server cannot
// make the agent buffer more than it announced it accepts.
import type { Device } from "../../hal/device.js";
import type { HalErrorCode } from "../../hal/common.js";
import type { HTTPClient, HTTPRequest } from "../../hal/https.js";
import { isHalError } from "../../hal/async.js";
import type { ServerUrl } from "./url.js";

export interface TransportOptions {
  readonly url: ServerUrl;
  readonly trustAnchors: readonly Uint8Array[];
  /** Bytes of response body accepted (the MaxMsgSize the agent announced, plus slack). */
  readonly maxResponseBytes: number;
  readonly connectTimeout?: number;
  /** ms for one whole exchange. */
  readonly timeout?: number;
  /** Extra attempts after a failure before the request was sent. */
  readonly retries?: number;
  /** ms before the first retry; doubles each time. */
  readonly retryDelay?: number;
}

export interface HttpReply {
  readonly status: number;
  readonly headers: Map<string, string>;
  readonly body: Uint8Array;
}

export type TransportFailure = HalErrorCode | "too-large" | "closed";

export class TransportError extends Error {
  /** `unsent`: the failure proves the request never reached the server (safe to send again). */
  constructor(readonly code: TransportFailure, message: string, readonly unsent = false) {
    super(message);
    this.name = "TransportError";
  }
}

/** Failures that prove the request never reached the server: safe to send again. */
const NOT_SENT: readonly string[] = ["ECONNREFUSED", "ENOTFOUND", "ENETUNREACH"];

export class Transport {
  private client: HTTPClient | undefined;
  private clientFor = "";
  private request: HTTPRequest | undefined;
  private fail: ((error: TransportError) => void) | undefined;
  private closed = false;
  private wake: (() => void) | undefined;
  url: ServerUrl;
  /** Attempts made, retries included (for traces and tests). */
  attempts = 0;

  constructor(private readonly device: Device, private readonly options: TransportOptions) {
    this.url = options.url;
  }

  /** Follows a RespURI: the next POSTs go there. */
  redirect(url: ServerUrl): void {
    this.url = url;
  }

  /** POSTs `body`; retries only what certainly never left the device. */
  async post(body: Uint8Array, headers: Map<string, string>): Promise<HttpReply> {
    const retries = this.options.retries ?? 2;
    let delay = this.options.retryDelay ?? 2000;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(body, headers);
      } catch (error) {
        if (this.closed || attempt >= retries || !(error instanceof TransportError && error.unsent)) throw error;
        this.dropClient(); // the network may come back on another route
        await this.sleep(delay);
        if (this.closed) throw new TransportError("closed", "transport closed");
        delay *= 2;
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const id = this.device.timer.set(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      // close() cancels the timer and lets the retry loop see that it is closed
      this.wake = () => {
        this.device.timer.clear(id);
        resolve();
      };
    });
  }

  private open(): HTTPClient {
    const key = `${this.url.host}:${this.url.port}`;
    if (this.client && this.clientFor === key) return this.client;
    this.dropClient();
    const { io, ...defaults } = this.device.network.https.client;
    const transport = this;
    this.client = new io({
      ...defaults,
      host: this.url.host,
      port: this.url.port,
      tls: { trust: "both", ca: this.options.trustAnchors },
      connectTimeout: this.options.connectTimeout ?? 30000,
      onError(error) {
        // The connection is gone: what is under way fails now (perhaps after the server got it, so it is
        // not sent again), the next POST opens a new client.
        transport.dropClient();
        transport.fail?.(new TransportError(error.code, `network lost: ${error.code}`));
      },
    });
    this.clientFor = key;
    return this.client;
  }

  private dropClient(): void {
    const c = this.client;
    this.client = undefined;
    this.request = undefined;
    try {
      c?.close();
    } catch {
      // already unusable
    }
  }

  private once(body: Uint8Array, headers: Map<string, string>): Promise<HttpReply> {
    if (this.closed) return Promise.reject(new TransportError("closed", "transport closed"));
    this.attempts++;
    const max = this.options.maxResponseBytes;
    return new Promise<HttpReply>((resolve, reject) => {
      let status = 0;
      let replyHeaders = new Map<string, string>();
      const chunks: Uint8Array[] = [];
      let size = 0;
      let settled = false;
      const finish = (error: TransportError | undefined) => {
        if (settled) return;
        settled = true;
        this.fail = undefined;
        if (error) {
          const r = this.request;
          this.request = undefined;
          r?.close();
          reject(error);
        } else {
          this.request = undefined;
          resolve({ status, headers: replyHeaders, body: concat(chunks, size) });
        }
      };
      const take = (req: HTTPRequest) => {
        for (let b = req.read(); b; b = req.read()) {
          size += b.byteLength;
          if (size > max) return finish(new TransportError("too-large", `response over ${max} bytes`));
          chunks.push(new Uint8Array(b));
        }
      };
      this.fail = finish;
      let client: HTTPClient;
      try {
        client = this.open();
        this.request = client.request({
          method: "POST",
          path: this.url.path,
          headers,
          body,
          timeout: this.options.timeout ?? 60000,
          onHeaders(code, h) {
            status = code;
            replyHeaders = h;
            const length = Number(h.get("content-length"));
            if (length > max) finish(new TransportError("too-large", `response of ${length} bytes announced, over ${max}`));
          },
          onReadable() {
            take(this);
          },
          onDone(error) {
            if (error) return finish(new TransportError(error.code, `${error.code}: ${error.message}`, NOT_SENT.indexOf(error.code) >= 0));
            take(this);
            finish(undefined);
          },
        });
      } catch (error) {
        const code = isHalError(error) ? error.code : "EINVAL";
        finish(new TransportError(code, String((error as Error).message), NOT_SENT.indexOf(code) >= 0));
      }
    });
  }

  /** Idempotent; what is under way fails with "closed", and no callback follows. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.fail?.(new TransportError("closed", "transport closed"));
    this.wake?.();
    this.dropClient();
  }
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
