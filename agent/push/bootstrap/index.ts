// OMA CP and SyncML DM bootstrap (DESIGN.md §3): decode, authenticate, map to ./DMAcc. Pure code, no I/O.
export { decodeProvisioningDoc, provSyntax, PROV_LIMITS, type Characteristic, type Parm, type ProvisioningDoc, type ProvLimits } from "./provisioning-doc.js";
export { cpSecurity, cpSecurityFromWsp, imsiSemiOctets, verifyCpMac, type CpMacInput, type CpSecurity, type CpVerdict } from "./cp-security.js";
export { isW7, w7Init, w7ToDmacc, type DmaccAdd, type W7Options } from "./w7.js";
export { decodeNapdef, type NapAuth, type Napdef } from "./napdef.js";
export { dmBootstrapToDmacc, type DmBootstrapOptions } from "./dm-bootstrap.js";
export { bootstrapKind, planBootstrap, type BootstrapOptions, type BootstrapPlan } from "./bootstrap.js";
