import type { HalError } from "./common.js";

/** Options for the SMS receiver (ECMA-419 IO class pattern, read-only, format "object"). */
export interface SMSOptions {
  /** Hint: the agent only wants messages for these application ports (2948: WAP Push). */
  readonly ports?: readonly number[];
  /** Messages are waiting; `count` is how many. Fires once per arrival batch, from the event loop. */
  onReadable?(this: SMS, count: number): void;
  /** The receiver is dead (modem gone); only close() remains valid. */
  onError?(this: SMS, error: HalError): void;
  readonly target?: unknown;
}

/** One received short message, exactly as the modem delivered it. */
export interface SMSMessage {
  /** Host handle, stable until acknowledge(id); survives a reboot when the modem store does. */
  readonly id: string;
  /** Raw SMS-DELIVER TPDU in PDU mode, SMSC address included (3GPP TS 27.005 / 23.040). */
  readonly pdu: ArrayBuffer;
  readonly standard: "3gpp" | "3gpp2";
  /** Wall-clock ms when received; NaN when unknown. */
  readonly receivedAt: number;
}

export interface SMS {
  readonly format: "object";
  target: unknown;
  /** The oldest waiting message not yet acknowledged, or undefined. Does not remove it. Throws EBADF after close. */
  read(): SMSMessage | undefined;
  /**
   * The agent has durably handled the message: the host may delete it, and read() moves on. Until then the
   * message is offered again after a restart. Unknown id: no-op. Throws EBADF after close.
   */
  acknowledge(id: string): void;
  /** Idempotent. No callback runs after close. */
  close(): void;
}

/** Throws EBUSY when a receiver is already open, EIO when there is no modem. */
export interface SMSConstructor {
  new (options: SMSOptions): SMS;
}
