// ./DevInfo (OMA-TS-DM_StdObj-V1_2 §5.1): who the device is, sent to the server in package 1. Read-only.
import type { DeviceInformationRecord } from "../../hal/info.js";
import type { DdfNode } from "../csp.js";
import { readOnlyCsp } from "../read-only.js";

const leaf = (name: string): DdfNode => ({ name, access: ["Get"], format: "chr", occurrence: "One", scope: "Permanent" });

export const DEVINFO_DDF: DdfNode = {
  name: "DevInfo",
  access: ["Get"],
  format: "node",
  occurrence: "One",
  scope: "Permanent",
  children: [leaf("DevId"), leaf("Man"), leaf("Mod"), leaf("DmV"), leaf("Lang"), { name: "Ext", access: ["Get"], format: "node", occurrence: "ZeroOrOne" }],
};

export function devInfoCsp(info: () => DeviceInformationRecord) {
  return readOnlyCsp("DevInfo", DEVINFO_DDF, () => {
    const i = info();
    return { DevId: i.deviceId, Man: i.manufacturer, Mod: i.model, DmV: "1.2", Lang: i.language };
  });
}
