// Where the Configuration Manager keeps its own state in the native store, beside what CSPs write:
// node properties of every node that has some, and the nodes of the generic subtree no CSP owns.
export const TREE_STATE = "dm-agent/tree";
export const GENERIC_DATA = "dm-agent/data";

export function propsKey(segments: readonly string[]): string {
  return segments.length ? `${TREE_STATE}/${segments.join("/")}` : TREE_STATE;
}

export function dataKey(segments: readonly string[]): string {
  return segments.length ? `${GENERIC_DATA}/${segments.join("/")}` : GENERIC_DATA;
}
