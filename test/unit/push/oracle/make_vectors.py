#!/usr/bin/env python3
"""Independent test oracle for agent/push: ENCODES what the agent DECODES.

Builds SMS-DELIVER PDUs (3GPP TS 23.040), connectionless WSP Push PDUs (WAP-230-WSP) and DM notifications
(OMA-TS-DM_Notification-V1_2) from field values, with the standard library only and no code shared with the
TypeScript agent, and writes them with the fields a decoder must find to the JSON file named on the command
line. Byte strings are written as lower-case hex.

Usage: python3 make_vectors.py OUT.json
"""
import base64
import hashlib
import json
import random
import sys

H = lambda b: b.hex()  # noqa: E731

# ---------------------------------------------------------------------------------------------- GSM 7-bit
# 3GPP TS 23.038 §6.2.1 default alphabet, written out as (code, character) pairs.
GSM_DEFAULT = {}
_rows = [
    "@\u00a3$\u00a5\u00e8\u00e9\u00f9\u00ec\u00f2\u00c7\n\u00d8\u00f8\r\u00c5\u00e5",
    "\u0394_\u03a6\u0393\u039b\u03a9\u03a0\u03a8\u03a3\u0398\u039e\x1b\u00c6\u00e6\u00df\u00c9",
    " !\"#\u00a4%&'()*+,-./",
    "0123456789:;<=>?",
    "\u00a1ABCDEFGHIJKLMNO",
    "PQRSTUVWXYZ\u00c4\u00d6\u00d1\u00dc\u00a7",
    "\u00bfabcdefghijklmno",
    "pqrstuvwxyz\u00e4\u00f6\u00f1\u00fc\u00e0",
]
for row, chars in enumerate(_rows):
    assert len(chars) == 16
    for col, ch in enumerate(chars):
        if ch != "\x1b":
            GSM_DEFAULT[ch] = row * 16 + col
GSM_EXTENSION = {"\f": 0x0A, "^": 0x14, "{": 0x28, "}": 0x29, "\\": 0x2F, "[": 0x3C, "~": 0x3D, "]": 0x3E,
                 "|": 0x40, "\u20ac": 0x65}


def gsm_septets(text):
    out = []
    for ch in text:
        if ch in GSM_DEFAULT:
            out.append(GSM_DEFAULT[ch])
        else:
            out.extend([0x1B, GSM_EXTENSION[ch]])
    return out


def pack_septets(septets, fill_bits=0):
    """Packs septets LSB first after `fill_bits` zero bits."""
    acc, nbits, out = 0, fill_bits, bytearray()
    for s in septets:
        acc |= s << nbits
        nbits += 7
        while nbits >= 8:
            out.append(acc & 0xFF)
            acc >>= 8
            nbits -= 8
    if nbits > 0:
        out.append(acc & 0xFF)
    return bytes(out)


# ------------------------------------------------------------------------------------------------ SMS
def bcd(digits):
    table = "0123456789*#abc"
    nibbles = [table.index(c) for c in digits]
    if len(nibbles) % 2:
        nibbles.append(0xF)
    return bytes(nibbles[i] | (nibbles[i + 1] << 4) for i in range(0, len(nibbles), 2))


def address_field(ton, npi, value):
    """TP-OA: (semi-octet count, type of address, value octets) and the text a decoder shows."""
    toa = 0x80 | (ton << 4) | npi
    if ton == 5:
        sept = gsm_septets(value)
        packed = pack_septets(sept)
        semi = (len(sept) * 7 + 3) // 4
        return bytes([semi, toa]) + packed, value
    digits = value.lstrip("+")
    return bytes([len(digits), toa]) + bcd(digits), ("+" if ton == 1 else "") + digits


def smsc_field(smsc):
    if smsc is None:
        return b"\x00", None
    ton, npi, digits = smsc
    value = bcd(digits)
    shown = ("+" if ton == 1 else "") + digits
    return bytes([len(value) + 1, 0x80 | (ton << 4) | npi]) + value, {"ton": ton, "npi": npi, "address": shown}


def semi(n):
    return ((n % 10) << 4) | (n // 10)


def scts(ts):
    year, month, day, hour, minute, second, tz_quarters = ts
    q = abs(tz_quarters)
    tz = ((q % 10) << 4) | (q // 10) | (0x08 if tz_quarters < 0 else 0)
    return bytes([semi(year % 100), semi(month), semi(day), semi(hour), semi(minute), semi(second), tz])


def udh_bytes(ies):
    body = b"".join(bytes([iei, len(data)]) + data for iei, data in ies)
    return bytes([len(body)]) + body


def ie_concat8(ref, total, seq):
    return (0x00, bytes([ref, total, seq]))


def ie_concat16(ref, total, seq):
    return (0x08, bytes([ref >> 8, ref & 0xFF, total, seq]))


def ie_ports8(dst, org):
    return (0x04, bytes([dst, org]))


def ie_ports16(dst, org):
    return (0x05, bytes([dst >> 8, dst & 0xFF, org >> 8, org & 0xFF]))


def dcs_fields(dcs):
    """What 3GPP TS 23.038 §4 says a DCS octet means, as the decoder must report it."""
    group = dcs >> 4
    if group < 8:
        alpha = {0: "gsm7", 1: "8bit", 2: "ucs2", 3: "gsm7"}[(dcs >> 2) & 3]
        return {"raw": dcs, "alphabet": alpha, "messageClass": (dcs & 3) if dcs & 0x10 else None,
                "compressed": bool(dcs & 0x20)}
    if group == 0xF:
        return {"raw": dcs, "alphabet": "8bit" if dcs & 4 else "gsm7", "messageClass": dcs & 3, "compressed": False}
    return {"raw": dcs, "alphabet": "ucs2" if group == 0xE else "gsm7", "messageClass": None, "compressed": False}


def sms_deliver(originator=(1, 1, "+4917012345"), smsc=(1, 1, "491710760000"), dcs=0x04, pid=0,
                ts=(24, 3, 9, 13, 45, 7, 4), ies=None, payload=b"", text=None, flags=0x04,
                raw_ts=None, concat=None, ports=None):
    """One SMS-DELIVER and its expected decoding. `text` makes GSM7/UCS2 text user data per the DCS."""
    smsc_b, smsc_e = smsc_field(smsc)
    oa_b, oa_shown = address_field(*originator)
    first = flags | (0x40 if ies is not None else 0)
    dcsf = dcs_fields(dcs)
    header = udh_bytes(ies) if ies is not None else b""
    if text is not None and dcsf["alphabet"] == "gsm7":
        sept = gsm_septets(text)
        hdr_septets = (len(header) * 8 + 6) // 7
        fill = hdr_septets * 7 - len(header) * 8
        ud = header + pack_septets(sept, fill)
        udl = hdr_septets + len(sept)
        user_data = ud[len(header):]
        shown_text = text
    elif text is not None:
        ud = header + text.encode("utf-16-be")
        udl = len(ud)
        user_data = ud[len(header):]
        shown_text = text
    else:
        ud = header + payload
        udl = len(ud)
        user_data = payload
        shown_text = None
    assert udl <= (160 if text is not None and dcsf["alphabet"] == "gsm7" else 140), "user data too long"
    ts_b = raw_ts if raw_ts is not None else scts(ts)
    pdu = smsc_b + bytes([first]) + oa_b + bytes([pid, dcs]) + ts_b + bytes([udl]) + ud
    timestamp = None
    if raw_ts is None:
        y, mo, d, h, mi, s, tzq = ts
        timestamp = {"year": 2000 + y, "month": mo, "day": d, "hour": h, "minute": mi, "second": s,
                     "tzMinutes": tzq * 15}
    expect = {
        "smsc": smsc_e,
        "moreMessages": not (first & 0x04),
        "loopPrevention": bool(first & 0x08),
        "statusReport": bool(first & 0x20),
        "replyPath": bool(first & 0x80),
        "originator": {"ton": originator[0], "npi": originator[1], "address": oa_shown},
        "pid": pid,
        "dcs": dcsf,
        "timestamp": timestamp,
        "concat": concat,
        "ports": ports,
        "userData": H(user_data),
        "text": shown_text,
    }
    return pdu, expect


def concat_e(ref, bits, total, seq):
    return {"reference": ref, "referenceBits": bits, "total": total, "seq": seq}


def ports_e(dst, org, bits):
    return {"destination": dst, "origin": org, "bits": bits}


# ------------------------------------------------------------------------------------------------ WSP
def uintvar(n):
    out = [n & 0x7F]
    n >>= 7
    while n:
        out.append(0x80 | (n & 0x7F))
        n >>= 7
    return bytes(reversed(out))


def text(s):
    return s.encode("utf-8") + b"\x00"


def wsp_push(tid, content_type, headers, body, pdu_type=0x06):
    hdrs = content_type + headers
    return bytes([tid, pdu_type]) + uintvar(len(hdrs)) + hdrs + body


def general_form(inner):
    if len(inner) <= 30:
        return bytes([len(inner)]) + inner
    return b"\x1f" + uintvar(len(inner)) + inner


def wsp_expect(tid, content_type, code, body, params=(), app=None, app_code=None, initiator=None,
               length=None, version=None, headers=(), pdu_type=0x06):
    return {"tid": tid, "pduType": pdu_type, "contentType": content_type, "contentTypeCode": code,
            "contentTypeParameters": [{"name": n, "value": v} for n, v in params],
            "applicationId": app, "applicationIdCode": app_code, "initiatorUri": initiator,
            "contentLength": length, "encodingVersion": version,
            "headers": [{"name": n, "value": v} for n, v in headers], "body": H(body)}


# ------------------------------------------------------------------------------------- DM notification
def md5(b):
    return hashlib.md5(b).digest()


def b64(b):
    return base64.b64encode(b)


def digest(server_id, password, nonce, trigger):
    """OMA-TS-DM_Notification-V1_2 §6.2.2.2: H(B64(H(server-identifier:password)):nonce:B64(H(trigger)))."""
    return md5(b64(md5((server_id + ":" + password).encode("utf-8"))) + b":" + nonce + b":" + b64(md5(trigger)))


def trigger_bytes(version, ui_mode, initiator, session_id, server_id, vendor=b"", future=0):
    bits = (version << 54) | (ui_mode << 52) | (initiator << 51) | (future << 24) | (session_id << 8)
    sid = server_id.encode("utf-8") if isinstance(server_id, str) else server_id
    bits |= len(sid)
    return bits.to_bytes(8, "big") + sid + vendor


def notification(version=12, ui_mode=1, initiator=1, session_id=0x1234, server_id="dm.example.com", vendor=b"",
                 future=0, password="srvsecret", nonce=b"\x01\x02\x03\x04", nonce_form="raw"):
    trig = trigger_bytes(version, ui_mode, initiator, session_id, server_id, vendor, future)
    used = {"raw": nonce, "b64": b64(nonce)}[nonce_form] if isinstance(nonce_form, str) else nonce_form
    dig = digest(server_id, password, used, trig)
    expect = {"version": version, "uiMode": ["not-specified", "background", "informative", "user-interaction"][ui_mode],
              "initiator": "server" if initiator else "client", "futureUse": future, "sessionId": session_id,
              "serverId": server_id, "vendorSpecific": H(vendor), "digest": H(dig), "trigger": H(trig)}
    return dig + trig, expect


def main():
    rnd = random.Random(20240309)
    out = {"sms": [], "smsReject": [], "concat": [], "wsp": [], "wspReject": [], "notification": [],
           "notificationReject": []}

    def sms(name, **kw):
        pdu, expect = sms_deliver(**kw)
        out["sms"].append({"name": name, "pdu": H(pdu), "expect": expect})
        return pdu

    # A DM notification as pushed over SMS: 8-bit data, WDP 16-bit ports 2948 <- 9200.
    notif_wsp = bytes([0x01, 0x06, 0x03, 0xC4, 0xAF, 0x87]) + bytes(range(40))
    sms("wap push, 16-bit ports, international originator with odd digit count", dcs=0x04,
        ies=[ie_ports16(2948, 9200)], payload=notif_wsp, ports=ports_e(2948, 9200, 16))
    sms("no SMSC address (length octet 0)", smsc=None, dcs=0xF5, ies=[ie_ports16(2948, 9200)],
        payload=b"\x00\x06\x01\xc4", ports=ports_e(2948, 9200, 16))
    sms("class-group DCS 1111x1xx (class 1) with 8-bit ports", dcs=0xF5, ies=[ie_ports8(245, 246)],
        payload=b"abc", ports=ports_e(245, 246, 8))
    sms("general DCS 00x1x1xx marks class 2", dcs=0x16, ies=[ie_ports16(2948, 9200)], payload=b"\xff",
        ports=ports_e(2948, 9200, 16), flags=0x00)
    sms("flags: reply path, status report, loop prevention; more messages waiting", flags=0x80 | 0x20 | 0x08,
        dcs=0x04, payload=b"\x01\x02")
    sms("concat 8-bit first, then ports", ies=[ie_concat8(0x42, 3, 2), ie_ports16(2948, 9200)], payload=b"part",
        concat=concat_e(0x42, 8, 3, 2), ports=ports_e(2948, 9200, 16))
    sms("ports first, then concat 16-bit", ies=[ie_ports16(2948, 9200), ie_concat16(0xBEEF, 2, 1)], payload=b"x",
        concat=concat_e(0xBEEF, 16, 2, 1), ports=ports_e(2948, 9200, 16))
    sms("unknown IEs skipped in between", ies=[(0x24, b"\x01"), ie_concat8(7, 2, 2), (0x70, b""),
                                               ie_ports8(1, 2), (0x20, b"\x00\x01\x02")],
        payload=b"y", concat=concat_e(7, 8, 2, 2), ports=ports_e(1, 2, 8))
    sms("last of two concatenation IEs wins (23.040 9.2.3.24)", ies=[ie_concat8(1, 2, 1), ie_concat16(0x0102, 4, 3)],
        payload=b"z", concat=concat_e(0x0102, 16, 4, 3))
    sms("last of two port IEs wins", ies=[ie_ports16(2948, 9200), ie_ports8(9, 8)], payload=b"z",
        ports=ports_e(9, 8, 8))
    sms("concat IE with total 0 is ignored", ies=[ie_concat8(5, 0, 1), ie_ports16(2948, 9200)], payload=b"q",
        ports=ports_e(2948, 9200, 16))
    sms("concat IE with seq above total is ignored", ies=[ie_concat8(5, 2, 3)], payload=b"q")
    sms("GSM 7-bit text from an alphanumeric originator, negative time zone",
        originator=(5, 0, "Oper@tor"), dcs=0x00, text="Hello {world} \u20ac5 \u00e9\u00c4", ts=(23, 12, 31, 23, 59, 59, -20))
    sms("GSM 7-bit text after a UDH: fill bits", dcs=0x00, ies=[ie_concat8(9, 2, 1)], text="Fill bits [ok]",
        concat=concat_e(9, 8, 2, 1))
    sms("GSM 7-bit 160 characters", dcs=0xF0, text="1234567890" * 16)
    sms("every character of the GSM default alphabet and its extension table", dcs=0x00,
        text="".join(sorted(GSM_DEFAULT, key=GSM_DEFAULT.get)) + "".join(GSM_EXTENSION)[:16])
    sms("UCS2 text", dcs=0x08, text="\u041f\u0440\u0438\u0432\u0435\u0442 \u4f60\u597d")
    sms("UCS2 text after a UDH with odd length", dcs=0x08, ies=[ie_concat8(3, 2, 2), (0x24, b"\x01")], text="\u00fcber",
        concat=concat_e(3, 8, 2, 2))
    sms("national number with * and #", originator=(2, 1, "*100#"), payload=b"")
    sms("unknown TON with 20 digits", originator=(0, 9, "12345678901234567890"), payload=b"\x00")
    sms("compressed GSM data stays bytes", dcs=0x20, payload=b"\x01\x02\x03")
    sms("message-waiting group (UCS2)", dcs=0xE0, text="ok")
    pdu = sms("time stamp with a non-decimal semi-octet is left undefined", payload=b"\x00",
              raw_ts=bytes([0x42, 0x30, 0x90, 0x31, 0x54, 0x7F, 0x40]))

    def reject(name, pdu, code):
        out["smsReject"].append({"name": name, "pdu": H(pdu), "code": code})

    base, _ = sms_deliver(payload=b"\x01")
    reject("TP-MTI 01 (SMS-SUBMIT-REPORT)", base[:8] + bytes([base[8] | 0x01]) + base[9:], "not-deliver")
    reject("TP-MTI 10 (SMS-STATUS-REPORT)", base[:8] + bytes([base[8] | 0x02]) + base[9:], "not-deliver")
    reject("TP-MTI 11 (reserved)", base[:8] + bytes([base[8] | 0x03]) + base[9:], "not-deliver")
    reject("originator of 21 semi-octets", b"\x00\x04\x15\x91" + b"\x21" * 11 + b"\x00\x04" + bytes(7) + b"\x00",
           "bad-address")
    reject("SMSC of 12 octets", b"\x0c\x91" + b"\x11" * 11 + b"\x04\x02\x81\x21\x00\x04" + bytes(7) + b"\x00",
           "bad-address")
    head = b"\x00\x44\x02\x81\x21\x00\x04" + bytes(7)
    reject("8-bit TP-UDL 141", head + b"\x8d" + bytes(141), "bad-udl")
    reject("7-bit TP-UDL 161", b"\x00\x04\x02\x81\x21\x00\x00" + bytes(7) + b"\xa1" + bytes(141), "bad-udl")
    reject("UDH longer than the user data", head + b"\x03\x05\x00\x03", "bad-udl")
    reject("UDHI with empty user data", head + b"\x00", "bad-udh")
    reject("IE overruns the UDH", head + b"\x05\x04\x00\x03\x01\x02", "bad-udh")
    reject("IE header cut by the UDH end", head + b"\x05\x04\x24\x01\x07\x25", "bad-udh")
    reject("8-bit concat IE of length 2", head + b"\x05\x04\x00\x02\x01\x02\x00", "bad-udh")
    reject("16-bit ports IE of length 3", head + b"\x06\x05\x05\x03\x01\x02\x03\x00", "bad-udh")
    reject("16-bit concat IE of length 3", head + b"\x05\x04\x08\x03\x01\x02\x03", "bad-udh")
    reject("8-bit ports IE of length 4", head + b"\x07\x06\x04\x04\x01\x02\x03\x04", "bad-udh")
    reject("SMS-DELIVER missing its user data", head + b"\x05\x01\x02", "truncated")

    # Multi-part pushes: a WSP push split into parts (each with its UDH within 140 octets), 8/16-bit refs and ports.
    def split_push(name, payload, size, ref, bits, port_bits, order_ports_first, originator=(1, 1, "+4917099999")):
        chunks = [payload[i:i + size] for i in range(0, len(payload), size)]
        total = len(chunks)
        parts = []
        for i, chunk in enumerate(chunks):
            c = ie_concat8(ref, total, i + 1) if bits == 8 else ie_concat16(ref, total, i + 1)
            p = ie_ports16(2948, 9200) if port_bits == 16 else ie_ports8(200, 201)
            ies = [p, c] if order_ports_first else [c, p]
            if i % 2:
                ies.insert(1, (0x24, b"\x07"))  # an unknown IE in some parts
            pdu, _ = sms_deliver(originator=originator, ies=ies, payload=chunk, dcs=0xF5 if i % 2 else 0x04)
            parts.append(H(pdu))
        shown = originator[2] if originator[0] == 1 else originator[2]
        out["concat"].append({"name": name, "parts": parts, "expect": {
            "originator": shown, "reference": ref, "referenceBits": bits,
            "destinationPort": 2948 if port_bits == 16 else 200, "originPort": 9200 if port_bits == 16 else 201,
            "data": H(payload)}})

    cp_body = bytes(rnd.randrange(256) for _ in range(300))
    cp_push = wsp_push(0x2A, general_form(b"\xb6\x91\x81\x92" + text("A" * 40)), b"\xaf\x87", cp_body)
    split_push("3 parts, 8-bit reference, 16-bit ports, concat IE first", cp_push, 120, 0x17, 8, 16, False)
    split_push("3 parts, 16-bit reference, 8-bit ports, ports IE first", cp_push, 125, 0xA55A, 16, 8, True)
    big = wsp_push(0x05, bytes([0xC4]), b"", bytes(rnd.randrange(256) for _ in range(600)))
    split_push("5 parts, 8-bit reference", big, 125, 0xFE, 8, 16, True, originator=(5, 0, "DMServer"))
    split_push("single-part concatenated message (total 1)", notif_wsp, 120, 0x01, 8, 16, False)

    # WSP push PDUs.
    def wsp(name, data, expect):
        out["wsp"].append({"name": name, "bytes": H(data), "expect": expect})

    body = b"\x12\x34"
    wsp("DM notification: content type code 0x44, application id code 0x07",
        wsp_push(0x01, b"\xc4", b"\xaf\x87", body),
        wsp_expect(0x01, "application/vnd.syncml.notification", 0x44, body, app="x-wap-application:syncml.dm",
                   app_code=7))
    wsp("content type and application id as text (what some gateways send)",
        wsp_push(0x02, text("application/vnd.syncml.notification"), b"\xaf" + text("x-wap-application:syncml.dm"), body),
        wsp_expect(0x02, "application/vnd.syncml.notification", None, body, app="x-wap-application:syncml.dm"))
    wsp("mixed-case text content type is lower-cased",
        wsp_push(0x02, text("Application/VND.SyncML.DM+XML"), b"", b""),
        wsp_expect(0x02, "application/vnd.syncml.dm+xml", None, b""))
    mac = "0123456789ABCDEF0123456789ABCDEF01234567"
    wsp("OMA CP: general form with SEC and MAC parameters (length quote)",
        wsp_push(0x00, general_form(b"\xb6\x91\x81\x92" + text(mac)), b"", b"\x03\x0b\x6a\x00"),
        wsp_expect(0x00, "application/vnd.wap.connectivity-wbxml", 0x36, b"\x03\x0b\x6a\x00",
                   params=[("sec", 1), ("mac", mac)]))
    wsp("OMA CP: general form, short length, SEC only",
        wsp_push(0x00, general_form(b"\xb6\x91\x80"), b"", b"\x03"),
        wsp_expect(0x00, "application/vnd.wap.connectivity-wbxml", 0x36, b"\x03", params=[("sec", 0)]))
    wsp("general form with text media and untyped and long-integer parameters",
        wsp_push(0x09, general_form(text("application/x-foo") + text("Level") + text("7") + b"\x81\x02\x03\xe8"),
                 b"", b""),
        wsp_expect(0x09, "application/x-foo", None, b"", params=[("level", "7"), ("charset", 1000)]))
    long_uri = "http://push.example.com/" + "p" * 150
    wsp("many headers, two-octet HeadersLen",
        wsp_push(0x33, b"\xc2",
                 b"\xaf\x87" + b"\xb1" + text(long_uri) + b"\x8d\x02\x01\x2c" + b"\xc3\x92" + b"\xb4\x81"
                 + text("X-Custom") + text("Value 1") + b"\x7f\x02\x85\x81", b"\xaa" * 300),
        wsp_expect(0x33, "application/vnd.syncml.dm+wbxml", 0x42, b"\xaa" * 300, app="x-wap-application:syncml.dm",
                   app_code=7, initiator=long_uri, length=300, version="1.2",
                   headers=[("push-flag", 1), ("x-custom", "Value 1"), ("page2:0x05", 1)]))
    wsp("Content-Length as short integer, Encoding-Version major only and as text",
        wsp_push(0x34, b"\xc3", b"\x8d\x85" + b"\xc3\x9f" + b"\xc3" + text("1.3"), b"hello"),
        wsp_expect(0x34, "application/vnd.syncml.dm+xml", 0x43, b"hello", length=5, version="1.3"))
    wsp("Encoding-Version general form (code page and version)",
        wsp_push(0x34, b"\xc3", b"\xc3\x02\x81\x93", b""),
        wsp_expect(0x34, "application/vnd.syncml.dm+xml", 0x43, b"", version="1.3"))
    wsp("application id as long integer (registered vendor code)",
        wsp_push(0x35, b"\xc4", b"\xaf\x02\x90\x02", b""),
        wsp_expect(0x35, "application/vnd.syncml.notification", 0x44, b"", app=None, app_code=0x9002))
    wsp("ConfirmedPush PDU type is accepted",
        wsp_push(0x36, b"\xc4", b"", b"\x01", pdu_type=0x07),
        wsp_expect(0x36, "application/vnd.syncml.notification", 0x44, b"\x01", pdu_type=0x07))
    wsp("unlisted well-known content type code, unknown header kept raw",
        wsp_push(0x37, b"\xff", b"\x92\x03\x01\x02\x03", b""),
        wsp_expect(0x37, None, 0x7F, b"", headers=[("date", {"hex": "010203"})]))
    wsp("quoted text content type", wsp_push(0x38, b"\x7f" + text("text/plain"), b"", b""),
        wsp_expect(0x38, "text/plain", None, b""))

    def wreject(name, data, code):
        out["wspReject"].append({"name": name, "bytes": H(data), "code": code})

    wreject("PDU type 0x08 is not a push", b"\x01\x08\x01\xc4", "not-push")
    wreject("PDU type 0x04 (Reply)", b"\x01\x04\x01\xc4", "not-push")
    wreject("uintvar of six octets", b"\x01\x06\x81\x80\x80\x80\x80\x00", "bad-uintvar")
    wreject("uintvar of 2^32", b"\x01\x06\x90\x80\x80\x80\x00\xc4", "bad-uintvar")
    wreject("HeadersLen 0", b"\x01\x06\x00\x01\x02", "bad-header")
    wreject("HeadersLen beyond the PDU", b"\x01\x06\x05\xc4\xaf", "truncated")
    wreject("text content type without end-of-string", b"\x01\x06\x04abcd\x00", "bad-header")
    wreject("header starting with NUL", b"\x01\x06\x02\xc4\x00", "bad-header")
    wreject("general form longer than the headers", b"\x01\x06\x03\x05\xb6\x91", "truncated")
    wreject("parameter starting with length quote", b"\x01\x06\x04\x03\xb6\x1f\x01", "bad-header")
    wreject("general form with no media", b"\x01\x06\x01\x00", "truncated")
    wreject("application header without value", b"\x01\x06\x03\xc4X\x00", "truncated")

    # DM notifications.
    accounts = {"dm.example.com": ("srvsecret", "01020304"), "other.example.org": ("pw2", "a1b2c3d4e5")}
    out["accounts"] = [{"serverId": k, "serverPassword": v[0], "nonce": v[1]} for k, v in accounts.items()]

    def notif(name, auth, **kw):
        data, expect = notification(**kw)
        out["notification"].append({"name": name, "bytes": H(data), "expect": expect, "auth": auth})

    notif("version 12, nonce as raw octets", "verified")
    notif("version 11, nonce as its Base64 text", "verified", version=11, nonce_form="b64")
    notif("vendor-specific part, user interaction, client initiated", "verified", ui_mode=3, initiator=0,
          vendor=b"\x00\x01vendor\xff", session_id=0xFFFF)
    notif("informative, non-zero future-use bits reported", "verified", ui_mode=2, future=0x5A5A5A5)
    notif("not specified ui mode, session 0", "verified", ui_mode=0, session_id=0)
    notif("other server, long nonce", "verified", server_id="other.example.org", password="pw2",
          nonce=bytes.fromhex("a1b2c3d4e5"), nonce_form="b64")
    notif("bad digest: wrong password", "bad-digest", password="wrong")
    notif("bad digest: wrong nonce", "bad-digest", nonce=b"\x09\x09\x09\x09")
    notif("re-synchronisation nonce as four zero octets", "resync", nonce_form=b"\x00\x00\x00\x00")
    notif("re-synchronisation nonce as the text 0x00000000", "resync", nonce_form=b"0x00000000")
    notif("re-synchronisation nonce as Base64 of four zero octets", "resync", nonce_form=b"AAAAAA==")
    notif("unknown server (no account)", "unknown-server", server_id="rogue.example.net", password="x")
    notif("non-ASCII server id", "unknown-server", server_id="s\u00e9rveur-\u00e4", password="x")

    def nreject(name, data, code):
        out["notificationReject"].append({"name": name, "bytes": H(data), "code": code})

    for v in (0, 1, 10, 13, 20, 1023):
        data, _ = notification(version=v)
        nreject(f"version {v}", data, "bad-version")
    data, _ = notification()
    nreject("server identifier length 0", data[:23] + b"\x00", "bad-notification")
    nreject("server identifier not UTF-8", data[:23] + b"\x02\xc3\x28", "bad-notification")
    nreject("server identifier cut short", data[:23] + b"\x05abc", "truncated")
    nreject("digest only", data[:16], "truncated")

    with open(sys.argv[1], "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, ensure_ascii=True)


if __name__ == "__main__":
    main()
