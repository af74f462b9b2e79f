// The one place where HAL completions become promises: agent/ and csp/ use async/await and never see a
// Completion. Runs inside the bundle, so ES2020 and no host globals.
import type { Completion, HalError, HalErrorCode } from "./common.js";

/** Runs `start` with a completion and settles with its outcome. A second call of the completion is ignored. */
export function settle<T = void>(start: (callback: Completion<T>) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let done = false;
    start((error, result) => {
      if (done) return;
      done = true;
      if (error) reject(error);
      else resolve(result as T);
    });
  });
}

/** True when `value` is a HAL runtime failure, optionally with the given code. */
export function isHalError(value: unknown, code?: HalErrorCode): value is HalError {
  if (typeof value !== "object" || value === null) return false;
  const c = (value as { code?: unknown }).code;
  return typeof c === "string" && /^E[A-Z]+$/.test(c) && (code === undefined || c === code);
}
