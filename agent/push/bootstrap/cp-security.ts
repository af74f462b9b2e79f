// Authentication of OMA CP documents (OMA-WAP-TS-ProvBoot-V1_1 §5, bootstrap security; the media type parameters SEC
// and MAC of OMA-WAP-TS-ProvCont-V1_1 §4.3). MAC = HMAC-SHA1(key, document bytes) as 40 hex digits, key by SEC:
//   0 NETWPIN      the IMSI in semi-octet form (below)
//   1 USERPIN      the PIN the user types, ASCII digits
//   2 USERNETWPIN  the IMSI semi-octets followed by the user PIN
//   3 USERPINMAC   the user types 2m digits: a PIN K (first m) and a MAC m (last m); with M' = HMAC-SHA1(K, doc),
//                  m must equal (M'[i] mod 10) for i < m, as ASCII digits. The MAC parameter is not used.
// IMSI semi-octets (ProvBoot refers to the mobile identity of 3GPP TS 24.008 §10.5.1.4, without IEI and
// length): the first octet has the first digit in its high nibble and, in its low nibble, the odd/even flag
// (8 when the digit count is odd) and the identity type 1 (IMSI); then two digits an octet, low nibble first;
// an even count leaves the last high nibble as the filler F. So 14 or 15 digits make 8 octets:
//   IMSI 123456789012345 -> 19 32 54 76 98 10 32 54   (odd: low nibble 9)
//   IMSI 21407650123456  -> 21 41 70 56 10 32 54 F6   (even: low nibble 1, filler F)
// The first matches NowSMS's NETWPIN MACs (a gateway in the field): test/fixtures/bootstrap holds one.
import { hmacSha1 } from "../../crypto/hmac.js";
import { hexDecode } from "../../bytes/hex.js";
import { utf8Encode } from "../../bytes/utf8.js";
import type { WspParameter } from "../wsp.js";

export type CpSecurity = "NETWPIN" | "USERPIN" | "USERNETWPIN" | "USERPINMAC";
export type CpVerdict = "ok" | "bad-mac" | "need-user-pin" | "need-imsi" | "unsupported";

const SEC_NAMES: readonly CpSecurity[] = ["NETWPIN", "USERPIN", "USERNETWPIN", "USERPINMAC"];

/** The SEC value as a name: a short integer 0-3 (ProvCont §4.3), its decimal text, or the name itself. */
export function cpSecurity(sec: number | string | undefined): CpSecurity | undefined {
  if (typeof sec === "string") {
    const t = sec.trim().toUpperCase();
    return /^[0-3]$/.test(t) ? SEC_NAMES[+t] : SEC_NAMES.indexOf(t as CpSecurity) >= 0 ? (t as CpSecurity) : undefined;
  }
  return typeof sec === "number" && sec >= 0 && sec <= 3 && sec % 1 === 0 ? SEC_NAMES[sec] : undefined;
}

/** SEC and MAC from a WSP content type's parameters (agent/push/wsp.ts names them in lower case). */
export function cpSecurityFromWsp(params: readonly WspParameter[]): { sec?: number | string; mac?: string } {
  const out: { sec?: number | string; mac?: string } = {};
  for (const p of params) {
    if (p.name === "sec" && typeof p.value !== "object") out.sec = p.value;
    // A Quoted-string (WAP-230-WSP §8.4.2.1) keeps its opening '"' after decoding.
    if (p.name === "mac" && typeof p.value === "string") out.mac = p.value.replace(/^"/, "");
  }
  return out;
}

/** The NETWPIN key: the IMSI (1-15 digits) in semi-octets, or undefined when `imsi` is not one. */
export function imsiSemiOctets(imsi: string): Uint8Array | undefined {
  if (!/^[0-9]{1,15}$/.test(imsi)) return undefined;
  const nibbles = [imsi.length & 1 ? 9 : 1];
  for (let i = 0; i < imsi.length; i++) nibbles.push(imsi.charCodeAt(i) - 48);
  if (nibbles.length & 1) nibbles.push(15);
  const out = new Uint8Array(nibbles.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = nibbles[2 * i] | (nibbles[2 * i + 1] << 4);
  return out;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Equal length and content, without an early exit on the first difference. */
function same(a: Uint8Array, b: Uint8Array): boolean {
  let d = a.length ^ b.length;
  for (let i = 0; i < a.length && i < b.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}

export interface CpMacInput {
  /** SEC as the WSP parameter gave it (0-3, "0"-"3" or the name); undefined: the push carried none. */
  readonly sec?: number | string;
  /** MAC parameter: 40 hex digits, either case. */
  readonly mac?: string;
  /** The document bytes exactly as received (the push body). */
  readonly document: Uint8Array;
  /** Digits of the IMSI of the SIM the push came to. */
  readonly imsi?: string;
  /** What the user typed (USERPIN, USERNETWPIN, USERPINMAC). */
  readonly userPin?: string;
}

/**
 * Checks a CP document's MAC. "unsupported" for a SEC this does not know or none at all (the caller's policy
 * decides about unauthenticated documents); "need-imsi"/"need-user-pin" when a key part is missing (ask and
 * call again); "bad-mac" for a wrong or malformed MAC (or a USERPINMAC PIN that is not 2m digits).
 */
export function verifyCpMac(input: CpMacInput): CpVerdict {
  const sec = cpSecurity(input.sec);
  if (!sec || !(input.document instanceof Uint8Array)) return "unsupported";
  const imsi = typeof input.imsi === "string" ? imsiSemiOctets(input.imsi.trim()) : undefined;
  const pin = typeof input.userPin === "string" ? input.userPin.trim() : "";
  if ((sec === "NETWPIN" || sec === "USERNETWPIN") && !imsi) return "need-imsi";
  if (sec !== "NETWPIN" && !pin) return "need-user-pin";
  if (sec === "USERPINMAC") {
    // K and m are the two halves; M' has 20 octets, so m has at most 20 digits.
    if (!/^[0-9]+$/.test(pin) || pin.length & 1 || pin.length > 40) return "bad-mac";
    const m = pin.length / 2;
    const mm = hmacSha1(utf8Encode(pin.slice(0, m)), input.document);
    const expected = new Uint8Array(m);
    for (let i = 0; i < m; i++) expected[i] = 48 + (mm[i] % 10);
    return same(expected, utf8Encode(pin.slice(m))) ? "ok" : "bad-mac";
  }
  const text = typeof input.mac === "string" ? input.mac.trim() : "";
  const mac = text.length === 40 ? hexDecode(text) : undefined;
  if (!mac) return "bad-mac";
  const key = sec === "NETWPIN" ? imsi! : sec === "USERPIN" ? utf8Encode(pin) : concat(imsi!, utf8Encode(pin));
  return same(hmacSha1(key, input.document), mac) ? "ok" : "bad-mac";
}
