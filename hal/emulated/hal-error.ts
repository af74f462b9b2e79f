// The emulated HAL's runtime failures: plain Errors carrying a `code`, shaped exactly as a port builds them
// inside the VM (message "CODE: description"), so agent code and tests only ever rely on `code`.
import type { HalError, HalErrorCode } from "../common.js";

export function halError(code: HalErrorCode, message: string): HalError {
  const error = new Error(`${code}: ${message}`) as Error & { code: HalErrorCode };
  error.code = code;
  return error;
}
