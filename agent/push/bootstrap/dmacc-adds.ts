// The Adds that make one ./DMAcc/<x> account, in document order, each leaf after the interior nodes above it.
import type { DmValue } from "../../../csp/csp.js";

/** One Add, in order: interior nodes have no value. */
export interface DmaccAdd {
  readonly uri: string;
  readonly value?: DmValue;
}

export const chr = (data: string): DmValue => ({ format: "chr", data });

/** ./DMAcc/<x>, then each leaf (a path below the account) preceded by its ancestors not added yet. */
export function accountAdds(x: string, leaves: ReadonlyArray<readonly [string, DmValue]>): DmaccAdd[] {
  const base = `./DMAcc/${x}`;
  const out: DmaccAdd[] = [{ uri: base }];
  const added: string[] = [];
  for (const [path, value] of leaves) {
    const segments = path.split("/");
    for (let i = 1; i < segments.length; i++) {
      const p = segments.slice(0, i).join("/");
      if (added.indexOf(p) < 0) out.push({ uri: `${base}/${(added.push(p), p)}` });
    }
    out.push({ uri: `${base}/${path}`, value });
  }
  return out;
}
