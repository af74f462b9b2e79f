// Small helpers for tests that drive the DM tree directly (CM2 and CSP tests).
import { parseUri, type DmUri } from "../../agent/cm/uri.js";
import { DmStatusError } from "../../csp/csp.js";

/** A URI the test knows to be well formed. */
export const uri = (text: string): DmUri => parseUri(text) as DmUri;

/** The OMA status a tree operation ends with: 200, or the status of the DmStatusError it throws. */
export function statusOf(run: () => unknown): number {
  try {
    run();
  } catch (error) {
    if (error instanceof DmStatusError) return error.status;
    throw error;
  }
  return 200;
}
