// The CSPs every device has, and the factory defaults of the tree they make.
import type { Device } from "../hal/device.js";
import type { UriLimits } from "../agent/cm/uri.js";
import type { Csp } from "./csp.js";
import { devInfoCsp } from "./devinfo/devinfo.js";
import { devDetailCsp } from "./devdetail/devdetail.js";
import { dmaccCsp } from "./dmacc/dmacc.js";

export function standardCsps(device: Device, limits: UriLimits): Csp[] {
  const info = () => device.info.read();
  return [devInfoCsp(info), devDetailCsp(info, limits), dmaccCsp()];
}

/**
 * Factory ACLs, applied when the store has none: every server may read the tree and add under the root
 * (./Vendor subtrees, new DMAcc accounts); each account and what it adds is then governed by the ACLs
 * servers set. DevInfo and DevDetail are read-only by their DDF whatever the ACL says.
 */
export const FACTORY_ROOT_ACL = "Add=*&Get=*&Replace=*";
