// The plug-in contract for Configuration Service Providers (DESIGN.md §1, step 9). A CSP owns a subtree of
// the DM tree, describes itself (its DDF), and works on the native config store through the transaction
// the Configuration Manager hands it, so an <Atomic> rolls it back with everything else. It never touches
// `device`. Errors are OMA DM statuses (DmStatusError).
import type { ConfigTransaction } from "../hal/config.js";
import type { LogLevel } from "../hal/log.js";

/** Node value formats of OMA DM 1.2 (DM_TND §7.7.4). */
export type DmFormat = "b64" | "bin" | "bool" | "chr" | "int" | "node" | "null" | "xml" | "date" | "time" | "float";

/** A node's value as the tree holds it: text for every format but bin (bytes). */
export interface DmValue {
  readonly format: DmFormat;
  /** MIME type of the value (Meta Type), e.g. "text/plain". */
  readonly type?: string;
  readonly data: string | Uint8Array;
}

/** An OMA DM status raised by a CSP or by the tree: 404 not found, 405 not allowed, 406, 415, 418... */
export class DmStatusError extends Error {
  constructor(readonly status: number, message: string) {
    super(`${status} ${message}`);
    this.name = "DmStatusError";
  }
}

export type AccessType = "Add" | "Copy" | "Delete" | "Exec" | "Get" | "Replace";
export type Occurrence = "One" | "ZeroOrOne" | "ZeroOrMore" | "OneOrMore";

/** The DDF of a node (OMA-TS-DM_TND §8, DFProperties): what the CSP publishes about itself. */
export interface DdfNode {
  /** Node name; undefined for a dynamic node whose name the server chooses (a `<x>` placeholder). */
  readonly name?: string;
  readonly access: readonly AccessType[];
  readonly format: DmFormat;
  readonly occurrence?: Occurrence;
  /** Permanent nodes exist always; Dynamic ones are added and deleted by servers. */
  readonly scope?: "Permanent" | "Dynamic";
  readonly description?: string;
  /** MIME type of leaf values (DFType). */
  readonly mime?: string;
  /** Default value of a leaf (DefaultValue). */
  readonly defaultValue?: string;
  readonly children?: readonly DdfNode[];
}

export interface CspContext {
  /** The session's open transaction on the whole store: rolled back when an <Atomic> fails. */
  readonly config: ConfigTransaction;
  /** The server running the command (its ServerID), for CSPs whose behaviour depends on it. */
  readonly serverId: string;
  readonly log: (level: LogLevel, message: string) => void;
}

export interface CspNode {
  readonly kind: "interior" | "leaf";
  readonly format?: DmFormat;
  readonly type?: string;
}

/**
 * A CSP. Paths are the segments below the CSP's root ([] is the root node itself). The Configuration
 * Manager has already checked the URI, the ACL and the DDF access types before it calls a CSP.
 */
export interface Csp {
  /** Where the CSP is mounted, e.g. ["Vendor", "MSFT", "ActiveSync"]; a CSP may be mounted at several roots. */
  readonly roots: ReadonlyArray<readonly string[]>;
  /** The DDF of the root node and everything below it. */
  readonly description: DdfNode;
  /** The node at `path`, or undefined when there is none. */
  node(path: readonly string[], context: CspContext): CspNode | undefined;
  /** Child names of an interior node, in the order the CSP wants them listed. */
  children(path: readonly string[], context: CspContext): string[];
  /** A leaf's value. 404 when absent, 405 for a write-only leaf (secrets). */
  get(path: readonly string[], context: CspContext): DmValue;
  /** Creates a node: interior when `value` is undefined. 418 when it exists, 404 when its parent does not. */
  add(path: readonly string[], value: DmValue | undefined, context: CspContext): void;
  replace(path: readonly string[], value: DmValue, context: CspContext): void;
  delete(path: readonly string[], context: CspContext): void;
  /**
   * Optional: an Add whose target exists already. Without it the tree answers 418. A CSP whose documented
   * semantics differ (ActiveSync: re-using an account GUID deletes the account) implements them here:
   * returning means success, throwing gives the status (418 for paths it has no special meaning for).
   */
  addExisting?(path: readonly string[], value: DmValue | undefined, context: CspContext): void;
  exec?(path: readonly string[], data: string | undefined, correlator: string | undefined, context: CspContext): Promise<void>;
}
