// The emulated modem's SMS receiver. Messages wait in an inbox file until the agent acknowledges them, so an
// emulated reboot offers unacknowledged messages again, as a modem's SIM or flash store would.
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import type { HalError } from "../common.js";
import type { SMS, SMSConstructor, SMSMessage, SMSOptions } from "../sms.js";
import { halError } from "./hal-error.js";

interface Stored {
  id: string;
  pdu: string; // hex
  receivedAt: number;
}

export class Modem {
  private inbox: Stored[] = [];
  private nextId = 1;
  private receiver: EmulatedSMS | undefined;

  /** `file`: where the inbox persists (none: memory only). `now`: the wall clock for receivedAt. */
  constructor(private readonly file: string | undefined, private readonly now: () => number) {
    if (file && existsSync(file)) {
      const saved = JSON.parse(readFileSync(file, "utf8")) as { next: number; inbox: Stored[] };
      this.inbox = saved.inbox;
      this.nextId = saved.next;
    }
  }

  private save(): void {
    if (!this.file) return;
    writeFileSync(this.file + ".tmp", JSON.stringify({ next: this.nextId, inbox: this.inbox }));
    renameSync(this.file + ".tmp", this.file);
  }

  /** A PDU arrives from the network (hex or bytes, SMSC address included). */
  inject(pdu: string | Uint8Array): string {
    const hex = typeof pdu === "string" ? pdu.replace(/\s+/g, "").toLowerCase() : Buffer.from(pdu).toString("hex");
    if (!/^([0-9a-f]{2})+$/.test(hex)) throw new TypeError("an SMS PDU is an even number of hex digits");
    const id = String(this.nextId++);
    this.inbox.push({ id, pdu: hex, receivedAt: this.now() });
    this.save();
    this.receiver?.arrived();
    return id;
  }

  /** Messages not yet acknowledged. */
  waiting(): number {
    return this.inbox.length;
  }

  /** The modem dies: an open receiver gets onError(EIO). */
  fail(): void {
    this.receiver?.failed(halError("EIO", "modem gone"));
  }

  /** The constructor the device publishes as device.io.SMS. */
  constructorFor(): SMSConstructor {
    const modem = this;
    return class extends EmulatedSMS {
      constructor(options: SMSOptions) {
        super(modem, options);
      }
    };
  }

  /** @internal */ attach(receiver: EmulatedSMS): void {
    if (this.receiver) throw halError("EBUSY", "an SMS receiver is already open");
    this.receiver = receiver;
  }
  /** @internal */ detach(receiver: EmulatedSMS): void {
    if (this.receiver === receiver) this.receiver = undefined;
  }
  /** @internal */ first(): SMSMessage | undefined {
    const m = this.inbox[0];
    if (!m) return undefined;
    const bytes = Buffer.from(m.pdu, "hex");
    return { id: m.id, pdu: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length), standard: "3gpp", receivedAt: m.receivedAt };
  }
  /** @internal */ remove(id: string): void {
    const before = this.inbox.length;
    this.inbox = this.inbox.filter((m) => m.id !== id);
    if (this.inbox.length !== before) this.save();
  }
}

class EmulatedSMS implements SMS {
  readonly format = "object" as const;
  target: unknown;
  private closed = false;
  private scheduled = false;

  constructor(private readonly modem: Modem, private readonly options: SMSOptions) {
    if (options === null || typeof options !== "object") throw new TypeError("SMS: options object required");
    modem.attach(this);
    this.target = options.target;
    if (modem.waiting()) this.arrived();
  }

  /** @internal Schedules onReadable from the event loop, once per batch. */
  arrived(): void {
    if (this.closed || this.scheduled || !this.options.onReadable) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.closed && this.modem.waiting()) this.options.onReadable!.call(this, this.modem.waiting());
    });
  }

  /** @internal */
  failed(error: HalError): void {
    if (this.closed) return;
    setImmediate(() => {
      if (!this.closed) this.options.onError?.call(this, error);
    });
  }

  read(): SMSMessage | undefined {
    if (this.closed) throw halError("EBADF", "SMS receiver closed");
    return this.modem.first();
  }

  acknowledge(id: string): void {
    if (this.closed) throw halError("EBADF", "SMS receiver closed");
    this.modem.remove(String(id));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.modem.detach(this);
  }
}
