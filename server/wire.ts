// The HTTP binding's view of a message (OMA-TS-DM_HTTPBinding / OMA-TS-DM_RepPro-V1_2 §2.1): the two media types,
// and encoding a message in the syntax the device used.
import type { Encoding, SyncHdr, SyncMLMessage } from "../agent/syncml/index.js";
import { encodeWbxml, encodeXmlBytes } from "../agent/syncml/index.js";

export const MEDIA_TYPE: Readonly<Record<Encoding, string>> = {
  xml: "application/vnd.syncml.dm+xml",
  wbxml: "application/vnd.syncml.dm+wbxml",
};

/** The encoding a Content-Type names (parameters such as charset ignored), or undefined. */
export function encodingOf(contentType: string | undefined): Encoding | undefined {
  const t = (contentType ?? "").split(";")[0].trim().toLowerCase();
  if (t === MEDIA_TYPE.xml) return "xml";
  if (t === MEDIA_TYPE.wbxml) return "wbxml";
  return undefined;
}

export function encodeMessage(msg: SyncMLMessage, encoding: Encoding): Uint8Array {
  return encoding === "wbxml" ? encodeWbxml(msg) : encodeXmlBytes(msg);
}

/** A reply outside any session: Status `code` on the device's SyncHdr, then Final (e.g. 505, version not supported). */
export function headerOnlyReply(h: SyncHdr, code: string, source: string): SyncMLMessage {
  return {
    header: { verDTD: "1.2", verProto: "DM/1.2", sessionId: h.sessionId, msgId: "1", target: { locURI: h.source.locURI }, source: { locURI: h.target.locURI || source } },
    body: {
      commands: [{ kind: "Status", cmdId: "1", msgRef: h.msgId, cmdRef: "0", cmd: "SyncHdr", targetRefs: [h.target.locURI], sourceRefs: [h.source.locURI], data: code, items: [] }],
      final: true,
    },
  };
}
