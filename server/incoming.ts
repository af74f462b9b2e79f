// What the device sends the server, as the records keep it: items (Results, DevInfo, alert items) and large
// objects arriving in chunks (OMA-TS-DM_Protocol-V1_2 §2.2: MoreData on every chunk but the last, Size on the
// first), buffered until the last chunk.
import { base64Decode, base64Encode } from "../agent/bytes/base64.js";
import { utf8Encode } from "../agent/bytes/utf8.js";
import type { Item, Meta } from "../agent/syncml/index.js";
import { elementToXml } from "../agent/syncml/index.js";
import { dataSize } from "./job-commands.js";
import type { ResultItem } from "./records.js";

/** An item the device sent, as the records keep it (binary as Base64, an embedded document as XML text). */
export function resultItem(item: Item, cmdMeta: Meta | undefined, data: Item["data"] = item.data): ResultItem {
  const out: ResultItem = {};
  const source = item.source?.locURI ?? item.target?.locURI;
  if (source !== undefined) out.source = source;
  const format = item.meta?.format ?? cmdMeta?.format;
  const type = item.meta?.type ?? cmdMeta?.type;
  if (format !== undefined) out.format = format;
  if (type !== undefined) out.type = type;
  if (typeof data === "string") out.data = data;
  else if (data instanceof Uint8Array) {
    out.data = base64Encode(data);
    out.dataEncoding = "base64";
  } else if (data) {
    out.data = elementToXml(data, { declaration: false });
    out.dataEncoding = "xml";
  }
  return out;
}

/** A complete item: its first chunk's Item (Source, Meta) and all the data. */
export interface Whole {
  item: Item;
  data: Item["data"];
  /** The Size the first chunk announced, when the object came in chunks. */
  announced?: number;
}

interface Pending {
  parts: Array<string | Uint8Array>;
  bytes: number;
  first: Item;
}

export class ChunkBuffer {
  private readonly pending = new Map<string, Pending>();
  /** Octets buffered over all objects: the session aborts past its MaxObjSize. */
  bytes = 0;

  /** The whole item, or undefined while chunks of `key` (command, reference, URI) are still to come. */
  take(key: string, item: Item): Whole | undefined {
    const p = this.pending.get(key);
    const part = item.data ?? "";
    if (typeof part !== "string" && !(part instanceof Uint8Array)) {
      this.drop(key);
      return { item, data: part }; // an embedded document is never chunked
    }
    if (item.moreData) {
      const q = p ?? { parts: [], bytes: 0, first: item };
      q.parts.push(part);
      q.bytes += dataSize(part);
      this.bytes += dataSize(part);
      this.pending.set(key, q);
      return undefined;
    }
    if (!p) return { item, data: item.data };
    this.drop(key);
    p.parts.push(part);
    const first: Item = { ...p.first, moreData: false };
    const announced = p.first.meta?.size;
    const data = p.parts.every((x) => typeof x === "string") ? p.parts.join("") : concat(p.parts.map((x) => (typeof x === "string" ? utf8Encode(x) : x)));
    return { item: first, data, ...(announced !== undefined ? { announced } : {}) };
  }

  private drop(key: string): void {
    const p = this.pending.get(key);
    if (!p) return;
    this.bytes -= p.bytes;
    this.pending.delete(key);
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, x) => n + x.length, 0));
  let at = 0;
  for (const x of parts) {
    out.set(x, at);
    at += x.length;
  }
  return out;
}

/**
 * A reassembled object whose size differs from the announced Size (§2.2: 424 on a command; Results have no
 * Status, so it is recorded). For b64 data either reading of Size (the text, or the decoded octets) is accepted.
 */
export function sizeMismatch(w: Whole, format: string | undefined): { announced: number; received: number } | undefined {
  if (w.announced === undefined || w.data === undefined || (typeof w.data !== "string" && !(w.data instanceof Uint8Array))) return undefined;
  const received = dataSize(w.data);
  if (received === w.announced) return undefined;
  if (format === "b64" && typeof w.data === "string" && base64Decode(w.data)?.length === w.announced) return undefined;
  return { announced: w.announced, received };
}
