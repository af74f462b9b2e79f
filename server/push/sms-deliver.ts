// SMS-DELIVER PDUs as the SMSC hands them to the handset (3GPP TS 23.040 §9.2.2.1), in the PDU-mode layout of
// 3GPP TS 27.005 (SMSC address first). A WAP push goes as 8-bit data with a User Data Header: 16-bit application
// ports 2948 (WAP push) <- 9200 (WAP connectionless session) (§9.2.3.24.4, WAP-259-WDP Annex A), and when it
// does not fit one SMS, 8-bit-reference concatenation (§9.2.3.24.1) repeated in every part with the ports.

export const WAP_PUSH_PORT = 2948;
export const WAP_CL_PORT = 9200;
/** TP-User-Data of one SMS: 140 octets, UDH included. */
export const MAX_USER_DATA = 140;
const IEI_CONCAT_8 = 0x00;
const IEI_PORTS_16 = 0x05;

export interface SmsDeliverOptions {
  /** Service centre address, e.g. "+447785016005"; absent: length 0 (the modem's default SMSC). */
  smsc?: string;
  /** Originator address (TP-OA), digits with an optional leading "+". */
  originator: string;
  /** TP-SCTS; default now. */
  timestamp?: Date;
  /** Offset of the timestamp's local time from UTC, in minutes (multiple of 15; default 0). */
  timezoneMinutes?: number;
  /** TP-DCS; default 0xF5 (8-bit data, message class 1), as in samples/notification.push. */
  dcs?: number;
  /** TP-PID; default 0. */
  pid?: number;
  /** Reference number of a concatenated message (0..255); default random. */
  reference?: number;
}

export class SmsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SmsError";
  }
}

/** Semi-octets, swapped, padded with F (§9.1.2.3). */
function bcdDigits(digits: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < digits.length; i += 2) {
    const lo = parseInt(digits[i], 16);
    const hi = i + 1 < digits.length ? parseInt(digits[i + 1], 16) : 0xf;
    out.push((hi << 4) | lo);
  }
  return out;
}

function checkNumber(address: string, what: string): { digits: string; international: boolean } {
  const international = address.startsWith("+");
  const digits = international ? address.slice(1) : address;
  if (!/^[0-9*#]{1,20}$/.test(digits)) throw new SmsError(`${what} must be digits with an optional "+": ${JSON.stringify(address)}`);
  return { digits: digits.replace(/\*/g, "a").replace(/#/g, "b"), international };
}

/** TP-OA (§9.1.2.5): length in digits, type of address (0x91 international / 0x81 unknown, ISDN), BCD digits. */
export function encodeAddress(address: string): number[] {
  const { digits, international } = checkNumber(address, "originator");
  return [digits.length, international ? 0x91 : 0x81, ...bcdDigits(digits)];
}

/** The SMSC address of PDU mode (27.005 §4.3): length in octets (type included), type, BCD digits. */
export function encodeSmsc(address: string | undefined): number[] {
  if (!address) return [0];
  const { digits, international } = checkNumber(address, "SMSC");
  const bcd = bcdDigits(digits);
  return [bcd.length + 1, international ? 0x91 : 0x81, ...bcd];
}

/** TP-SCTS (§9.2.3.11): YY MM DD hh mm ss TZ, each two swapped semi-octets; TZ in quarter hours, bit 3 = minus. */
export function encodeTimestamp(t: Date, timezoneMinutes = 0): number[] {
  if (timezoneMinutes % 15 !== 0 || Math.abs(timezoneMinutes) > 79 * 15) throw new SmsError("timezone must be a multiple of 15 minutes within +-19:45");
  const local = new Date(t.getTime() + timezoneMinutes * 60_000);
  const swap = (n: number) => ((n % 10) << 4) | Math.floor(n / 10);
  const q = Math.abs(timezoneMinutes) / 15;
  return [
    swap(local.getUTCFullYear() % 100), swap(local.getUTCMonth() + 1), swap(local.getUTCDate()),
    swap(local.getUTCHours()), swap(local.getUTCMinutes()), swap(local.getUTCSeconds()),
    swap(q) | (timezoneMinutes < 0 ? 0x08 : 0),
  ];
}

/** One SMS-DELIVER with TP-UDHI set: `udh` is the User Data Header without its length octet. */
export function buildSmsDeliver(o: SmsDeliverOptions, udh: number[], payload: Uint8Array): Uint8Array {
  const udl = udh.length ? 1 + udh.length + payload.length : payload.length;
  if (udl > MAX_USER_DATA) throw new SmsError(`user data of ${udl} octets exceeds ${MAX_USER_DATA}`);
  // First octet: TP-MTI 00 (SMS-DELIVER), TP-MMS 1 (no more messages waiting), TP-UDHI when there is a header.
  const first = 0x04 | (udh.length ? 0x40 : 0);
  const bytes = [
    ...encodeSmsc(o.smsc), first, ...encodeAddress(o.originator), o.pid ?? 0, o.dcs ?? 0xf5,
    ...encodeTimestamp(o.timestamp ?? new Date(), o.timezoneMinutes), udl,
    ...(udh.length ? [udh.length, ...udh] : []),
  ];
  const out = new Uint8Array(bytes.length + payload.length);
  out.set(bytes);
  out.set(payload, bytes.length);
  return out;
}

/** 8-bit data in TP-DCS (3GPP TS 23.038 §4): general group 00xx with alphabet bits 01, or group 1111 with bit 2. */
export function isEightBit(dcs: number): boolean {
  return ((dcs & 0xc0) === 0 && (dcs & 0x0c) === 0x04) || ((dcs & 0xf0) === 0xf0 && (dcs & 0x04) !== 0);
}

/**
 * A WDP datagram for port 2948 (the WSP push) as SMS-DELIVER PDUs: one when it fits in 140 - 7 octets, otherwise
 * parts of at most 140 - 12 octets, each with the ports and an 8-bit concatenation element (up to 255 parts).
 */
export function buildPushSms(o: SmsDeliverOptions, datagram: Uint8Array): Uint8Array[] {
  if (!isEightBit(o.dcs ?? 0xf5)) throw new SmsError("a WAP push needs an 8-bit data coding scheme");
  const ports = [IEI_PORTS_16, 4, WAP_PUSH_PORT >> 8, WAP_PUSH_PORT & 0xff, WAP_CL_PORT >> 8, WAP_CL_PORT & 0xff];
  const single = MAX_USER_DATA - 1 - ports.length;
  if (datagram.length <= single) return [buildSmsDeliver(o, ports, datagram)];
  const per = MAX_USER_DATA - 1 - ports.length - 5;
  const total = Math.ceil(datagram.length / per);
  if (total > 255) throw new SmsError(`${datagram.length} octets need ${total} parts; concatenation allows 255`);
  const reference = o.reference ?? Math.floor(Math.random() * 256);
  if (!Number.isInteger(reference) || reference < 0 || reference > 255) throw new SmsError("reference must be 0..255");
  const out: Uint8Array[] = [];
  for (let seq = 1; seq <= total; seq++) {
    const udh = [...ports, IEI_CONCAT_8, 3, reference, total, seq];
    out.push(buildSmsDeliver(o, udh, datagram.subarray((seq - 1) * per, seq * per)));
  }
  return out;
}
