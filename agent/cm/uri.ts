// DM tree URIs (OMA-TS-DM_TND-V1_2 §6): "./A/B", also "A/B" and "." for the root. Servers in the field
// send both forms, a trailing "/" now and then, and percent-escaped segment characters (ActiveSync
// GUIDs as %7B…%7D): all are accepted and normalised to the decoded "./A/B" form.

export interface UriLimits {
  /** Segments below the root (DevDetail/URI/MaxDepth; 0 = unlimited). */
  readonly maxDepth: number;
  /** Characters in the whole URI (DevDetail/URI/MaxTotLen; 0 = unlimited). */
  readonly maxTotalLength: number;
  /** Characters in one segment (DevDetail/URI/MaxSegLen; 0 = unlimited). */
  readonly maxSegmentLength: number;
}

export const DEFAULT_URI_LIMITS: UriLimits = { maxDepth: 16, maxTotalLength: 255, maxSegmentLength: 64 };

export type UriQuery =
  | { readonly kind: "list"; readonly list: "Struct" | "StructData" | "TNDS"; readonly props: readonly string[] }
  | { readonly kind: "prop"; readonly prop: string };

export interface DmUri {
  /** Decoded segments below the root; [] is the root ".". */
  readonly segments: readonly string[];
  readonly query?: UriQuery;
}

export type UriProblem = "malformed" | "too-long" | "too-deep" | "bad-query";

export const NODE_PROPERTIES = ["ACL", "Format", "Name", "Size", "Title", "TStamp", "Type", "VerNo"];

function decodeSegment(raw: string): string | undefined {
  if (raw.indexOf("%") < 0) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

function parseQuery(text: string): UriQuery | undefined {
  const eq = text.indexOf("=");
  if (eq < 0) return undefined;
  const key = text.slice(0, eq);
  const value = text.slice(eq + 1);
  if (key === "prop") return NODE_PROPERTIES.indexOf(value) >= 0 ? { kind: "prop", prop: value } : undefined;
  if (key !== "list") return undefined;
  // TNDS exports may name the properties to include: ?list=TNDS+ACL+Format+Value (DM_TND §7.2.2).
  const parts = value.split("+");
  const list = parts[0];
  if (list !== "Struct" && list !== "StructData" && list !== "TNDS") return undefined;
  const props = parts.slice(1);
  for (const p of props) if (p !== "Value" && NODE_PROPERTIES.indexOf(p) < 0) return undefined;
  return { kind: "list", list, props };
}

/** Parses a URI from a server; a string naming the problem when it is not a usable DM URI. */
export function parseUri(text: string, limits: UriLimits = DEFAULT_URI_LIMITS): DmUri | UriProblem {
  if (typeof text !== "string") return "malformed";
  let path = text.trim();
  let query: UriQuery | undefined;
  const q = path.indexOf("?");
  if (q >= 0) {
    query = parseQuery(path.slice(q + 1));
    if (!query) return "bad-query";
    path = path.slice(0, q);
  }
  if (limits.maxTotalLength && path.length > limits.maxTotalLength) return "too-long";
  if (path === "." || path === "./" || path === "") return path === "" ? "malformed" : { segments: [], query };
  if (path.slice(0, 2) === "./") path = path.slice(2);
  if (path.length > 1 && path.charAt(path.length - 1) === "/") path = path.slice(0, -1);
  const segments: string[] = [];
  for (const raw of path.split("/")) {
    const segment = decodeSegment(raw);
    if (segment === undefined || segment === "" || segment === "." || segment === ".." || segment.indexOf("/") >= 0) return "malformed";
    if (limits.maxSegmentLength && segment.length > limits.maxSegmentLength) return "too-long";
    segments.push(segment);
  }
  if (limits.maxDepth && segments.length > limits.maxDepth) return "too-deep";
  return { segments, query };
}

/** The canonical text of a tree path, "./A/B" ("." for the root). Segments are not escaped. */
export function formatUri(segments: readonly string[]): string {
  return segments.length === 0 ? "." : "./" + segments.join("/");
}

/** True when `prefix` is `path` or one of its ancestors. */
export function isWithin(path: readonly string[], prefix: readonly string[]): boolean {
  if (prefix.length > path.length) return false;
  for (let i = 0; i < prefix.length; i++) if (path[i] !== prefix[i]) return false;
  return true;
}
