// The client's side of a package: commands waiting to go to the server, packed into messages that fit the
// server's MaxMsgSize (DM_Protocol §8.8, multiple messages in a package). A command is never split across
// messages, except a single item too large for one message: that goes as a large object in chunks
// (MoreData, Size on the first), and nothing else goes into a message after a chunk.
import type { Command, Item, SyncHdr, SyncMLMessage } from "../syncml/index.js";

export interface Queued {
  cmd: Command;
  /** What the session wants to know about this command's fate ("alert:<id>", "chunk:<n>", ...). */
  tag?: string;
  /** The rest of a chunked item: its first chunk (with Size) went already. */
  continued?: boolean;
}

export interface Built {
  readonly message: SyncMLMessage;
  readonly bytes: Uint8Array;
  /** Commands in the message, with the CmdID they got. */
  readonly sent: Queued[];
}

export interface BuildOptions {
  /** Bytes the message may take (the server's MaxMsgSize). */
  readonly limit: number;
  /** The server's package is complete: the client may close its own with Final. */
  readonly serverDone: boolean;
  readonly encode: (message: SyncMLMessage) => Uint8Array;
  /** XML (escaped text) or WBXML (UTF-8 strings and opaque bytes): how chunk sizes are estimated. */
  readonly xml: boolean;
}

/** Room kept for the Alert 1222 a message may end with, and for estimation slack. */
const RESERVE = 96;
const TINY = { verDTD: "1.2", verProto: "", sessionId: "", msgId: "", target: { locURI: "" }, source: { locURI: "" } };

export class Outbox {
  private queue: Queued[] = [];
  private chunks = 0;

  push(cmd: Command, tag?: string): void {
    this.queue.push({ cmd, tag });
  }

  /** First in the next message (the Status for the server's SyncHdr). */
  pushFront(cmd: Command, tag?: string): void {
    this.queue.unshift({ cmd, tag });
  }

  get length(): number {
    return this.queue.length;
  }

  /** True when only what `ignore` accepts is waiting. */
  only(ignore: (q: Queued) => boolean): boolean {
    return this.queue.every(ignore);
  }

  /** Forgets what is still waiting under `tag` (the rest of an object the server refused). */
  drop(tag: string): void {
    this.queue = this.queue.filter((q) => q.tag !== tag);
  }

  clear(): void {
    this.queue = [];
  }

  /** The next message: as many waiting commands as fit, Final when everything went and the server is done. */
  build(header: SyncHdr, o: BuildOptions): Built {
    const shell = (commands: Command[], final: boolean): SyncMLMessage => ({ header, body: { commands, final } });
    const base = o.encode(shell([], true)).length;
    // A command encodes to the same bytes whatever the header says: it is measured in a message with an
    // empty header, which costs a fraction of encoding the real one for every command.
    const tiny = (commands: Command[]): SyncMLMessage => ({ header: TINY, body: { commands, final: true } });
    const tinyBase = o.encode(tiny([])).length;
    const measure = (c: Command) => o.encode(tiny([c])).length - tinyBase;
    const budget = o.limit - base - RESERVE;
    const sent: Queued[] = [];
    let used = 0;
    let id = 1;
    for (;;) {
      const next = this.queue[0];
      if (!next) break;
      next.cmd.cmdId = String(id);
      const size = measure(next.cmd);
      if (used + size <= budget) {
        sent.push(this.queue.shift()!);
        used += size;
        id++;
        continue;
      }
      if (size <= budget && sent.length) break; // fits a message of its own: the next one
      const parts = this.split(next, budget - used, measure, o.xml);
      if (parts) {
        this.queue.splice(0, 1, ...parts.rest);
        if (parts.head) {
          sent.push(parts.head);
          id++;
          if (parts.chunked) break; // nothing may follow a chunk in its message
        }
        continue;
      }
      if (!sent.length) {
        // Cannot be made to fit: sent alone, the server answers it (413) rather than the session stalling.
        sent.push(this.queue.shift()!);
        id++;
      }
      break;
    }
    for (;;) {
      const final = o.serverDone && this.queue.length === 0;
      const commands = sent.map((q) => q.cmd);
      // The server's package goes on and the client has nothing more: ask for the next message (DM_Protocol §8.8).
      if (!o.serverDone && this.queue.length === 0) commands.push({ kind: "Alert", cmdId: String(sent.length + 1), data: "1222", items: [] });
      const message = shell(commands, final);
      const bytes = o.encode(message);
      // Sizes are measured one command at a time: should the sum be off, the last command waits for the next message.
      if (bytes.length <= o.limit || sent.length < 2) return { message, bytes, sent };
      this.queue.unshift(sent.pop()!);
    }
  }

  /**
   * Splits a command that does not fit in `room`: a multi-item Results or Replace into one command per item,
   * a single item with text or bytes into a chunk that fits and the rest. undefined when it cannot be split.
   */
  private split(q: Queued, room: number, measure: (c: Command) => number, xml: boolean): { head?: Queued; rest: Queued[]; chunked: boolean } | undefined {
    const c = q.cmd;
    if (c.kind !== "Results" && c.kind !== "Replace") return undefined;
    if (c.items.length > 1) {
      return { rest: c.items.map((item) => ({ cmd: { ...c, items: [item] } as Command, tag: q.tag })), chunked: false };
    }
    const item = c.items[0];
    const data = item?.data;
    if (!item || (typeof data !== "string" && !(data instanceof Uint8Array))) return undefined;
    const tag = q.tag ?? `chunk:${++this.chunks}`;
    // Size goes with the first chunk only; continuations are queued without it.
    const first = !q.continued;
    const meta = { ...item.meta };
    const total = typeof data === "string" ? utf8Length(data) : data.length;
    const headMeta = first ? { ...meta, size: total } : { ...meta };
    delete (meta as { size?: number }).size;
    const make = (d: string | Uint8Array, more: boolean, m: typeof meta): Command => {
      const it: Item = { ...item, meta: m, data: d };
      if (more) it.moreData = true;
      else delete it.moreData;
      return { ...c, items: [it] } as Command;
    };
    // Empty Data is written as an empty element: the envelope is measured around one character, and a few
    // bytes are kept for the text's own framing (WBXML STR_I, opaque length).
    const envelope = measure(make(typeof data === "string" ? "x" : new Uint8Array(1), true, headMeta)) + 8;
    let avail = room - envelope;
    if (avail < 64) return undefined;
    for (let tries = 0; tries < 8; tries++) {
      // The whole item did not fit: whatever the estimate says, a chunk leaves something for later.
      let n = Math.min(data.length - 1, typeof data === "string" ? fitText(data, avail, xml) : avail);
      if ((meta.format ?? "").toLowerCase() === "b64") n -= n % 4;
      if (n <= 0) return undefined;
      const head = make(data.slice(0, n), true, headMeta);
      if (measure(head) <= room) {
        return { head: { cmd: head, tag }, rest: [{ cmd: make(data.slice(n), false, meta), tag, continued: true }], chunked: true };
      }
      avail = Math.floor(avail * 0.9);
    }
    return undefined;
  }
}

/** Bytes of `s` in UTF-8. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdbff ? (i++, 4) : 3;
  }
  return n;
}

/** How many characters of `s` fit in `room` bytes once encoded (XML escapes counted), never ending inside a surrogate pair. */
function fitText(s: string, room: number, xml: boolean): number {
  let used = 0;
  let i = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let cost = c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
    if (xml && (c === 0x26 || c === 0x0d)) cost = 5;
    else if (xml && (c === 0x3c || c === 0x3e)) cost = 4;
    if (c >= 0xd800 && c <= 0xdbff) cost = 4;
    if (used + cost > room) break;
    used += cost;
    if (c >= 0xd800 && c <= 0xdbff) i++;
  }
  return Math.min(i, s.length);
}
