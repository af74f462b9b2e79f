/**
 * Shared HAL types. The HAL follows ECMA-419 (Embedded Systems API for ECMAScript): constructors take one
 * options object, `onX` callbacks run later from the host's event loop (never inside the call that
 * started the work), `close()` is idempotent, asynchronous methods end in an error-first completion.
 */

/** ECMA-419 "Byte Buffer". Anything the HAL returns is an ArrayBuffer. */
export type ByteBuffer = ArrayBuffer | Uint8Array | DataView;

/** Closed set of runtime-failure codes (POSIX names where POSIX has one). */
export type HalErrorCode =
  | "EINVAL" // well-typed argument the host rejects (e.g. unsupported TLS version)
  | "EBADF" // instance or transaction already closed
  | "EBUSY" // resource already in use (second SMS receiver, second open transaction)
  | "ENOENT" // named domain or key does not exist where existence is required
  | "ENOSPC" // persistent storage full
  | "EIO" // storage or modem hardware failure
  | "EPERM" // the OS or the user denied the operation
  | "ENOTSUP" // capability present but this feature is not (e.g. no secure RNG)
  | "ETIMEDOUT" // operation exceeded its timeout
  | "ECANCELED" // cancelled by the host (never by the agent's own close())
  | "ENOTFOUND" // host name did not resolve
  | "ENETUNREACH" // no data connection
  | "ECONNREFUSED"
  | "ECONNRESET"
  | "ECERT" // server certificate not trusted, expired, or name mismatch
  | "ETLS"; // any other TLS handshake or record failure

/** A runtime failure, built by the host inside the VM. `message` reads "CODE: description". */
export interface HalError extends Error {
  readonly code: HalErrorCode;
}

/**
 * Error-first completion. Called exactly once, from the host's event loop, never from inside the call
 * that started the operation; `this` is the instance.
 */
export type Completion<T = void> = (error: HalError | null, result?: T) => void;

/** Opaque timer handle. */
export type TimerId = object | number;
