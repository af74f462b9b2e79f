// Reassembly of concatenated SMS (3GPP TS 23.040 §9.2.3.24.1) with hard limits. Pure: the caller passes the
// monotonic time, persists snapshot() and acknowledges SMS ids; nothing here does I/O.
//
// Acknowledgement strategy supported: persist-then-acknowledge. After every add() the caller writes
// snapshot() to the config store, commits, and only then acknowledges the part's SMS id (and the ids of any
// dropped message): a reboot then loses nothing, because restore() brings the pending parts back, and the
// modem store never holds more than the parts of one message. The completed message carries every part id
// as well, for a caller that prefers to acknowledge only once the whole message is handled (it must then
// cope with the modem re-offering parts after a reboot; duplicates are recognised, see add()).
//
// Limits: when a new message or a new part would exceed maxMessages or maxBytes, the OLDEST pending messages
// are evicted (reported in `dropped`) to make room, rather than the new part refused: a sender who never
// completes a message cannot then block every later push until it expires. A message announcing more parts
// than maxParts, or a single message larger than maxBytes, is refused outright.
import { base64Decode, base64Encode } from "../bytes/base64.js";
import { PushError } from "./errors.js";
import type { SmsDeliver } from "./sms-pdu.js";

export interface ReassemblyLimits {
  /** Messages pending at once (default 16). */
  readonly maxMessages: number;
  /** Parts a message may announce (default 16; the UDH allows 255). */
  readonly maxParts: number;
  /** Octets of user data pending over all messages (default 64 KiB). */
  readonly maxBytes: number;
  /** Age in ms, from its first part, after which an incomplete message is dropped (default 5 minutes). */
  readonly maxAgeMs: number;
}

export const DEFAULT_REASSEMBLY_LIMITS: ReassemblyLimits = {
  maxMessages: 16,
  maxParts: 16,
  maxBytes: 64 * 1024,
  maxAgeMs: 5 * 60 * 1000,
};

/** One received part; `id` is the HAL SMS id, opaque here. */
export interface SmsPart {
  readonly id: string;
  readonly originator: string;
  readonly reference: number;
  readonly referenceBits: 8 | 16;
  readonly total: number;
  /** 1-based. */
  readonly seq: number;
  readonly destinationPort: number | undefined;
  readonly originPort: number | undefined;
  readonly data: Uint8Array;
}

interface MessageKey {
  readonly key: string;
  readonly originator: string;
  readonly reference: number;
  readonly referenceBits: 8 | 16;
  readonly destinationPort: number | undefined;
  readonly originPort: number | undefined;
}

export interface CompletedMessage extends MessageKey {
  readonly data: Uint8Array;
  /** Every SMS id that carried a part of it, duplicates included. */
  readonly ids: string[];
}

export type DropReason =
  | "expired" // older than maxAgeMs
  | "evicted" // oldest, dropped to make room under maxMessages or maxBytes
  | "conflict" // a part with the same sequence number but other octets, or another total: the reference was reused
  | "too-many-parts" // the part announces more than maxParts
  | "too-large" // the message alone would exceed maxBytes
  | "bad-part"; // total or sequence number out of range

export interface DroppedMessage {
  readonly key: string;
  readonly reason: DropReason;
  /** The SMS ids to acknowledge (the data is gone). */
  readonly ids: string[];
  readonly received: number;
  readonly total: number;
}

export interface AddResult {
  readonly status: "complete" | "pending" | "duplicate" | "rejected";
  readonly complete: CompletedMessage | undefined;
  /** Messages dropped by this call, possibly the part's own ("rejected"). */
  readonly dropped: DroppedMessage[];
}

/** Plain JSON data: the state to persist. */
export interface ReassemblySnapshot {
  readonly v: 1;
  readonly messages: ReadonlyArray<{
    readonly originator: string;
    readonly reference: number;
    readonly referenceBits: 8 | 16;
    readonly destinationPort: number | null;
    readonly originPort: number | null;
    readonly total: number;
    readonly ageMs: number;
    readonly parts: ReadonlyArray<{ readonly seq: number; readonly data: string; readonly ids: readonly string[] }>;
  }>;
}

interface Part {
  readonly data: Uint8Array;
  readonly ids: string[];
}

interface Pending extends MessageKey {
  readonly total: number;
  firstAt: number;
  readonly parts: Array<Part | undefined>;
  received: number;
  bytes: number;
}

/**
 * The reassembly part of a decoded SMS, or undefined when it is not a concatenated message. The parts' user
 * data octets are joined, which is right for 8-bit data (WAP push); text messages would join their `text`.
 */
export function partOf(id: string, sms: SmsDeliver): SmsPart | undefined {
  const c = sms.concat;
  if (!c) return undefined;
  return {
    id,
    originator: sms.originator.address,
    reference: c.reference,
    referenceBits: c.referenceBits,
    total: c.total,
    seq: c.seq,
    destinationPort: sms.ports ? sms.ports.destination : undefined,
    originPort: sms.ports ? sms.ports.origin : undefined,
    data: sms.userData,
  };
}

const port = (p: number | undefined) => (p === undefined ? "-" : String(p));

/** Parts are one message when originator, reference (and its width) and ports agree. */
function keyOf(k: Omit<MessageKey, "key">): string {
  return `${k.originator}|${k.referenceBits}:${k.reference}|${port(k.destinationPort)}:${port(k.originPort)}`;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const isInt = (v: unknown, min: number, max: number): v is number =>
  typeof v === "number" && Math.floor(v) === v && v >= min && v <= max;

export class Reassembler {
  readonly limits: ReassemblyLimits;
  private readonly pending = new Map<string, Pending>(); // insertion order = age order
  private bytes = 0;

  constructor(limits: Partial<ReassemblyLimits> = {}) {
    const l = { ...DEFAULT_REASSEMBLY_LIMITS, ...limits };
    if (!isInt(l.maxMessages, 1, 1e6) || !isInt(l.maxParts, 1, 255) || !isInt(l.maxBytes, 1, 1e9) || !(l.maxAgeMs > 0)) {
      throw new PushError("bad-input", "reassembly limits out of range");
    }
    this.limits = l;
  }

  /** Octets of user data held. Never above limits.maxBytes. */
  get pendingBytes(): number {
    return this.bytes;
  }

  get pendingMessages(): number {
    return this.pending.size;
  }

  /**
   * Adds one part. A part repeated with the same octets is a duplicate: its id joins the message's ids and
   * nothing else changes. A part repeated with other octets, or one announcing another total, means the
   * reference was reused (8-bit references wrap quickly): the older, incomplete message is dropped as
   * "conflict" and the part starts a new one. Expired messages are dropped first.
   */
  add(part: SmsPart, now: number): AddResult {
    const dropped = this.expire(now);
    const reject = (reason: DropReason): AddResult => {
      dropped.push({ key: reason === "bad-part" ? "" : keyOf(part), reason, ids: [part.id], received: 1, total: part.total });
      return { status: "rejected", complete: undefined, dropped };
    };
    if (!isInt(part.total, 1, 255) || !isInt(part.seq, 1, part.total) || !(part.data instanceof Uint8Array)) {
      return reject("bad-part");
    }
    if (part.total > this.limits.maxParts) return reject("too-many-parts");
    if (part.data.length > this.limits.maxBytes) return reject("too-large");

    const key = keyOf(part);
    let message = this.pending.get(key);
    if (message) {
      const existing = message.parts[part.seq - 1];
      if (message.total === part.total && existing && sameBytes(existing.data, part.data)) {
        if (existing.ids.indexOf(part.id) < 0) existing.ids.push(part.id);
        return { status: "duplicate", complete: undefined, dropped };
      }
      if (message.total !== part.total || existing) {
        dropped.push(this.drop(message, "conflict"));
        message = undefined;
      }
    }
    if (!message) {
      while (this.pending.size >= this.limits.maxMessages) dropped.push(this.drop(this.oldest()!, "evicted"));
      message = {
        key,
        originator: part.originator,
        reference: part.reference,
        referenceBits: part.referenceBits,
        destinationPort: part.destinationPort,
        originPort: part.originPort,
        total: part.total,
        firstAt: now,
        parts: new Array<Part | undefined>(part.total),
        received: 0,
        bytes: 0,
      };
      this.pending.set(key, message);
    }
    // Room for the octets: evict older messages; if this message alone is too big, it goes.
    while (this.bytes + part.data.length > this.limits.maxBytes) {
      const oldest = this.oldest()!;
      if (oldest === message) {
        dropped.push(this.drop(message, "too-large"));
        return reject("too-large");
      }
      dropped.push(this.drop(oldest, "evicted"));
    }
    message.parts[part.seq - 1] = { data: part.data.slice(), ids: [part.id] };
    message.received++;
    message.bytes += part.data.length;
    this.bytes += part.data.length;
    if (message.received < message.total) return { status: "pending", complete: undefined, dropped };

    this.remove(message);
    const data = new Uint8Array(message.bytes);
    const ids: string[] = [];
    let o = 0;
    for (const p of message.parts as Part[]) {
      data.set(p.data, o);
      o += p.data.length;
      for (const id of p.ids) ids.push(id);
    }
    const { key: k, originator, reference, referenceBits, destinationPort, originPort } = message;
    return {
      status: "complete",
      complete: { key: k, originator, reference, referenceBits, destinationPort, originPort, data, ids },
      dropped,
    };
  }

  /** Drops and returns the messages whose first part is at least maxAgeMs old. */
  expire(now: number): DroppedMessage[] {
    const out: DroppedMessage[] = [];
    this.pending.forEach((m) => {
      if (now - m.firstAt >= this.limits.maxAgeMs) out.push(this.drop(m, "expired"));
    });
    return out;
  }

  /**
   * The pending state as plain JSON data. Ages rather than times are stored: the monotonic clock restarts at
   * boot, so restore() counts a message's age from the restore (time spent powered off is not counted).
   */
  snapshot(now: number): ReassemblySnapshot {
    const messages: ReassemblySnapshot["messages"][number][] = [];
    this.pending.forEach((m) => {
      const parts: { seq: number; data: string; ids: string[] }[] = [];
      m.parts.forEach((p, i) => {
        if (p) parts.push({ seq: i + 1, data: base64Encode(p.data), ids: p.ids.slice() });
      });
      messages.push({
        originator: m.originator,
        reference: m.reference,
        referenceBits: m.referenceBits,
        destinationPort: m.destinationPort === undefined ? null : m.destinationPort,
        originPort: m.originPort === undefined ? null : m.originPort,
        total: m.total,
        ageMs: Math.max(0, now - m.firstAt),
        parts,
      });
    });
    return { v: 1, messages };
  }

  /**
   * Replaces the state with a snapshot. Throws PushError "bad-snapshot" (leaving the state as it was) when the
   * data is not a snapshot. The parts go through add(), so the current limits apply: what they push out is
   * returned in `dropped` (acknowledge those ids), and a message a snapshot somehow holds complete is returned.
   */
  restore(snapshot: unknown, now: number): { complete: CompletedMessage[]; dropped: DroppedMessage[] } {
    const parts = parseSnapshot(snapshot);
    this.pending.clear();
    this.bytes = 0;
    const complete: CompletedMessage[] = [];
    const dropped: DroppedMessage[] = [];
    for (const { part, ageMs } of parts) {
      const r = this.add(part, now);
      if (r.status === "pending") this.pending.get(keyOf(part))!.firstAt = now - ageMs;
      if (r.complete) complete.push(r.complete);
      for (const d of r.dropped) dropped.push(d);
    }
    for (const d of this.expire(now)) dropped.push(d);
    return { complete, dropped };
  }

  private oldest(): Pending | undefined {
    return this.pending.values().next().value;
  }

  private remove(m: Pending): void {
    this.pending.delete(m.key);
    this.bytes -= m.bytes;
  }

  private drop(m: Pending, reason: DropReason): DroppedMessage {
    this.remove(m);
    const ids: string[] = [];
    for (const p of m.parts) if (p) for (const id of p.ids) ids.push(id);
    return { key: m.key, reason, ids, received: m.received, total: m.total };
  }
}

/** Validates a snapshot completely before anything changes; yields its parts oldest message first, one per id. */
function parseSnapshot(s: unknown): { part: SmsPart; ageMs: number }[] {
  const bad: (why: string) => never = (why) => {
    throw new PushError("bad-snapshot", `reassembly snapshot: ${why}`);
  };
  const o = s as ReassemblySnapshot;
  if (typeof s !== "object" || s === null || o.v !== 1 || !Array.isArray(o.messages)) bad("not a version 1 snapshot");
  const messages = o.messages.slice();
  const out: { part: SmsPart; ageMs: number; order: number }[] = [];
  messages.forEach((m, order) => {
    if (typeof m !== "object" || m === null) bad("message is not an object");
    const { originator, reference, referenceBits, destinationPort, originPort, total, ageMs, parts } = m;
    if (typeof originator !== "string" || (referenceBits !== 8 && referenceBits !== 16)) bad("bad key");
    if (!isInt(reference, 0, referenceBits === 8 ? 0xff : 0xffff) || !isInt(total, 1, 255)) bad("bad reference or total");
    if (!(destinationPort === null || isInt(destinationPort, 0, 0xffff))) bad("bad port");
    if (!(originPort === null || isInt(originPort, 0, 0xffff))) bad("bad port");
    if (typeof ageMs !== "number" || !(ageMs >= 0) || !Array.isArray(parts)) bad("bad age or parts");
    for (const p of parts) {
      if (typeof p !== "object" || p === null || !isInt(p.seq, 1, total) || !Array.isArray(p.ids)) bad("bad part");
      const data = typeof p.data === "string" ? base64Decode(p.data) : undefined;
      if (!data || p.ids.length === 0) bad("bad part data");
      for (const id of p.ids) {
        if (typeof id !== "string") bad("bad part id");
        out.push({
          ageMs,
          order,
          part: {
            id,
            originator,
            reference,
            referenceBits,
            total,
            seq: p.seq,
            destinationPort: destinationPort === null ? undefined : destinationPort,
            originPort: originPort === null ? undefined : originPort,
            data: data as Uint8Array,
          },
        });
      }
    }
  });
  // Oldest first, so that the pending map's insertion order is age order again.
  out.sort((a, b) => b.ageMs - a.ageMs || a.order - b.order);
  return out;
}
