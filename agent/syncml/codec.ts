// The message codecs: bytes in, model out; model in, bytes or text out.
import { encodeText } from "./ascii.js";
import { SyncMLError } from "./errors.js";
import { withDefaults, type Limits } from "./limits.js";
import type { SyncMLMessage, XmlElement } from "./model.js";
import { messageToTree } from "./model-to-tree.js";
import { treeToMessage } from "./tree-to-model.js";
import { readWbxmlDocument, type WbxmlHeader } from "./wbxml-read.js";
import { writeWbxml, type WbxmlWriteOptions } from "./wbxml-write.js";
import { readXml } from "./xml-read.js";
import { writeXml, type XmlWriteOptions } from "./xml-write.js";

export type Encoding = "xml" | "wbxml";

/** XML starts with `<` (after a BOM or whitespace); WBXML with its version byte (1.1–1.3 are 0x01–0x03). */
export function detectEncoding(bytes: Uint8Array): Encoding | undefined {
  if (bytes[0] < 0x09) return "wbxml";
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d) i++;
  return bytes[i] === 0x3c ? "xml" : undefined;
}

export interface DecodedTree {
  encoding: Encoding;
  root: XmlElement;
  /** For WBXML: what the header said. */
  wbxml?: WbxmlHeader;
}

/** Any XML or WBXML document (SyncML, TNDS, DevInf) as an element tree, before the message model. */
export function decodeTree(input: Uint8Array | string, limits?: Partial<Limits>): DecodedTree {
  const l = withDefaults(limits);
  if (typeof input === "string") return { encoding: "xml", root: readXml(input, l) };
  const encoding = detectEncoding(input);
  if (encoding === "xml") return { encoding, root: readXml(input, l) };
  if (encoding === "wbxml") {
    const { header, root } = readWbxmlDocument(input, l);
    return { encoding, root, wbxml: header };
  }
  throw new SyncMLError("unknown-encoding", input.length ? `first byte 0x${input[0].toString(16)} is neither XML nor WBXML` : "empty message");
}

export function decodeXml(input: string | Uint8Array, limits?: Partial<Limits>): SyncMLMessage {
  return treeToMessage(readXml(input, withDefaults(limits)));
}

export function decodeWbxml(bytes: Uint8Array, limits?: Partial<Limits>): SyncMLMessage {
  return treeToMessage(readWbxmlDocument(bytes, withDefaults(limits)).root);
}

/** Decodes a message in either syntax, told apart by its first bytes. */
export function decodeMessage(bytes: Uint8Array, limits?: Partial<Limits>): SyncMLMessage {
  return treeToMessage(decodeTree(bytes, limits).root);
}

/** XML text of a message; compact (the wire form) unless `indent` is given. */
export function encodeXml(msg: SyncMLMessage, opts?: XmlWriteOptions): string {
  return writeXml(messageToTree(msg), opts);
}

/** The XML message as the UTF-8 bytes that go on the wire. */
export function encodeXmlBytes(msg: SyncMLMessage, opts?: XmlWriteOptions): Uint8Array {
  return encodeText(encodeXml(msg, opts));
}

export function encodeWbxml(msg: SyncMLMessage, opts?: WbxmlWriteOptions): Uint8Array {
  return writeWbxml(messageToTree(msg, true), opts);
}
