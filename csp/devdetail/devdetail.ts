// ./DevDetail (OMA-TS-DM_StdObj-V1_2 §5.2): versions and the URI limits CM2 enforces. Read-only.
import type { DeviceInformationRecord } from "../../hal/info.js";
import type { UriLimits } from "../../agent/cm/uri.js";
import type { DdfNode } from "../csp.js";
import { readOnlyCsp } from "../read-only.js";

const leaf = (name: string, format: DdfNode["format"] = "chr"): DdfNode => ({ name, access: ["Get"], format, occurrence: "One", scope: "Permanent" });

export const DEVDETAIL_DDF: DdfNode = {
  name: "DevDetail",
  access: ["Get"],
  format: "node",
  occurrence: "One",
  scope: "Permanent",
  children: [
    leaf("DevTyp"), leaf("OEM"), leaf("FwV"), leaf("SwV"), leaf("HwV"), leaf("LrgObj", "bool"),
    { name: "URI", access: ["Get"], format: "node", occurrence: "One", children: [leaf("MaxDepth"), leaf("MaxTotLen"), leaf("MaxSegLen")] },
    { name: "Ext", access: ["Get"], format: "node", occurrence: "ZeroOrOne", children: [{ access: ["Get"], format: "chr", occurrence: "ZeroOrMore" }] },
  ],
};

export function devDetailCsp(info: () => DeviceInformationRecord, limits: UriLimits) {
  return readOnlyCsp("DevDetail", DEVDETAIL_DDF, () => {
    const i = info();
    const values: Record<string, string> = {
      DevTyp: i.deviceType, OEM: i.oem ?? i.manufacturer, FwV: i.firmwareVersion, SwV: i.softwareVersion, HwV: i.hardwareVersion,
      LrgObj: "true",
      "URI/MaxDepth": String(limits.maxDepth), "URI/MaxTotLen": String(limits.maxTotalLength), "URI/MaxSegLen": String(limits.maxSegmentLength),
    };
    const ext = i.extensions ?? {};
    for (const k of Object.keys(ext)) if (k.indexOf("/") < 0 && k !== "") values[`Ext/${k}`] = String(ext[k]);
    return values;
  });
}
