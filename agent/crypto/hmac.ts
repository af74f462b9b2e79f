// HMAC (RFC 2104) over any hash of the BlockHash family; hmacMd5 and hmacSha1 are the RFC 2202 pair.
import type { HashAlgorithm } from "./block-hash.js";
import { MD5 } from "./md5.js";
import { SHA1 } from "./sha1.js";

export function hmac(algorithm: HashAlgorithm, key: Uint8Array, data: Uint8Array): Uint8Array {
  const size = algorithm.blockSize;
  const pad = new Uint8Array(size);
  pad.set(key.length > size ? algorithm.create().update(key).digest() : key);
  for (let i = 0; i < size; i++) pad[i] ^= 0x36;
  const inner = algorithm.create().update(pad).update(data).digest();
  for (let i = 0; i < size; i++) pad[i] ^= 0x36 ^ 0x5c; // ipad to opad in place
  return algorithm.create().update(pad).update(inner).digest();
}

export function hmacMd5(key: Uint8Array, data: Uint8Array): Uint8Array {
  return hmac(MD5, key, data);
}

export function hmacSha1(key: Uint8Array, data: Uint8Array): Uint8Array {
  return hmac(SHA1, key, data);
}
