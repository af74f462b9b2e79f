import type { Completion } from "./common.js";

/**
 * The native configuration store (the "registry"): hierarchical, typed, transactional. Keys are
 * "/"-joined segments: no empty segment, no leading or trailing "/", no segment "." or "..". Reads are
 * synchronous; every mutation goes through a transaction; only commit() is asynchronous, and it is durable.
 * The key "" names the domain's root: it always exists and reads as a node. Strings may hold any code
 * point; lone surrogates are not kept (a port storing UTF-8 cannot).
 */
export type ConfigValue =
  | { readonly type: "node" } // interior key with no value
  | { readonly type: "boolean"; readonly value: boolean }
  | { readonly type: "int32"; readonly value: number }
  | { readonly type: "int64"; readonly value: bigint }
  | { readonly type: "float64"; readonly value: number }
  | { readonly type: "string"; readonly value: string }
  | { readonly type: "buffer"; readonly value: ArrayBuffer };

export interface ConfigStore {
  /**
   * Open a subtree ("domain") rooted at `path` ("" is the whole store). Mode "r" makes begin() throw EPERM.
   * Throws EINVAL for a malformed path, EIO when the store cannot be read.
   */
  open(options: { readonly path: string; readonly mode?: "r" | "r+" }): ConfigDomain;
}

export interface ConfigReader {
  /** The value at `key` (relative to the domain), or undefined when absent. Throws EINVAL for a malformed key. */
  read(key: string): ConfigValue | undefined;
  /** Names of the immediate children of `key` ("" is the domain root), sorted by code unit. */
  children(key: string): string[];
}

export interface ConfigDomain extends ConfigReader {
  /**
   * Start the domain's transaction. One at a time: begin() throws EBUSY while any open transaction (of this
   * or another domain) covers the same key, an ancestor or a descendant; transactions on separate subtrees
   * run independently. After close, EBADF. The domain's own reads see committed data only.
   */
  begin(): ConfigTransaction;
  /** Idempotent; rolls back an open transaction. */
  close(): void;
}

export interface ConfigTransaction extends ConfigReader {
  /** Reads through the transaction see its own writes. Writing under a key creates its missing parents as "node". */
  write(key: string, value: ConfigValue): void;
  /** Deletes the key and everything below it; deleting a missing key is not an error. */
  delete(key: string): void;
  /**
   * All or nothing. The callback reports success only once the data is on non-volatile storage; on an
   * error (ENOSPC, EIO) nothing was applied. Either way the transaction is then closed (methods throw EBADF).
   */
  commit(callback: Completion): void;
  /** Synchronous discard; idempotent; closes the transaction. */
  rollback(): void;
}
