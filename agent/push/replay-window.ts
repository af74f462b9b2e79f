// Replay defence for DM notifications: the digests of the last notifications acted upon. Pure and bounded;
// the Push Router persists snapshot() with the rest of its state.
//
// A notification's digest covers the server id, session id, trigger and the nonce, so an identical digest is
// the same message again: either a replay, or the server re-triggering a session it already triggered,
// which OMA-TS-DM_Notification-V1_2 §6.2.2.10 says needs only one session. Once a session has run, the server
// normally sends a new nonce (Chal), and older notifications then fail the digest check anyway; the window
// only has to cover the time between.
import { hexEncode } from "../bytes/hex.js";
import { PushError } from "./errors.js";
import type { Notification } from "./notification.js";

/** The replay key of a notification: its server id and digest. */
export function replayKey(n: Notification): string {
  return `${n.serverId}:${hexEncode(n.digest)}`;
}

export class ReplayWindow {
  private keys: string[] = [];

  /** Keeps the newest `capacity` keys (first in, first out). */
  constructor(readonly capacity = 64) {}

  has(key: string): boolean {
    return this.keys.indexOf(key) >= 0;
  }

  /** Records `key`; false when it was already recorded (a replay), true when it is new. */
  record(key: string): boolean {
    if (this.has(key)) return false;
    this.keys.push(key);
    if (this.keys.length > this.capacity) this.keys.splice(0, this.keys.length - this.capacity);
    return true;
  }

  /** Plain JSON data, oldest first. */
  snapshot(): string[] {
    return this.keys.slice();
  }

  /** Throws PushError "bad-snapshot" (state unchanged) unless `keys` is an array of strings. */
  restore(keys: unknown): void {
    if (!Array.isArray(keys) || keys.some((k) => typeof k !== "string")) {
      throw new PushError("bad-snapshot", "replay window: not an array of strings");
    }
    this.keys = (keys as string[]).slice(Math.max(0, keys.length - this.capacity));
  }
}
