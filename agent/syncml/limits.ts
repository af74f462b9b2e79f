// Decoder limits: everything a hostile peer could inflate is bounded before it costs memory or time.

export interface Limits {
  /** Largest encoded input, in bytes (or UTF-16 units for a string). */
  maxBytes: number;
  /** Deepest element nesting, counting nested WBXML documents inside Data. */
  maxDepth: number;
  /** Most elements in one message, nested documents included. */
  maxElements: number;
  /** Most decoded text, in characters: WBXML string-table references could otherwise amplify. */
  maxText: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxBytes: 1 << 20,
  maxDepth: 48,
  maxElements: 50000,
  maxText: 4 << 20,
});

export function withDefaults(limits?: Partial<Limits>): Limits {
  return { ...DEFAULT_LIMITS, ...limits };
}
