export interface Random {
  /** Fills `buffer` with cryptographically secure bytes, synchronously. Throws ENOTSUP without a secure source. */
  fill(buffer: ArrayBuffer | ArrayBufferView): void;
}
