// Job commands -> SyncML DM commands of the message model, numbered as they are placed in a message. Item data
// follows the encoding: octets travel as WBXML opaque data with Format bin, and in XML (which cannot carry them)
// as Base64 text with Format b64, which the device decodes to the same octets (OMA-TS-DM_RepPro-V1_2 §5.1).
import { base64Encode } from "../agent/bytes/base64.js";
import { utf8Encode } from "../agent/bytes/utf8.js";
import type { AlertCommand, Command, Encoding, Item, Meta } from "../agent/syncml/index.js";
import type { JobCommand, JobItem, UiAlert } from "./jobs.js";
import type { CommandRecord } from "./records.js";

/** A command placed in a message, and which record each CmdID in it (nested ones included) answers to. */
export interface Placed {
  command: Command;
  refs: Array<{ cmdId: string; record: CommandRecord }>;
}

export type IdSource = () => string;

/** The Data and Meta of an item as it goes on the wire in `encoding`. */
export function itemPayload(item: JobItem, encoding: Encoding): { meta?: Meta; data?: string | Uint8Array } {
  const meta: Meta = {};
  let data: string | Uint8Array | undefined = item.data;
  if (item.format) meta.format = item.format;
  if (item.type) meta.type = item.type;
  if (item.bytes) {
    if (item.format === "b64" || encoding === "xml") {
      data = base64Encode(item.bytes);
      meta.format = "b64";
    } else {
      data = item.bytes;
      meta.format = "bin";
    }
  }
  return { ...(Object.keys(meta).length ? { meta } : {}), ...(data !== undefined ? { data } : {}) };
}

/** Octets of data as the receiver counts them for Meta Size (the bytes of the Data element's content). */
export function dataSize(data: string | Uint8Array): number {
  return typeof data === "string" ? utf8Encode(data).length : data.length;
}

/**
 * The optional parameters of a user interaction alert, URL-encoded in the first Item (OMA-TS-DM_Protocol §2.5.3):
 * MINDT, MAXDT, DR, MAXLEN, IT, ET.
 */
export function uiOptions(a: UiAlert): string {
  const parts: string[] = [];
  const add = (k: string, v: string | number | undefined) => {
    if (v !== undefined) parts.push(`${k}=${encodeURIComponent(String(v))}`);
  };
  add("MINDT", a.minDT);
  add("MAXDT", a.maxDT);
  add("DR", a.defaultResponse);
  add("MAXLEN", a.maxLen);
  add("IT", a.inputType);
  add("ET", a.echoType);
  return parts.join("&");
}

function uiAlert(a: UiAlert, cmdId: string): AlertCommand {
  const options = uiOptions(a);
  const items: Item[] = [options ? { data: options } : {}, { data: a.text }];
  for (const c of a.choices ?? []) items.push({ data: c });
  return { kind: "Alert", cmdId, data: String(a.code), items };
}

/** Builds `c` with fresh CmdIDs from `nextId`; `record` is its CommandRecord (children matched by position). */
export function placeCommand(c: JobCommand, record: CommandRecord, nextId: IdSource, encoding: Encoding): Placed {
  const refs: Placed["refs"] = [];
  const build = (c: JobCommand, r: CommandRecord): Command => {
    const cmdId = nextId();
    refs.push({ cmdId, record: r });
    switch (c.kind) {
      case "Get":
      case "Delete":
        return { kind: c.kind, cmdId, items: c.items.map((i) => ({ target: { locURI: i.uri } })) };
      case "Add":
      case "Replace":
        return { kind: c.kind, cmdId, items: c.items.map((i) => ({ target: { locURI: i.uri }, ...itemPayload(i, encoding) })) };
      case "Exec":
        return {
          kind: "Exec", cmdId, items: [{ target: { locURI: c.item.uri }, ...itemPayload(c.item, encoding) }],
          ...(c.correlator !== undefined ? { correlator: c.correlator } : {}),
        };
      case "Copy":
        return { kind: "Copy", cmdId, items: c.items.map((i) => ({ target: { locURI: i.target }, source: { locURI: i.source } })) };
      case "Atomic":
      case "Sequence":
        return { kind: c.kind, cmdId, commands: c.commands.map((x, k) => build(x, r.children![k])) };
      case "Alert":
        return uiAlert(c, cmdId);
    }
  };
  return { command: build(c, record), refs };
}

/** A command that can travel as a large object: an Add or Replace of one item with data (§2.2). */
export function chunkable(c: JobCommand): c is { kind: "Add" | "Replace"; items: JobItem[] } {
  return (c.kind === "Add" || c.kind === "Replace") && c.items.length === 1 && (c.items[0].data !== undefined || c.items[0].bytes !== undefined);
}

/**
 * The next chunk of `data` from `offset` holding at most `budget` octets. Text is cut at character boundaries;
 * Base64 text at multiples of 4 characters, so every chunk decodes on its own and the chunks concatenate to the
 * whole (either reading of a chunked b64 object gives the same octets).
 */
export function nextChunk(data: string | Uint8Array, offset: number, budget: number, b64: boolean): { chunk: string | Uint8Array; end: number } {
  if (typeof data !== "string") {
    const end = Math.min(data.length, offset + Math.max(1, budget));
    return { chunk: data.subarray(offset, end), end };
  }
  if (b64) {
    const n = Math.max(4, budget - (budget % 4));
    const end = Math.min(data.length, offset + n);
    return { chunk: data.slice(offset, end), end };
  }
  let end = offset;
  let bytes = 0;
  while (end < data.length) {
    const cp = data.codePointAt(end)!;
    const w = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes + w > budget && end > offset) break;
    bytes += w;
    end += cp >= 0x10000 ? 2 : 1;
  }
  return { chunk: data.slice(offset, end), end };
}
