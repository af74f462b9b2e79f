// SMS-DELIVER TPDU decoding (3GPP TS 23.040 §9.2.2.1), as a modem gives it in PDU mode (3GPP TS 27.005
// §3.1: the SMSC address first). Only what the Push Router needs: originator, DCS, SCTS, the user data
// header (concatenation and application ports) and the user data.
import { PushError } from "./errors.js";
import { gsm7Decode, unpackSeptets } from "./gsm7.js";
import { ByteReader, checkBytes } from "./reader.js";

export interface SmsAddress {
  /** Type of number (23.040 §9.1.2.5): 1 international, 5 alphanumeric, ... */
  readonly ton: number;
  /** Numbering plan identification: 1 E.164, ... */
  readonly npi: number;
  /** Digits ("+" first when international), or the decoded text of an alphanumeric address. */
  readonly address: string;
}

export type SmsAlphabet = "gsm7" | "8bit" | "ucs2";

export interface SmsDcs {
  readonly raw: number;
  readonly alphabet: SmsAlphabet;
  /** 0..3 when the DCS carries a message class, else undefined. */
  readonly messageClass: number | undefined;
  /** Compressed user data (23.042) is kept as bytes, never decoded to text. */
  readonly compressed: boolean;
}

export interface SmsTimestamp {
  /** 2000 + the two-digit year: SCTS carries no century. */
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** Offset from UTC in minutes (quarter hours in the PDU), signed. */
  readonly tzMinutes: number;
}

export interface SmsConcat {
  readonly reference: number;
  readonly referenceBits: 8 | 16;
  readonly total: number;
  /** 1-based sequence number. */
  readonly seq: number;
}

export interface SmsPorts {
  readonly destination: number;
  readonly origin: number;
  readonly bits: 8 | 16;
}

export interface SmsDeliver {
  /** The SMSC address prefix, or undefined when its length octet is 0. */
  readonly smsc: SmsAddress | undefined;
  /** TP-MMS is inverted: 0 means more messages are waiting at the SMSC. */
  readonly moreMessages: boolean;
  readonly loopPrevention: boolean;
  readonly statusReport: boolean;
  readonly replyPath: boolean;
  readonly originator: SmsAddress;
  readonly pid: number;
  readonly dcs: SmsDcs;
  /** Undefined when a semi-octet is not a decimal digit: the SCTS is informational, so it does not fail decoding. */
  readonly timestamp: SmsTimestamp | undefined;
  readonly concat: SmsConcat | undefined;
  readonly ports: SmsPorts | undefined;
  /** The user data after the UDH (for GSM 7-bit: the packed octets, fill bits included). */
  readonly userData: Uint8Array;
  /** The text of a GSM 7-bit or UCS2 message (not compressed); undefined for 8-bit data. */
  readonly text: string | undefined;
}

const TON_INTERNATIONAL = 1;
const TON_ALPHANUMERIC = 5;
/** 23.040 §9.1.2.5: at most 20 semi-octets (10 octets) of address value; RP-SMSC (24.011 §8.2.5.2) likewise. */
const MAX_ADDRESS_OCTETS = 10;
/** 23.040 §9.2.3.16: 140 octets of user data, i.e. 160 septets. */
const MAX_UD_OCTETS = 140;
const MAX_UD_SEPTETS = 160;

// 23.040 §9.1.2.3: semi-octets 0-9, then *, #, a, b, c; F is the filler.
const BCD = "0123456789*#abc";

function addressValue(value: Uint8Array, ton: number, semiOctets: number): string {
  if (ton === TON_ALPHANUMERIC) {
    // §9.1.2.5: GSM 7-bit packed; the length counts semi-octets, so floor(4n/7) whole characters.
    return gsm7Decode(unpackSeptets(value, 0, Math.floor((semiOctets * 4) / 7)));
  }
  let out = ton === TON_INTERNATIONAL ? "+" : "";
  for (let i = 0; i < semiOctets; i++) {
    const nibble = (value[i >> 1] >> ((i & 1) * 4)) & 0xf;
    if (nibble !== 0xf) out += BCD.charAt(nibble);
  }
  return out;
}

/** The SMSC prefix (27.005 §3.1 <sca>): length octet counting type-of-address and value octets. */
function readSmsc(r: ByteReader): SmsAddress | undefined {
  const length = r.u8("SMSC length");
  if (length === 0) return undefined;
  if (length > MAX_ADDRESS_OCTETS + 1) r.fail("bad-address", `SMSC address of ${length} octets`);
  const toa = r.u8("SMSC type of address");
  const value = r.take(length - 1, "SMSC address");
  const ton = (toa >> 4) & 7;
  return { ton, npi: toa & 0xf, address: addressValue(value, ton, value.length * 2) };
}

/** TP-OA (§9.1.2.5): the length counts useful semi-octets. */
function readOriginator(r: ByteReader): SmsAddress {
  const semiOctets = r.u8("TP-OA length");
  if (semiOctets > MAX_ADDRESS_OCTETS * 2) r.fail("bad-address", `originator of ${semiOctets} semi-octets`);
  const toa = r.u8("TP-OA type of address");
  const value = r.take((semiOctets + 1) >> 1, "TP-OA");
  const ton = (toa >> 4) & 7;
  return { ton, npi: toa & 0xf, address: addressValue(value, ton, semiOctets) };
}

/** TP-DCS per 3GPP TS 23.038 §4 ("SMS Data Coding Scheme"). */
export function decodeDcs(raw: number): SmsDcs {
  const group = raw >> 4;
  if (group < 8) {
    // 00xx xxxx general data coding, 01xx xxxx the same marked for automatic deletion.
    const bits = (raw >> 2) & 3;
    return {
      raw,
      // 23.038: a reserved alphabet (11) is assumed to be the GSM 7-bit default alphabet.
      alphabet: bits === 1 ? "8bit" : bits === 2 ? "ucs2" : "gsm7",
      messageClass: raw & 0x10 ? raw & 3 : undefined,
      compressed: (raw & 0x20) !== 0,
    };
  }
  if (group === 0xf) {
    // 1111 xyzz: data coding / message class; y=1 is 8-bit data.
    return { raw, alphabet: raw & 4 ? "8bit" : "gsm7", messageClass: raw & 3, compressed: false };
  }
  // 1110: message waiting, UCS2; 1100/1101: message waiting, GSM 7-bit; 1000-1011 reserved, assumed GSM 7-bit.
  return { raw, alphabet: group === 0xe ? "ucs2" : "gsm7", messageClass: undefined, compressed: false };
}

/** TP-SCTS (§9.2.3.11): seven octets of swapped semi-octets, the last the time zone in quarter hours. */
function decodeTimestamp(b: Uint8Array): SmsTimestamp | undefined {
  const f: number[] = [];
  for (let i = 0; i < 6; i++) {
    const lo = b[i] & 0xf;
    const hi = b[i] >> 4;
    if (lo > 9 || hi > 9) return undefined;
    f.push(lo * 10 + hi);
  }
  // Time zone: the tens semi-octet carries the sign in its bit 3.
  const tens = b[6] & 7;
  const units = b[6] >> 4;
  if (units > 9) return undefined;
  const quarters = tens * 10 + units;
  return {
    year: 2000 + f[0], month: f[1], day: f[2], hour: f[3], minute: f[4], second: f[5],
    tzMinutes: (b[6] & 8 ? -quarters : quarters) * 15,
  };
}

interface Udh {
  concat: SmsConcat | undefined;
  ports: SmsPorts | undefined;
}

/**
 * The information elements of a UDH (§9.2.3.24), in any order. Unknown IEs are skipped. A repeated IE, or one
 * of a mutually exclusive pair (8/16-bit concatenation, 8/16-bit ports), is taken from its last occurrence (§9.2.3.24).
 * A concatenation IE with a total of 0 or a sequence number of 0 or above the total is ignored, as
 * §9.2.3.24.1 and §9.2.3.24.8 require. A known IE of the wrong length, or any IE overrunning the UDH, is an error.
 */
function decodeUdh(h: Uint8Array): Udh {
  const out: Udh = { concat: undefined, ports: undefined };
  let i = 0;
  while (i < h.length) {
    if (i + 2 > h.length) throw new PushError("bad-udh", `SMS-DELIVER: UDH ends inside an IE header at ${i}`);
    const iei = h[i];
    const len = h[i + 1];
    const d = h.subarray(i + 2, i + 2 + len);
    if (d.length < len) throw new PushError("bad-udh", `SMS-DELIVER: IE 0x${iei.toString(16)} overruns the UDH`);
    const expect = iei === 0x00 ? 3 : iei === 0x04 ? 2 : iei === 0x05 || iei === 0x08 ? 4 : -1;
    if (expect >= 0 && len !== expect) {
      throw new PushError("bad-udh", `SMS-DELIVER: IE 0x${iei.toString(16)} has length ${len}, expected ${expect}`);
    }
    if (iei === 0x00 || iei === 0x08) {
      const wide = iei === 0x08;
      const reference = wide ? (d[0] << 8) | d[1] : d[0];
      const total = d[wide ? 2 : 1];
      const seq = d[wide ? 3 : 2];
      if (total !== 0 && seq !== 0 && seq <= total) out.concat = { reference, referenceBits: wide ? 16 : 8, total, seq };
    } else if (iei === 0x04) {
      out.ports = { destination: d[0], origin: d[1], bits: 8 };
    } else if (iei === 0x05) {
      out.ports = { destination: (d[0] << 8) | d[1], origin: (d[2] << 8) | d[3], bits: 16 };
    }
    i += 2 + len;
  }
  return out;
}

function ucs2Decode(b: Uint8Array): string {
  const units: number[] = [];
  for (let i = 0; i + 1 < b.length; i += 2) units.push((b[i] << 8) | b[i + 1]);
  let out = "";
  for (let i = 0; i < units.length; i += 4096) out += String.fromCharCode.apply(null, units.slice(i, i + 4096));
  return out;
}

/**
 * Decodes a PDU-mode SMS-DELIVER. Throws PushError and nothing else. Octets after the user data are ignored
 * (they cannot belong to the message).
 */
export function decodeSmsDeliver(pdu: Uint8Array): SmsDeliver {
  const r: ByteReader = new ByteReader(checkBytes(pdu, "SMS-DELIVER"), "SMS-DELIVER");
  const smsc = readSmsc(r);
  const first = r.u8("first octet");
  // §9.2.3.1: TP-MTI 00 is SMS-DELIVER towards the MS. The reserved 11 "may" be handled as DELIVER, but no
  // WAP push is sent that way, so it is refused like SUBMIT-REPORT (01) and STATUS-REPORT (10).
  if ((first & 3) !== 0) r.fail("not-deliver", `TP-MTI ${first & 3} is not SMS-DELIVER`);
  const udhi = (first & 0x40) !== 0;
  const originator = readOriginator(r);
  const pid = r.u8("TP-PID");
  const dcs = decodeDcs(r.u8("TP-DCS"));
  const timestamp = decodeTimestamp(r.take(7, "TP-SCTS"));
  const udl = r.u8("TP-UDL");
  const septets = dcs.alphabet === "gsm7" && !dcs.compressed;
  if (udl > (septets ? MAX_UD_SEPTETS : MAX_UD_OCTETS)) r.fail("bad-udl", `TP-UDL ${udl} is above the maximum`);
  const ud = r.take(septets ? Math.ceil((udl * 7) / 8) : udl, "TP-UD");

  let headerOctets = 0;
  let udh: Udh = { concat: undefined, ports: undefined };
  if (udhi) {
    if (ud.length === 0) r.fail("bad-udh", "TP-UDHI set but the user data is empty");
    headerOctets = ud[0] + 1;
    const fits = septets ? Math.ceil((headerOctets * 8) / 7) <= udl : headerOctets <= udl;
    if (!fits) r.fail("bad-udl", `UDH of ${headerOctets} octets does not fit TP-UDL ${udl}`);
    udh = decodeUdh(ud.subarray(1, headerOctets));
  }
  const userData = ud.subarray(headerOctets);

  let text: string | undefined;
  if (septets) {
    // §9.2.3.24: after a UDH, fill bits align the text to a septet boundary.
    const skip = Math.ceil((headerOctets * 8) / 7);
    text = gsm7Decode(unpackSeptets(ud, skip * 7, udl - skip));
  } else if (dcs.alphabet === "ucs2" && !dcs.compressed) {
    text = ucs2Decode(userData);
  }

  return {
    smsc,
    moreMessages: (first & 4) === 0,
    loopPrevention: (first & 8) !== 0,
    statusReport: (first & 0x20) !== 0,
    replyPath: (first & 0x80) !== 0,
    originator,
    pid,
    dcs,
    timestamp,
    concat: udh.concat,
    ports: udh.ports,
    userData,
    text,
  };
}
