// OMA DM status codes the DPU returns (OMA-TS-DM_RepPro-V1_2 §10, SyncML RepPro 1.2 §10), and the mapping of
// whatever a command threw onto one of them.
import { isHalError } from "../../hal/async.js";
import { DmStatusError } from "../../csp/csp.js";
import type { Command, Item, StatusCommand } from "../syncml/index.js";

export const OK = 200;
export const ACCEPTED = 202;
export const AUTH_ACCEPTED = 212;
export const CHUNK_ACCEPTED = 213;
export const CANCELLED = 214;
export const NOT_EXECUTED = 215;
export const ATOMIC_ROLLED_BACK = 216;
export const NO = 304;
export const BAD_REQUEST = 400;
export const INVALID_CREDENTIALS = 401;
export const NOT_FOUND = 404;
export const NOT_ALLOWED = 405;
export const NOT_SUPPORTED = 406;
export const MISSING_CREDENTIALS = 407;
export const TIMEOUT = 408;
export const TOO_LARGE = 413;
export const URI_TOO_LONG = 414;
export const SIZE_MISMATCH = 424;
export const DEVICE_FULL = 420;
export const FAILED = 500;
export const ATOMIC_FAILED = 507;
export const ATOMIC_ROLLBACK_FAILED = 516;

export const isSuccess = (code: number): boolean => code >= 200 && code < 300;

/** The status for an exception out of the tree, a CSP or the store. */
export function statusOf(error: unknown): number {
  if (error instanceof DmStatusError) return error.status;
  if (isHalError(error, "ENOSPC")) return DEVICE_FULL;
  return FAILED;
}

/** A Status for `command` (or one of its items), CmdID filled in when the message is built. */
export function statusFor(command: Command, msgRef: string, code: number, item?: Item, items: Item[] = []): StatusCommand {
  const target = item?.target?.locURI;
  const source = item?.source?.locURI;
  return {
    kind: "Status", cmdId: "", msgRef, cmdRef: command.cmdId,
    cmd: command.kind === "Unsupported" ? command.name : command.kind,
    targetRefs: target ? [target] : [], sourceRefs: source ? [source] : [],
    data: String(code), items,
  };
}
