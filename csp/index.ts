// The CSPs every device has, and the factory defaults of the tree they make.
import type { Device } from "../hal/device.js";
import type { UriLimits } from "../agent/cm/uri.js";
import type { Csp } from "./csp.js";
import { devInfoCsp } from "./devinfo/devinfo.js";
import { devDetailCsp } from "./devdetail/devdetail.js";
import { dmaccCsp } from "./dmacc/dmacc.js";
import { activeSyncCsp } from "./activesync/activesync.js";
import { registryCsp } from "./registry/registry.js";

export function standardCsps(device: Device, limits: UriLimits): Csp[] {
  const info = () => device.info.read();
  return [devInfoCsp(info), devDetailCsp(info, limits), dmaccCsp(), activeSyncCsp(), registryCsp()];
}

export { FACTORY_ACLS, FACTORY_ROOT_ACL, OPERATOR, applyFactoryDefaults, type FactoryAcl } from "./factory-defaults.js";
