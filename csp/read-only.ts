// A read-only CSP whose leaves are computed (device identity, limits): DevInfo and DevDetail.
import { DmStatusError, type Csp, type DdfNode, type DmValue } from "./csp.js";
import { ddfAt } from "./mapped.js";

/** `values` maps a leaf path ("DevId", "URI/MaxDepth") to its text; interior nodes come from the DDF. */
export function readOnlyCsp(root: string, description: DdfNode, values: () => Readonly<Record<string, string>>): Csp {
  const leafText = (path: readonly string[]) => values()[path.join("/")];
  const kids = (path: readonly string[]): string[] => {
    const prefix = path.length ? path.join("/") + "/" : "";
    const names: string[] = [];
    for (const k of Object.keys(values())) {
      if (k.slice(0, prefix.length) !== prefix) continue;
      const name = k.slice(prefix.length).split("/")[0];
      if (names.indexOf(name) < 0) names.push(name);
    }
    for (const d of ddfAt(description, path)?.children ?? []) if (d.name && d.format === "node" && names.indexOf(d.name) < 0) names.push(d.name);
    return names;
  };
  const refuse = (): never => {
    throw new DmStatusError(405, `./${root} is read-only`);
  };
  return {
    roots: [[root]],
    description,
    node(path) {
      if (leafText(path) !== undefined) {
        const d = ddfAt(description, path);
        return { kind: "leaf", format: d?.format ?? "chr", type: "text/plain" };
      }
      const d = ddfAt(description, path);
      return d && d.format === "node" ? { kind: "interior" } : undefined;
    },
    children: kids,
    get(path): DmValue {
      const text = leafText(path);
      if (text === undefined) throw new DmStatusError(404, "not found");
      return { format: ddfAt(description, path)?.format ?? "chr", type: "text/plain", data: text };
    },
    add: refuse,
    replace: refuse,
    delete: refuse,
  };
}
