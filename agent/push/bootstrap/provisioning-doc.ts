// Decodes an OMA Client Provisioning wap-provisioningdoc (OMA-WAP-TS-ProvCont-V1_1) from WBXML
// (application/vnd.wap.connectivity-wbxml) or XML (text/vnd.wap.connectivity-xml), told apart by the first
// byte, into the model of prov-model.ts. Throws PushError and nothing else.
import { utf8Decode } from "../../bytes/utf8.js";
import { PushError } from "../errors.js";
import { PROV_LIMITS, ProvBuilder, provFail, type ProvLimits, type ProvisioningDoc } from "./prov-model.js";
import { readProvWbxml } from "./provisioning-wbxml.js";
import { readProvXml } from "./provisioning-xml.js";

export type { Characteristic, Parm, ProvisioningDoc, ProvLimits } from "./prov-model.js";
export { PROV_LIMITS } from "./prov-model.js";

/** "wbxml" when the first byte is a WBXML 1.1–1.3 version, "xml" when it is "<" (after a BOM and white space). */
export function provSyntax(bytes: Uint8Array): "wbxml" | "xml" | undefined {
  if (bytes[0] >= 1 && bytes[0] <= 3) return "wbxml";
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d) i++;
  return bytes[i] === 0x3c ? "xml" : undefined;
}

export function decodeProvisioningDoc(input: Uint8Array | string, limits?: Partial<ProvLimits>): ProvisioningDoc {
  const l: ProvLimits = { ...PROV_LIMITS, ...limits };
  const isText = typeof input === "string";
  if (!isText && !(input instanceof Uint8Array)) throw new PushError("bad-input", "wap-provisioningdoc: expected bytes or text");
  if (input.length > l.maxBytes) provFail("provisioning-limit", `${input.length} bytes, over ${l.maxBytes}`);
  const out = new ProvBuilder(l);
  if (isText) readProvXml(input, out);
  else {
    const syntax = provSyntax(input);
    if (syntax === "wbxml") readProvWbxml(input, out);
    else if (syntax === "xml") {
      const text = utf8Decode(input, true);
      if (text === undefined) provFail("bad-provisioning", "XML that is not UTF-8");
      readProvXml(text, out);
    } else provFail(input.length ? "bad-provisioning" : "truncated", "neither WBXML nor XML");
  }
  return out.result();
}
