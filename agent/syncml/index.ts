// The SyncML DM representation layer: message model, XML and WBXML codecs, TNDS, validation.
export type * from "./model.js";
export { SyncMLError, type SyncMLErrorCode } from "./errors.js";
export { DEFAULT_LIMITS, type Limits } from "./limits.js";
export {
  decodeMessage, decodeXml, decodeWbxml, decodeTree, detectEncoding, encodeXml, encodeXmlBytes, encodeWbxml,
  type DecodedTree, type Encoding,
} from "./codec.js";
export type { XmlWriteOptions } from "./xml-write.js";
export { writeXml as elementToXml } from "./xml-write.js";
export type { WbxmlWriteOptions } from "./wbxml-write.js";
export type { WbxmlHeader } from "./wbxml-read.js";
export { validateMessage, type Problem } from "./validate.js";
export {
  decodeTnds, encodeTnds, encodeTndsWbxml, tndsToElement, TNDS_XML, TNDS_WBXML,
  type TndsTree, type TndsNode, type TndsProps,
} from "./tnds.js";
