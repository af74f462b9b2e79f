// The one error type the SyncML codecs throw: every structural problem carries a stable code.

export type SyncMLErrorCode =
  | "too-large" // input or decoded text over a limit
  | "too-deep" // element nesting over the limit
  | "too-many-elements"
  | "truncated" // WBXML ended inside a token
  | "trailing-data" // bytes after the WBXML root element
  | "unknown-encoding" // neither XML nor WBXML
  | "invalid-utf8"
  | "invalid-char" // a character XML 1.0 cannot carry
  | "xml-syntax" // not well-formed XML
  | "xml-forbidden" // DOCTYPE, ENTITY or another markup declaration
  | "unknown-entity"
  | "wbxml-version"
  | "wbxml-public-id"
  | "wbxml-charset"
  | "wbxml-token" // unknown, reserved or unsupported token, code page or tag
  | "wbxml-string-table" // a reference outside the string table
  | "mb-overflow" // mb_u_int32 longer than 5 bytes or above 2^32-1
  | "not-syncml" // root element is not what the caller asked for
  | "unexpected-element"
  | "invalid-value" // e.g. a non-numeric Size
  | "unencodable"; // a model value that the target syntax cannot carry

export class SyncMLError extends Error {
  readonly code: SyncMLErrorCode;
  /** Element path where the problem is, e.g. `SyncML/SyncBody/Add[2]/Item/Meta/Size`. */
  readonly path: string | undefined;

  constructor(code: SyncMLErrorCode, message: string, path?: string) {
    super(path ? `${message} (at ${path})` : message);
    this.name = "SyncMLError";
    this.code = code;
    this.path = path;
  }
}

/** Wraps anything thrown by foreign code (the XML parser) into a SyncMLError. */
export function asSyncMLError(e: unknown, code: SyncMLErrorCode): SyncMLError {
  if (e instanceof SyncMLError) return e;
  return new SyncMLError(code, e instanceof Error ? e.message : String(e));
}
