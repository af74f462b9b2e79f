// Item data <-> DM node values. Format and Type come from the Item's Meta, else the command's (RepPro: the
// command Meta is the default for its items); no Format means chr.
import type { DmFormat, DmValue } from "../../csp/csp.js";
import type { NodeResult } from "../cm/tree.js";
import { elementToXml, type Item, type ItemData, type Meta } from "../syncml/index.js";
import { base64Encode } from "../bytes/base64.js";
import { utf8Encode } from "../bytes/utf8.js";

const FORMATS: readonly string[] = ["b64", "bin", "bool", "chr", "int", "node", "null", "xml", "date", "time", "float"];

export function metaOf(item: Item, commandMeta: Meta | undefined): { format?: string; type?: string } {
  return { format: item.meta?.format ?? commandMeta?.format, type: item.meta?.type ?? commandMeta?.type };
}

/** A format this tree knows, else undefined (the caller answers 415). */
export function dmFormat(text: string | undefined): DmFormat | undefined {
  const f = (text ?? "chr").trim().toLowerCase();
  return FORMATS.indexOf(f) >= 0 ? (f as DmFormat) : undefined;
}

/** Text or bytes of item data; an embedded document becomes its XML text. */
export function dataOf(data: ItemData | undefined): string | Uint8Array {
  if (data === undefined) return "";
  if (typeof data === "string" || data instanceof Uint8Array) return data;
  return elementToXml(data, { declaration: false });
}

/** Bytes on the wire of a value (Size counts bytes). */
export function byteLength(data: string | Uint8Array): number {
  return typeof data === "string" ? utf8Encode(data).length : data.length;
}

export function toValue(format: DmFormat, type: string | undefined, data: string | Uint8Array): DmValue {
  return type === undefined ? { format, data } : { format, type, data };
}

/**
 * A Results item for one node. XML carries no raw bytes: a bin value goes as b64 text there, and as
 * WBXML opaque data otherwise.
 */
export function resultItem(r: NodeResult, binary: boolean): Item {
  let format: string = r.format;
  let data = r.data;
  if (data instanceof Uint8Array && !binary) {
    data = base64Encode(data);
    format = "b64";
  }
  const meta: Meta = { format };
  if (r.type && format !== "node") meta.type = r.type;
  const item: Item = { source: { locURI: r.uri }, meta };
  if (data !== undefined) item.data = data;
  return item;
}
