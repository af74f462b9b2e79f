// One transaction at a time on the native store. The HAL refuses overlapping transactions (EBUSY), and the
// agent has several writers (boot counter, push router, sessions, generic alerts): every one of them goes
// through here, so their transactions queue instead of colliding.
import type { ConfigDomain, ConfigReader, ConfigTransaction } from "../hal/config.js";
import { isHalError, settle } from "../hal/async.js";

/**
 * The store itself failed (begin refused, rollback impossible, commit died without a HAL code): unlike a
 * refused command, nothing after it can be trusted to reach the disk.
 */
export class StoreFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StoreFailure";
  }
}

const describe = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

/** Thrown by a transaction body to roll back without it being an error of the lock's caller. */
export class Rollback<T> {
  constructor(readonly value: T) {}
}

export class StoreLock {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(readonly domain: ConfigDomain) {}

  /** Runs `body` alone; resolves with its value once the previous holders are done. */
  exclusive<T>(body: () => Promise<T> | T): Promise<T> {
    const run = this.tail.then(body, body);
    this.tail = run.then(noop, noop);
    return run;
  }

  /**
   * begin() → body → commit, alone. A throw rolls back and rejects (a thrown `Rollback` resolves with its
   * value instead). A commit refused with ENOSPC or EIO rejects with that HAL error, nothing applied; any
   * other failure of the store itself rejects with StoreFailure.
   */
  runTransaction<T>(body: (tx: ConfigTransaction) => Promise<T> | T): Promise<T> {
    return this.exclusive(async () => {
      let tx: ConfigTransaction;
      try {
        tx = this.domain.begin();
      } catch (error) {
        throw new StoreFailure(`begin failed: ${describe(error)}`);
      }
      let value: T;
      try {
        value = await body(tx);
      } catch (error) {
        try {
          tx.rollback();
        } catch (failure) {
          throw new StoreFailure(`rollback failed: ${describe(failure)}`);
        }
        if (error instanceof Rollback) return error.value as T;
        throw error;
      }
      try {
        await settle((done) => tx.commit(done));
      } catch (error) {
        if (isHalError(error, "ENOSPC") || isHalError(error, "EIO")) throw error;
        throw new StoreFailure(`commit failed: ${describe(error)}`);
      }
      return value;
    });
  }
}

function noop(): void {}

/**
 * Committed data seen through the ConfigTransaction interface, for reads that need no transaction (a Get
 * outside Atomic, DevInfo for package 1): they take no lock and commit nothing. Writing through it is a bug.
 */
export function readView(reader: ConfigReader): ConfigTransaction {
  const refuse = (): never => {
    throw new TypeError("read-only view of the store");
  };
  return {
    read: (key) => reader.read(key),
    children: (key) => reader.children(key),
    write: refuse,
    delete: refuse,
    commit: refuse,
    rollback: () => undefined,
  };
}
