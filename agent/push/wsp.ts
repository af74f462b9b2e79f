// Connectionless WSP Push PDU decoding (WAP-230-WSP §8.2.4.1, §8.4), as carried by WDP over SMS to port 2948
// (WAP-259-WDP GSM SMS profile: UDH port addressing). Real gateways vary: content types come as codes, as
// text or in the general form with parameters, application ids as codes or URIs, and extra headers appear.
// All of that decodes; only a structure that cannot be walked is an error.
import { utf8Decode } from "../bytes/utf8.js";
import { APPLICATION_IDS, CONTENT_TYPES, FIELD, FIELD_NAMES, PARAMETER_NAMES } from "./wsp-assigned.js";
import { ByteReader, checkBytes } from "./reader.js";

/** A header or parameter value: a short or long integer, a text string, or other length-prefixed octets. */
export type WspValue = number | string | Uint8Array;

export interface WspParameter {
  /** Lower-case name: from the well-known table, "0x.." for an unlisted code, or the token text sent. */
  readonly name: string;
  readonly value: WspValue;
}

export interface WspHeader {
  /** Lower-case field name, "0x.." for an unlisted code (with "pageN:" first outside code page 1). */
  readonly name: string;
  readonly value: WspValue;
}

export interface WspPush {
  readonly tid: number;
  /** 0x06 Push or 0x07 ConfirmedPush. */
  readonly pduType: number;
  /** Lower-case media type, or undefined for a well-known code not in the table. */
  readonly contentType: string | undefined;
  /** The well-known code when the media type was sent as one. */
  readonly contentTypeCode: number | undefined;
  /** Parameters of a general-form content type, in order (OMA CP puts SEC and MAC here). */
  readonly contentTypeParameters: readonly WspParameter[];
  /** X-Wap-Application-Id as text: the URI sent, or the registered name of the code sent. */
  readonly applicationId: string | undefined;
  readonly applicationIdCode: number | undefined;
  readonly initiatorUri: string | undefined;
  readonly contentLength: number | undefined;
  /** "major.minor", "major", or the text sent. */
  readonly encodingVersion: string | undefined;
  /** Every header after the content type except those decoded into the fields above. */
  readonly headers: readonly WspHeader[];
  readonly body: Uint8Array;
}

const PDU_PUSH = 0x06;
const PDU_CONFIRMED_PUSH = 0x07;
const LENGTH_QUOTE = 31;
const QUOTE = 127;
/** Integers longer than this cannot be exact in a double; no push field needs them. */
const MAX_INTEGER_OCTETS = 6;

const hex = (n: number) => "0x" + (n < 16 ? "0" : "") + n.toString(16);

/** uintvar (§8.1.2): 7 bits an octet, high bit = more; at most 5 octets and 2^32-1. */
export function readUintvar(r: ByteReader, field: string): number {
  let value = 0;
  for (let i = 0; i < 5; i++) {
    const b = r.u8(field);
    value = value * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      if (value > 0xffffffff) r.fail("bad-uintvar", `${field} is above 2^32-1`);
      return value;
    }
  }
  return r.fail("bad-uintvar", `${field} is longer than 5 octets`);
}

/** Text-string (§8.4.2.1): an optional Quote (127) then TEXT up to a NUL, which must be there. */
function readText(r: ByteReader, field: string): string {
  if (r.peek(field) === QUOTE) r.pos++;
  const start = r.pos;
  while (r.pos < r.end && r.bytes[r.pos] !== 0) r.pos++;
  if (r.pos >= r.end) r.fail("bad-header", `${field} has no end-of-string`);
  const text = utf8Decode(r.bytes.subarray(start, r.pos));
  r.pos++;
  return text;
}

/** A value-length (§8.4.2.2): short length 0-30, or Length-quote then a uintvar. */
function readValueLength(r: ByteReader, field: string): number {
  const b = r.u8(field);
  return b === LENGTH_QUOTE ? readUintvar(r, field) : b;
}

/**
 * Any field value, by the rule that lets a recipient skip values it does not know (§8.4.1.2): first octet
 * 0-30 a length, 31 a uintvar length, 32-127 a text string, 128-255 a short integer.
 */
function readValue(r: ByteReader, field: string): WspValue {
  const b = r.peek(field);
  if (b >= 0x80) {
    r.pos++;
    return b & 0x7f;
  }
  if (b <= LENGTH_QUOTE) {
    const n = readValueLength(r, field);
    return r.take(n, field);
  }
  return readText(r, field);
}

/** A Long-integer's octets as a number, or undefined when there are none or too many. */
function longInteger(b: Uint8Array): number | undefined {
  if (b.length === 0 || b.length > MAX_INTEGER_OCTETS) return undefined;
  let n = 0;
  for (let i = 0; i < b.length; i++) n = n * 256 + b[i];
  return n;
}

/** An Integer-value (short or long), or undefined when `v` is not one. */
function integer(v: WspValue): number | undefined {
  return typeof v === "number" ? v : typeof v === "string" ? undefined : longInteger(v);
}

/** Parameters of a general-form content type (§8.4.2.4), up to `end`. */
function readParameters(r: ByteReader): WspParameter[] {
  const out: WspParameter[] = [];
  while (r.left > 0) {
    const b = r.peek("parameter");
    if (b >= 0x80 || (b >= 1 && b <= 30)) {
      // Typed parameter: a well-known token (short or long integer) and its value.
      const token = integer(readValue(r, "parameter token"));
      if (token === undefined) r.fail("bad-header", "bad parameter token");
      const name = PARAMETER_NAMES[token] || hex(token);
      // Q-value is a uintvar (§8.4.2.3), the one typed value the general rule cannot skip.
      const raw = token === 0 ? readUintvar(r, "Q-value") : readValue(r, name);
      const value = typeof raw === "object" && raw.length <= MAX_INTEGER_OCTETS ? longInteger(raw) ?? raw : raw;
      out.push({ name, value });
    } else if (b >= 0x20) {
      // Untyped parameter: Token-text then an Integer-value or Text-value.
      const name = readText(r, "parameter name").toLowerCase();
      out.push({ name, value: readValue(r, name) });
    } else {
      r.fail("bad-header", `octet ${hex(b)} cannot start a parameter`);
    }
  }
  return out;
}

interface ContentType {
  type: string | undefined;
  code: number | undefined;
  parameters: WspParameter[];
}

/** Content-type-value (§8.4.2.24): a short-integer code, a text media type, or the general form. */
function readContentType(r: ByteReader): ContentType {
  const b = r.peek("content type");
  if (b >= 0x80) {
    r.pos++;
    return { type: CONTENT_TYPES[b & 0x7f], code: b & 0x7f, parameters: [] };
  }
  if (b >= 0x20) return { type: readText(r, "content type").toLowerCase(), code: undefined, parameters: [] };
  // Content-general-form: Value-length Media-type, Media-type = (Well-known-media | Extension-media) *(Parameter).
  const length = readValueLength(r, "content type length");
  r.need(length, "content type");
  const sub: ByteReader = new ByteReader(r.bytes, r.what, r.pos + length);
  sub.pos = r.pos;
  r.pos += length;
  let type: string | undefined;
  let code: number | undefined;
  const m = sub.peek("media type");
  if (m >= 0x20 && m < 0x80) {
    type = readText(sub, "media type").toLowerCase();
  } else {
    code = integer(readValue(sub, "media type"));
    if (code === undefined) sub.fail("bad-header", "bad well-known media code");
    type = CONTENT_TYPES[code];
  }
  return { type, code, parameters: readParameters(sub) };
}

/** Encoding-Version (§8.4.2.70): a Version-value, or Value-length Code-page [Version-value]. */
function encodingVersion(v: WspValue): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number") {
    // Short-integer: three bits major, four bits minor, minor 15 meaning "none".
    const major = (v >> 4) & 7;
    const minor = v & 0xf;
    return minor === 0xf ? String(major) : `${major}.${minor}`;
  }
  if (v.length < 2) return undefined; // a code page alone
  if (v[1] >= 0x80) return encodingVersion(v[1] & 0x7f);
  const end = v.indexOf(0, 1);
  return utf8Decode(v.subarray(v[1] === QUOTE ? 2 : 1, end < 0 ? v.length : end));
}

/**
 * Decodes a connectionless WSP Push PDU: TID, PDU type, HeadersLen (uintvar), content type and headers within
 * HeadersLen, then the body (the rest; Content-Length, when present, is reported but not enforced because
 * gateways get it wrong). ConfirmedPush (0x07) has the same layout (§8.2.4.1); it is accepted and reported in
 * `pduType`, since nothing can confirm it over connectionless WDP anyway. Throws PushError and nothing else.
 */
export function decodeWspPush(bytes: Uint8Array): WspPush {
  const r: ByteReader = new ByteReader(checkBytes(bytes, "WSP push"), "WSP push");
  const tid = r.u8("TID");
  const pduType = r.u8("PDU type");
  if (pduType !== PDU_PUSH && pduType !== PDU_CONFIRMED_PUSH) r.fail("not-push", `PDU type ${hex(pduType)} is not Push`);
  const headersLength = readUintvar(r, "HeadersLen");
  if (headersLength === 0) r.fail("bad-header", "HeadersLen 0 leaves no content type");
  r.need(headersLength, "headers");
  const h: ByteReader = new ByteReader(r.bytes, r.what, r.pos + headersLength);
  h.pos = r.pos;
  const body = r.bytes.subarray(r.pos + headersLength);

  const contentType = readContentType(h);
  let applicationId: string | undefined;
  let applicationIdCode: number | undefined;
  let initiatorUri: string | undefined;
  let contentLength: number | undefined;
  let version: string | undefined;
  const headers: WspHeader[] = [];
  let page = 1;
  while (h.left > 0) {
    const b = h.peek("header");
    if (b === QUOTE) {
      // Shift-delimiter then Page-identity (§8.4.2.6): following well-known fields are on that code page.
      h.pos++;
      page = h.u8("page identity");
    } else if (b >= 1 && b <= 31) {
      h.pos++; // Short-cut-shift-delimiter
      page = b;
    } else if (b >= 0x80) {
      h.pos++;
      const code = b & 0x7f;
      const name = page === 1 ? FIELD_NAMES[code] || hex(code) : `page${page}:${hex(code)}`;
      const value = readValue(h, name);
      // A value of an unexpected form stays in `headers` rather than failing the push. The last occurrence wins.
      let used = false;
      if (page === 1) {
        const n = integer(value);
        if (code === FIELD.applicationId && (typeof value === "string" || n !== undefined)) {
          applicationIdCode = n;
          applicationId = typeof value === "string" ? value : APPLICATION_IDS[n as number];
          used = true;
        } else if (code === FIELD.initiatorUri && typeof value === "string") {
          initiatorUri = value;
          used = true;
        } else if (code === FIELD.contentLength && n !== undefined) {
          contentLength = n;
          used = true;
        } else if (code === FIELD.encodingVersion) {
          const v = encodingVersion(value);
          if (v !== undefined) {
            version = v;
            used = true;
          }
        }
      }
      if (!used) headers.push({ name, value });
    } else if (b >= 0x20) {
      // Application-header: Token-text then (normally) a Text-string; any value form is tolerated.
      const name = readText(h, "header name").toLowerCase();
      headers.push({ name, value: readValue(h, name) });
    } else {
      h.fail("bad-header", "NUL cannot start a header");
    }
  }

  return {
    tid,
    pduType,
    contentType: contentType.type,
    contentTypeCode: contentType.code,
    contentTypeParameters: contentType.parameters,
    applicationId,
    applicationIdCode,
    initiatorUri,
    contentLength,
    encodingVersion: version,
    headers,
    body,
  };
}
