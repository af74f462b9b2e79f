#!/usr/bin/env python3
"""Independent test oracle for agent/push/bootstrap: ENCODES what the agent DECODES.

Builds OMA Client Provisioning wap-provisioningdoc documents (OMA-WAP-TS-ProvCont-V1_1) as WBXML (WAP-192-WBXML
1.1-1.3, public id 0x0B or the literal "-//WAPFORUM//DTD PROV 1.0//EN", code pages 0 and 1, string tables,
inline strings, entities, opaque data, attribute-start tokens with value prefixes, attribute-value tokens) and as
XML, from trees of characteristics and parms; computes the OMA-WAP-TS-ProvBoot-V1_1 MACs (NETWPIN, USERPIN,
USERNETWPIN, USERPINMAC) with hmac/hashlib; and writes the decoded fields, the expected DMAcc mapping of each w7
APPLICATION and the NAPDEF records, to the JSON file named on the command line. Standard library only; no code is
shared with the TypeScript agent. Byte strings are lower-case hex.

Usage: python3 make_cp_vectors.py OUT.json
"""
import base64
import hashlib
import hmac
import json
import random
import sys

H = lambda b: b.hex()  # noqa: E731

# ----------------------------------------------------------------------------------------- token tables
# ProvCont V1_1 section 8 (code page 0 is WAP-183-ProvCont's table; page 1 the OMA additions).
TAG = {("wap-provisioningdoc", 0): 0x05, ("characteristic", 0): 0x06, ("parm", 0): 0x07,
       ("characteristic", 1): 0x06, ("parm", 1): 0x07}

PAGE0_NAMES = [
    "NAME", "NAP-ADDRESS", "NAP-ADDRTYPE", "CALLTYPE", "VALIDUNTIL", "AUTHTYPE", "AUTHNAME", "AUTHSECRET", "LINGER",
    "BEARER", "NAPID", "COUNTRY", "NETWORK", "INTERNET", "PROXY-ID", "PROXY-PROVIDER-ID", "DOMAIN", "PROVURL",
    "PXAUTH-TYPE", "PXAUTH-ID", "PXAUTH-PW", "STARTPAGE", "BASAUTH-ID", "BASAUTH-PW", "PUSHENABLED", "PXADDR",
    "PXADDRTYPE", "TO-NAPID", "PORTNBR", "SERVICE", "LINKSPEED", "DNLINKSPEED", "LOCAL-ADDR", "LOCAL-ADDRTYPE",
    "CONTEXT-ALLOW", "TRUST", "MASTER", "SID", "SOC", "WSP-VERSION", "PHYSICAL-PROXY-ID", "CLIENT-ID",
    "DELIVERY-ERR-SDU", "DELIVERY-ORDER", "TRAFFIC-CLASS", "MAX-SDU-SIZE", "MAX-BITRATE-UPLINK",
    "MAX-BITRATE-DNLINK", "RESIDUAL-BER", "SDU-ERROR-RATIO", "TRAFFIC-HANDL-PRIO", "TRANSFER-DELAY",
    "GUARANTEED-BITRATE-UPLINK", "GUARANTEED-BITRATE-DNLINK", "PXADDR-FQDN", "PROXY-PW", "PPGAUTH-TYPE",
]
# (attribute, value prefix or None, page) -> token
START = {("name", None, 0): 0x05, ("value", None, 0): 0x06, ("version", None, 0): 0x45,
         ("version", "1.0", 0): 0x46, ("type", None, 0): 0x50,
         ("name", None, 1): 0x05, ("value", None, 1): 0x06, ("type", None, 1): 0x50}
for i, n in enumerate(PAGE0_NAMES):
    START[("name", n, 0)] = 0x07 + i
for tok, n in [(0x47, "PULLENABLED"), (0x48, "DNS-ADDR"), (0x49, "MAX-NUM-RETRY"), (0x4A, "FIRST-RETRY-TIMEOUT"),
               (0x4B, "REREG-THRESHOLD"), (0x4C, "T-BIT"), (0x4E, "AUTH-ENTITY"), (0x4F, "SPI")]:
    START[("name", n, 0)] = tok
for i, t in enumerate(["PXLOGICAL", "PXPHYSICAL", "PORT", "VALIDITY", "NAPDEF", "BOOTSTRAP", "VENDORCONFIG",
                       "CLIENTIDENTITY", "PXAUTHINFO", "NAPAUTHINFO", "ACCESS"]):
    START[("type", t, 0)] = 0x51 + i
for tok, n in [(0x07, "NAME"), (0x14, "INTERNET"), (0x1C, "STARTPAGE"), (0x22, "TO-NAPID"), (0x23, "PORTNBR"),
               (0x24, "SERVICE"), (0x2E, "AACCEPT"), (0x2F, "AAUTHDATA"), (0x30, "AAUTHLEVEL"), (0x31, "AAUTHNAME"),
               (0x32, "AAUTHSECRET"), (0x33, "AAUTHTYPE"), (0x34, "ADDR"), (0x35, "ADDRTYPE"), (0x36, "APPID"),
               (0x37, "APROTOCOL"), (0x38, "PROVIDER-ID"), (0x39, "TO-PROXY"), (0x3A, "URI"), (0x3B, "RULE")]:
    START[("name", n, 1)] = tok
for tok, t in [(0x53, "PORT"), (0x55, "APPLICATION"), (0x56, "APPADDR"), (0x57, "APPAUTH"),
               (0x58, "CLIENTIDENTITY"), (0x59, "RESOURCE")]:
    START[("type", t, 1)] = tok

# (value, page) -> token
VALUE = {}
for page, first, names in [
    (0, 0x85, "IPV4 IPV6 E164 ALPHA APN SCODE TETRA-ITSI MAN"),
    (0, 0x90, "ANALOG-MODEM V.120 V.110 X.31 BIT-TRANSPARENT DIRECT-ASYNCHRONOUS-DATA-SERVICE"),
    (0, 0x9A, "PAP CHAP HTTP-BASIC HTTP-DIGEST WTLS-SS MD5"),
    (0, 0xA2, "GSM-USSD GSM-SMS ANSI-136-GUTS IS-95-CDMA-SMS IS-95-CDMA-CSD IS-95-CDMA-PACKET ANSI-136-CSD "
              "ANSI-136-GPRS GSM-CSD GSM-GPRS AMPS-CDPD PDC-CSD PDC-PACKET IDEN-SMS IDEN-CSD IDEN-PACKET FLEX/REFLEX "
              "PHS-SMS PHS-CSD TETRA-SDS TETRA-PACKET ANSI-136-GHOST MOBITEX-MPAK CDMA2000-1X-SIMPLE-IP "
              "CDMA2000-1X-MOBILE-IP"),
    (0, 0xC5, "AUTOBAUDING"),
    (0, 0xCA, "CL-WSP CO-WSP CL-SEC-WSP CO-SEC-WSP CL-SEC-WTA CO-SEC-WTA OTA-HTTP-TO OTA-HTTP-TLS-TO OTA-HTTP-PO "
              "OTA-HTTP-TLS-PO"),
    (0, 0xE0, "AAA HA"),
    (1, 0x86, "IPV6 E164 ALPHA"),
    (1, 0x8D, "APPSRV OBEX"),
    (1, 0x90, ", HTTP- BASIC DIGEST"),
]:
    for i, v in enumerate(names.split(" ")):
        VALUE[(v, page)] = first + i

PROV_LITERAL = "-//WAPFORUM//DTD PROV 1.0//EN"


def mb(n):
    out = [n & 0x7F]
    n >>= 7
    while n:
        out.append(0x80 | (n & 0x7F))
        n >>= 7
    return bytes(reversed(out))


# ------------------------------------------------------------------------------------------ WBXML encoder
class Encoder:
    """One document. `rnd` picks among the equivalent encodings; `strtab` allows string-table references;
    `exotic` allows what libwbxml's wbxml2xml may not render (ENTITY, OPAQUE, LITERAL attribute names)."""

    def __init__(self, rnd, version=3, strtab=True, literal=False, exotic=True):
        self.rnd, self.version, self.strtab, self.literal, self.exotic = rnd, version, strtab, literal, exotic
        self.table = bytearray()
        self.offsets = {}
        self.tag_page = 0
        self.attr_page = 0

    def ref(self, s):
        if s not in self.offsets:
            self.offsets[s] = len(self.table)
            self.table += s.encode("utf-8") + b"\x00"
        return self.offsets[s]

    def attr_token(self, page, token):
        out = b""
        if page != self.attr_page or self.rnd.random() < 0.05:
            out = bytes([0x00, page])
            self.attr_page = page
        return out + bytes([token])

    def text(self, s):
        """Value parts for `s` (possibly empty), as one of the equivalent forms."""
        r = self.rnd
        if s == "":
            return b"" if r.random() < 0.5 else b"\x03\x00"
        for page in ([self.attr_page, 1 - self.attr_page]):
            if (s, page) in VALUE and r.random() < 0.8:
                return self.attr_token(page, VALUE[(s, page)])
        prefixes = [(v, p) for (v, p) in VALUE if s.startswith(v) and len(v) < len(s) and v != ","]
        if prefixes and r.random() < 0.5:
            v, p = max(prefixes, key=lambda x: len(x[0]))
            return self.attr_token(p, VALUE[(v, p)]) + self.text(s[len(v):])
        choice = r.random()
        if self.exotic and choice < 0.15 and any(ord(c) > 0x7F for c in s):
            k = next(i for i, c in enumerate(s) if ord(c) > 0x7F)
            return self.text(s[:k]) + b"\x02" + mb(ord(s[k])) + self.text(s[k + 1:])
        if self.exotic and choice < 0.22:
            data = s.encode("utf-8")
            return b"\xc3" + mb(len(data)) + data
        if self.strtab and choice < 0.55:
            return b"\x83" + mb(self.ref(s))
        if len(s) > 3 and choice < 0.7:
            k = r.randrange(1, len(s))
            return self.text(s[:k]) + self.text(s[k:])
        return b"\x03" + s.encode("utf-8") + b"\x00"

    def attribute(self, name, value):
        r = self.rnd
        # attribute-start with a value prefix: the whole value, or its start and the rest as more parts
        options = [(v, p) for (a, v, p) in START if a == name and v is not None and value.startswith(v)]
        if options and r.random() < 0.8:
            v, p = max(options, key=lambda x: (len(x[0]), r.random()))
            return self.attr_token(p, START[(name, v, p)]) + self.text(value[len(v):])
        if self.exotic and self.strtab and r.random() < 0.1:
            return b"\x04" + mb(self.ref(name)) + self.text(value)
        page = r.choice([p for (a, v, p) in START if a == name and v is None])
        return self.attr_token(page, START[(name, None, page)]) + self.text(value)

    def tag(self, name, attrs, children, force_content=False):
        r = self.rnd
        pages = [p for (n, p) in TAG if n == name]
        page = self.tag_page if self.tag_page in pages and r.random() < 0.8 else r.choice(pages)
        out = b""
        if page != self.tag_page:
            out += bytes([0x00, page])
            self.tag_page = page
        token = TAG[(name, page)] | (0x80 if attrs else 0) | (0x40 if children or force_content else 0)
        out += bytes([token])
        if attrs:
            for a, v in attrs:
                out += self.attribute(a, v)
            out += b"\x01"
        if children or force_content:
            for c in children:
                out += c()
            out += b"\x01"
        return out

    def characteristic(self, c):
        parms = [lambda p=p: self.parm(p) for p in c["parms"]]
        chars = [lambda k=k: self.characteristic(k) for k in c["characteristics"]]
        kids = parms + chars
        if self.rnd.random() < 0.3:  # the DTD lets parms and characteristics interleave; each keeps its order
            kids = []
            while parms or chars:
                kids.append((parms if parms and (not chars or self.rnd.random() < 0.5) else chars).pop(0))
        return self.tag("characteristic", [("type", c["type"])], kids)

    def parm(self, p):
        attrs = [("name", p["name"])] + ([("value", p["value"])] if "value" in p else [])
        if self.rnd.random() < 0.15:
            attrs.reverse()
        return self.tag("parm", attrs, [], force_content=self.rnd.random() < 0.1)

    def document(self, doc):
        attrs = [("version", doc["version"])] if "version" in doc else []
        body = self.tag("wap-provisioningdoc", attrs, [lambda c=c: self.characteristic(c) for c in doc["characteristics"]])
        if self.literal:
            head = bytes([self.version]) + b"\x00" + mb(self.ref(PROV_LITERAL))
        else:
            head = bytes([self.version]) + mb(0x0B)
        return head + mb(106) + mb(len(self.table)) + bytes(self.table) + body


# ---------------------------------------------------------------------------------------------- XML
def xml_escape(s, rnd, quote):
    out = []
    for ch in s:
        if ch == "&":
            out.append("&amp;")
        elif ch == "<":
            out.append("&lt;")
        elif ch == quote:
            out.append("&quot;" if ch == '"' else "&apos;")
        elif ch in "\t\n\r":
            out.append("&#%d;" % ord(ch))
        elif ord(ch) > 0x7F and rnd.random() < 0.3:
            out.append("&#x%X;" % ord(ch) if rnd.random() < 0.5 else "&#%d;" % ord(ch))
        elif ch == ">" and rnd.random() < 0.5:
            out.append("&gt;")
        else:
            out.append(ch)
    return "".join(out)


def to_xml(doc, rnd, fancy=True):
    nl = "\n" if rnd.random() < 0.7 else ""
    out = []
    if rnd.random() < 0.7:
        out.append('<?xml version="1.0" encoding="UTF-8"?>' + nl)
    if rnd.random() < 0.7:
        out.append('<!DOCTYPE wap-provisioningdoc PUBLIC "-//WAPFORUM//DTD PROV 1.0//EN" '
                   '"http://www.wapforum.org/DTD/prov.dtd">' + nl)
    if fancy and rnd.random() < 0.5:
        out.append("<!-- provisioning for <test> & co -->" + nl)

    def attr(name, value):
        q = '"' if rnd.random() < 0.8 else "'"
        sp = " " if rnd.random() < 0.8 else "\n  "
        return '%s%s%s=%s%s%s' % (sp, name, " " if fancy and rnd.random() < 0.1 else "", q, xml_escape(value, rnd, q), q)

    def char(c, depth):
        ind = "  " * depth if nl else ""
        out.append('%s<characteristic%s>%s' % (ind, attr("type", c["type"]), nl))
        for p in c["parms"]:
            a = [attr("name", p["name"])] + ([attr("value", p["value"])] if "value" in p else [])
            if rnd.random() < 0.15:
                a.reverse()
            end = "/>" if rnd.random() < 0.8 else "></parm>"
            out.append('%s  <parm%s%s%s' % (ind, "".join(a), end, nl))
        if fancy and rnd.random() < 0.2:
            out.append("%s  <!-- a comment -->%s<?pi here?>%s" % (ind, nl, nl))
        for k in c["characteristics"]:
            char(k, depth + 1)
        out.append("%s</characteristic%s>%s" % (ind, " " if fancy and rnd.random() < 0.1 else "", nl))

    out.append("<wap-provisioningdoc%s>%s" % (attr("version", doc["version"]) if "version" in doc else "", nl))
    for c in doc["characteristics"]:
        char(c, 1)
    out.append("</wap-provisioningdoc>" + nl)
    return "".join(out)


# --------------------------------------------------------------------------------------------- documents
def C(type_, parms=(), chars=()):
    return {"type": type_, "parms": [({"name": n} if v is None else {"name": n, "value": v}) for n, v in parms],
            "characteristics": list(chars)}


W7_BASIC = {"version": "1.0", "characteristics": [
    C("APPLICATION", [("APPID", "w7"), ("PROVIDER-ID", "com.example.dm"), ("NAME", "Example DM server"),
                      ("ADDR", "https://dm.example.com:8443/manage")],
      [C("APPAUTH", [("AAUTHLEVEL", "APPSRV"), ("AAUTHTYPE", "DIGEST"), ("AAUTHNAME", "device-0001"),
                     ("AAUTHSECRET", "client secret"), ("AAUTHDATA", base64.b64encode(b"client nonce").decode())]),
       C("APPAUTH", [("AAUTHLEVEL", "CLIENT"), ("AAUTHTYPE", "DIGEST"), ("AAUTHNAME", "com.example.dm"),
                     ("AAUTHSECRET", "server secret"), ("AAUTHDATA", base64.b64encode(bytes(range(16))).decode())])]),
]}

W7_NAPDEF = {"version": "1.1", "characteristics": [
    C("BOOTSTRAP", [("NAME", "Operator"), ("PROVURL", "http://prov.example.net/")]),
    C("NAPDEF", [("NAPID", "GPRS-1"), ("NAME", "Operator GPRS"), ("BEARER", "GSM-GPRS"), ("BEARER", "GSM-CSD"),
                 ("NAP-ADDRESS", "internet.example.net"), ("NAP-ADDRTYPE", "APN"), ("DNS-ADDR", "192.0.2.53"),
                 ("INTERNET", None)],
      [C("NAPAUTHINFO", [("AUTHTYPE", "PAP"), ("AUTHNAME", "gprs"), ("AUTHSECRET", "gprs & pass")])]),
    C("APPLICATION", [("APPID", "w7"), ("PROVIDER-ID", "operator-dm"), ("NAME", "Operator DM"), ("TO-NAPID", "GPRS-1"),
                      ("TO-PROXY", "PROXY-1"), ("INIT", None), ("ROLE", "8")],
      [C("APPADDR", [("ADDR", "https://dm.operator.example/dm"), ("ADDRTYPE", "IPV6")],
         [C("PORT", [("PORTNBR", "443"), ("SERVICE", "CO-WSP")]), C("PORT", [("PORTNBR", "99999")])]),
       C("APPADDR", [("ADDRTYPE", "IPV4")]),
       C("APPAUTH", [("AAUTHLEVEL", "APPSRV"), ("AAUTHTYPE", "HTTP-BASIC"), ("AAUTHNAME", "imei:490154203237518"),
                     ("AAUTHSECRET", "p\u00e4ss\u20acw\u00f6rd")]),
       C("APPAUTH", [("AAUTHLEVEL", "CLIENT"), ("AAUTHTYPE", "HMAC"), ("AAUTHSECRET", "srv"),
                     ("AAUTHDATA", "not base64!")]),
       C("APPAUTH", [("AAUTHLEVEL", "SOMETHING"), ("AAUTHSECRET", "dropped")]),
       C("RESOURCE", [("URI", "./x")])]),
]}

W7_WINDOWS = {"version": "1.1", "characteristics": [
    C("APPLICATION", [("APPID", "w7"), ("PROVIDER-ID", "mdm.contoso.test"), ("NAME", "Contoso"),
                      ("ADDR", "https://mdm.contoso.test/omadm"), ("ADDR", "https://backup.contoso.test/omadm"),
                      ("DEFAULTENCODING", "application/vnd.syncml.dm+wbxml"), ("BACKCOMPATRETRYDISABLED", None),
                      ("CONNRETRYFREQ", "6"), ("AAUTHPREF", "digest"), ("NAME", "second name ignored")],
      [C("APPAUTH", [("AAUTHTYPE", "BASIC"), ("AAUTHNAME", "u"), ("AAUTHSECRET", "s")])]),
    C("APPLICATION", [("APPID", "w2"), ("NAME", "a browser")]),
]}

BROWSER = {"characteristics": [
    C("PXLOGICAL", [("PROXY-ID", "proxy.example"), ("NAME", "WAP proxy"), ("STARTPAGE", "http://wap.example/"),
                    ("TRUST", None), ("PXAUTH-TYPE", "HTTP-BASIC"), ("PXAUTH-ID", "u"), ("PXAUTH-PW", "p")],
      [C("PXPHYSICAL", [("PHYSICAL-PROXY-ID", "PX1"), ("PXADDR", "192.0.2.1"), ("PXADDRTYPE", "IPV4"),
                        ("TO-NAPID", "NAP1")],
         [C("PORT", [("PORTNBR", "9201"), ("SERVICE", "CO-WSP")])])]),
    C("VENDORCONFIG", [("NAME", "vendor"), ("custom-parm", "x\ty\nz"), ("EMPTY", "")]),
    C("CLIENTIDENTITY", [("CLIENT-ID", "0123456789")]),
]}

W7_XML_ONLY = {"version": "1.0", "characteristics": [
    C("APPLICATION", [("APPID", "w7"), ("PROVIDER-ID", "x<&>\"'y"), ("NAME", "\U0001F600 emoji & \u00e9")]),
]}

FIXED = [("w7 APPLICATION with two APPAUTH", W7_BASIC), ("w7 APPLICATION with NAPDEF and BOOTSTRAP", W7_NAPDEF),
         ("Windows-style w7 with DEFAULTENCODING and a non-w7 APPLICATION", W7_WINDOWS),
         ("browser settings: PXLOGICAL, PXPHYSICAL, PORT, VENDORCONFIG", BROWSER),
         ("w7 with markup characters and non-BMP text", W7_XML_ONLY)]

ALL_NAMES = sorted({v for (a, v, p) in START if a == "name" and v})
ALL_TYPES = sorted({v for (a, v, p) in START if a == "type" and v})
ALL_VALUES = sorted({v for (v, p) in VALUE if v != ","})


def random_doc(rnd):
    def text():
        pick = rnd.random()
        if pick < 0.3:
            return rnd.choice(ALL_VALUES)
        if pick < 0.4:
            return rnd.choice(ALL_VALUES) + rnd.choice(["", "-x", ":8080", "\u00fc"])
        alphabet = "abcXYZ019 ./:-_&<>\"'\u00e9\u4e2d"
        return "".join(rnd.choice(alphabet) for _ in range(rnd.randrange(0, 24)))

    def char(depth):
        parms = []
        for _ in range(rnd.randrange(0, 6)):
            name = rnd.choice(ALL_NAMES) if rnd.random() < 0.8 else "X-" + str(rnd.randrange(1000))
            parms.append((name, None if rnd.random() < 0.15 else text()))
        kids = [char(depth + 1) for _ in range(rnd.randrange(0, 3 if depth < 3 else 1))]
        return C(rnd.choice(ALL_TYPES) if rnd.random() < 0.85 else "T" + str(rnd.randrange(99)), parms, kids)

    doc = {"characteristics": [char(1) for _ in range(rnd.randrange(1, 4))]}
    if rnd.random() < 0.6:
        doc["version"] = rnd.choice(["1.0", "1.1", "1.0x"])
    return doc


# ------------------------------------------------------------------------------- expected w7 / NAPDEF
def first(c, name):
    for p in c["parms"]:
        if p["name"] == name:
            return p.get("value") or None
    return None


def w7_expect(c, acc):
    """The Adds w7.ts must produce (its header comment states the rules), and the names it must report."""
    base = "./DMAcc/" + acc
    adds, ign = [], []

    def add(path, value=None, fmt="chr"):
        adds.append({"uri": base + ("/" + path if path else "")} if value is None else
                    {"uri": base + "/" + path, "value": {"format": fmt, "data": value}})

    single = ["APPID", "PROVIDER-ID", "NAME", "AAUTHPREF", "DEFAULTENCODING", "INIT"]
    seen = set()
    for p in c["parms"]:
        if (p["name"] not in single and p["name"] not in ("ADDR", "TO-NAPID", "TO-PROXY")) or \
                (p["name"] in single and p["name"] in seen):
            ign.append("APPLICATION/" + p["name"])
        seen.add(p["name"])
    add("")
    add("AppID", "w7")
    add("ServerID", first(c, "PROVIDER-ID"))
    if first(c, "NAME"):
        add("Name", first(c, "NAME"))
    refs = [p["value"] for p in c["parms"] if p["name"] in ("TO-NAPID", "TO-PROXY") and p.get("value")]
    if refs:
        add("PrefConRef", refs[0])
    if len(refs) > 1:
        add("ToConRef")
        for i, r in enumerate(refs, 1):
            add("ToConRef/%d" % i)
            add("ToConRef/%d/ConRef" % i, r)
    addrs = [(p["value"], "URI", []) for p in c["parms"] if p["name"] == "ADDR" and p.get("value")]
    for a in c["characteristics"]:
        if a["type"] != "APPADDR":
            continue
        s2 = set()
        for p in a["parms"]:
            if p["name"] not in ("ADDR", "ADDRTYPE") or p["name"] in s2:
                ign.append("APPLICATION/APPADDR/" + p["name"])
            s2.add(p["name"])
        if not first(a, "ADDR"):
            ign.append("APPLICATION/APPADDR (no ADDR)")
            continue
        ports = []
        for port in a["characteristics"]:
            nbr = first(port, "PORTNBR") if port["type"] == "PORT" else None
            if nbr and nbr.isdigit() and len(nbr) <= 5 and int(nbr) <= 65535:
                ports.append(str(int(nbr)))
            else:
                ign.append("APPLICATION/APPADDR/" + port["type"] + ("/PORTNBR " + nbr[:16] if nbr else ""))
            if port["type"] == "PORT":
                s3 = set()
                for p in port["parms"]:
                    if p["name"] != "PORTNBR" or p["name"] in s3:
                        ign.append("APPLICATION/APPADDR/PORT/" + p["name"])
                    s3.add(p["name"])
        t = (first(a, "ADDRTYPE") or "URI").upper()
        addrs.append((first(a, "ADDR"), {"IPV4": "IPv4", "IPV6": "IPv6"}.get(t, t), ports))
    if addrs:
        add("AppAddr")
    for i, (addr, t, ports) in enumerate(addrs, 1):
        add("AppAddr/%d" % i)
        add("AppAddr/%d/Addr" % i, addr)
        add("AppAddr/%d/AddrType" % i, t)
        if ports:
            add("AppAddr/%d/Port" % i)
        for k, port in enumerate(ports, 1):
            add("AppAddr/%d/Port/%d" % (i, k))
            add("AppAddr/%d/Port/%d/PortNbr" % (i, k), port, "int")
    if first(c, "AAUTHPREF"):
        add("AAuthPref", first(c, "AAUTHPREF").upper())
    n = 0
    for a in c["characteristics"]:
        if a["type"] != "APPAUTH":
            continue
        s2 = set()
        for p in a["parms"]:
            if p["name"] not in ("AAUTHLEVEL", "AAUTHTYPE", "AAUTHNAME", "AAUTHSECRET", "AAUTHDATA") or p["name"] in s2:
                ign.append("APPLICATION/APPAUTH/" + p["name"])
            s2.add(p["name"])
        given = (first(a, "AAUTHLEVEL") or "APPSRV").upper()
        level = {"APPSRV": "CLCRED", "CLIENT": "SRVCRED"}.get(given, given)
        if level not in ("CLCRED", "SRVCRED", "OBEX", "HTTP"):
            ign.append("APPLICATION/APPAUTH (AAUTHLEVEL %s)" % given[:16])
            continue
        if n == 0:
            add("AppAuth")
        n += 1
        add("AppAuth/%d" % n)
        add("AppAuth/%d/AAuthLevel" % n, level)
        if first(a, "AAUTHTYPE"):
            add("AppAuth/%d/AAuthType" % n, first(a, "AAUTHTYPE").upper())
        if first(a, "AAUTHNAME"):
            add("AppAuth/%d/AAuthName" % n, first(a, "AAUTHNAME"))
        if first(a, "AAUTHSECRET"):
            add("AppAuth/%d/AAuthSecret" % n, first(a, "AAUTHSECRET"))
        data = first(a, "AAUTHDATA")
        if data:
            try:
                raw = base64.b64decode(data, validate=True)
            except Exception:
                raw = data.encode("utf-8")
                ign.append("APPLICATION/APPAUTH/AAUTHDATA (not base64: its text taken as the bytes)")
            add("AppAuth/%d/AAuthData" % n, base64.b64encode(raw).decode(), "b64")
    enc = (first(c, "DEFAULTENCODING") or "").lower()
    if enc:
        e = "wbxml" if enc.endswith("wbxml") else "xml" if enc.endswith("xml") else ""
        if e:
            add("Ext")
            add("Ext/Encoding", e)
        else:
            ign.append("APPLICATION/DEFAULTENCODING " + enc[:40])
    for k in c["characteristics"]:
        if k["type"] not in ("APPADDR", "APPAUTH"):
            ign.append("APPLICATION/" + k["type"])
    return adds, ign


def napdef_expect(c):
    vals = lambda k, n: [p["value"] for p in k["parms"] if p["name"] == n and p.get("value")]  # noqa: E731
    auth = [{"type": first(k, "AUTHTYPE"), "name": first(k, "AUTHNAME"), "secret": first(k, "AUTHSECRET")}
            for k in c["characteristics"] if k["type"] == "NAPAUTHINFO"]
    return {"napId": first(c, "NAPID"), "name": first(c, "NAME"), "address": first(c, "NAP-ADDRESS"),
            "addressType": first(c, "NAP-ADDRTYPE"), "bearers": vals(c, "BEARER"), "dns": vals(c, "DNS-ADDR"),
            "auth": auth}


# --------------------------------------------------------------------------------------------- security
def semi_octets(imsi):
    """3GPP TS 24.008 mobile identity digits (ProvBoot 5.3): type 1, odd/even flag, F filler, nibble-swapped."""
    s = ("9" if len(imsi) % 2 else "1") + imsi + ("" if len(imsi) % 2 else "F")
    return bytes.fromhex("".join(s[i + 1] + s[i] for i in range(0, len(s), 2)))


def mac(key, doc):
    return hmac.new(key, doc, hashlib.sha1).hexdigest().upper()


def pinmac(pin, doc):
    digest = hmac.new(pin.encode(), doc, hashlib.sha1).digest()
    return pin + "".join(str(digest[i] % 10) for i in range(len(pin)))


# ------------------------------------------------------------------------------------------------ main
def main(path):
    rnd = random.Random(20240917)
    out = {"wbxml": [], "xml": [], "w7": [], "napdef": [], "mac": [], "semi": [], "reject": [], "xmlReject": []}

    def wbxml(name, doc, **opts):
        # wbxml2xml writes tab and line feed into attribute values raw, which XML readers must turn into spaces
        peer = not opts.get("exotic", True) and not any(ch in json.dumps(doc) for ch in ("\\t", "\\n", "\\r"))
        enc = Encoder(rnd, **opts)
        out["wbxml"].append({"name": name, "bytes": H(enc.document(doc)), "expect": doc, "peer": peer})

    variants = [dict(version=3, strtab=True), dict(version=1, strtab=False), dict(version=2, strtab=True, literal=True),
                dict(version=3, strtab=False, exotic=False), dict(version=3, strtab=True, exotic=False)]
    docs = FIXED + [("random document %d" % i, random_doc(rnd)) for i in range(40)]
    for name, doc in docs:
        for v in variants:
            wbxml("%s %s" % (name, json.dumps(v, sort_keys=True)), doc, **v)
        for k in range(2):
            out["xml"].append({"name": "%s (XML %d)" % (name, k), "text": to_xml(doc, rnd, fancy=k == 0),
                               "expect": doc, "peer": k == 1})

    acc = 0
    for name, doc in FIXED:
        for c in doc["characteristics"]:
            if c["type"] == "APPLICATION" and first(c, "APPID") == "w7":
                acc += 1
                adds, ign = w7_expect(c, "acc%d" % acc)
                out["w7"].append({"name": name, "characteristic": c, "account": "acc%d" % acc, "adds": adds,
                                  "ignored": ign, "init": any(p["name"] == "INIT" for p in c["parms"])})
            if c["type"] == "NAPDEF":
                out["napdef"].append({"name": name, "characteristic": c, "expect": napdef_expect(c)})

    # MACs over WBXML documents as a push carries them
    for imsi in ["123456789012345", "21407650123456", "310150123456789", "001011234567895", "1", "12"]:
        out["semi"].append({"imsi": imsi, "key": H(semi_octets(imsi))})
    for i, (name, doc) in enumerate(FIXED[:3]):
        body = Encoder(rnd, version=3).document(doc)
        imsi = ["262011234567890", "21407650123456", "310260000000001"][i]
        pin = ["1234", "0000", "98765432"][i]

        def v(label, sec, mac_, expect, **kw):
            out["mac"].append(dict({"name": "%s: %s" % (name, label), "document": H(body), "sec": sec,
                                    "mac": mac_, "expect": expect}, **kw))
        netw = mac(semi_octets(imsi), body)
        v("NETWPIN", 0, netw, "ok", imsi=imsi)
        v("NETWPIN, lower-case MAC", 0, netw.lower(), "ok", imsi=imsi)
        v("NETWPIN, SEC as text", "NETWPIN", netw, "ok", imsi=imsi)
        v("NETWPIN, wrong IMSI", 0, netw, "bad-mac", imsi=imsi[:-1] + str((int(imsi[-1]) + 1) % 10))
        v("NETWPIN, IMSI as plain ASCII is not the key", 0, mac(imsi.encode(), body), "bad-mac", imsi=imsi)
        v("NETWPIN, no IMSI", 0, netw, "need-imsi")
        v("NETWPIN, MAC one digit off", 0, netw[:-1] + ("0" if netw[-1] != "0" else "1"), "bad-mac", imsi=imsi)
        v("NETWPIN, MAC too short", 0, netw[:38], "bad-mac", imsi=imsi)
        userp = mac(pin.encode(), body)
        v("USERPIN", 1, userp, "ok", userPin=pin)
        v("USERPIN, SEC as decimal text", "1", userp, "ok", userPin=pin)
        v("USERPIN, wrong PIN", 1, userp, "bad-mac", userPin=pin + "1")
        v("USERPIN, no PIN", 1, userp, "need-user-pin", imsi=imsi)
        un = mac(semi_octets(imsi) + pin.encode(), body)
        v("USERNETWPIN", 2, un, "ok", imsi=imsi, userPin=pin)
        v("USERNETWPIN, PIN before IMSI is not the key", 2, mac(pin.encode() + semi_octets(imsi), body), "bad-mac",
          imsi=imsi, userPin=pin)
        v("USERNETWPIN, no IMSI", 2, un, "need-imsi", userPin=pin)
        v("USERNETWPIN, no PIN", 2, un, "need-user-pin", imsi=imsi)
        pm = pinmac(pin, body)
        v("USERPINMAC", 3, None, "ok", userPin=pm)
        v("USERPINMAC, MAC parameter not used", 3, "00" * 20, "ok", userPin=pm)
        v("USERPINMAC, wrong MAC digit", 3, None, "bad-mac", userPin=pm[:-1] + str((int(pm[-1]) + 1) % 10))
        v("USERPINMAC, odd length", 3, None, "bad-mac", userPin=pm[:-1])
        v("USERPINMAC, no PIN", 3, None, "need-user-pin")
        v("unknown SEC 4", 4, netw, "unsupported", imsi=imsi, userPin=pin)
        v("no SEC", None, netw, "unsupported", imsi=imsi, userPin=pin)

    # Malformed WBXML: (name, bytes, code)
    head = b"\x03\x0b\x6a\x00"
    app = b"\xc6\x00\x01\x55\x01\x87\x36\x00\x00\x06\x03w7\x00\x01\x01"  # characteristic APPLICATION, parm APPID=w7
    good = head + b"\x45" + app + b"\x01"
    rejects = [
        ("WBXML 1.0 version byte", b"\x00" + good[1:], "bad-provisioning"),
        ("version byte 4", b"\x04" + good[1:], "bad-provisioning"),
        ("public id of SI 1.0", b"\x03\x05" + good[2:], "bad-provisioning"),
        ("literal public id of SyncML", b"\x03\x00\x00\x6a\x1e-//SYNCML//DTD SyncML 1.2//EN\x00" + good[4:],
         "bad-provisioning"),
        ("charset ISO-8859-1", b"\x03\x0b\x04\x00" + good[4:], "bad-provisioning"),
        ("string table longer than the document", b"\x03\x0b\x6a\x7f" + good[4:], "truncated"),
        ("root is a characteristic", head + app, "bad-provisioning"),
        ("unknown tag token 0x08", head + b"\x45\x48\x01", "bad-provisioning"),
        ("tag page 2", head + b"\x00\x02\x45\x01", "bad-provisioning"),
        ("unknown attribute-start token", head + b"\x45\xc6\x7e\x01\x01\x01", "bad-provisioning"),
        ("attribute-start token on page 3", head + b"\x45\xc6\x00\x03\x55\x01\x01\x01", "bad-provisioning"),
        ("unknown attribute-value token", head + b"\x45\xc6\x50\xff\x01\x01\x01", "bad-provisioning"),
        ("attribute value before a name", head + b"\x45\xc6\x03x\x00\x01\x01\x01", "bad-provisioning"),
        ("EXT_I in an attribute value", head + b"\x45\xc6\x50\x40x\x00\x01\x01\x01", "bad-provisioning"),
        ("string-table reference outside the table", head + b"\x45\xc6\x50\x83\x05\x01\x01\x01", "bad-provisioning"),
        ("inline string without NUL", head + b"\x45\xc6\x50\x03abc", "truncated"),
        ("ends after the document element tag", head + b"\x45", "truncated"),
        ("ends inside attributes", head + b"\x45\xc6\x55", "truncated"),
        ("bytes after the document element", good + b"\x01", "bad-provisioning"),
        ("parm at the top level", head + b"\x45\x87\x36\x00\x00\x06\x03w7\x00\x01\x01", "bad-provisioning"),
        ("characteristic without type", head + b"\x45\x46\x01", "bad-provisioning"),
        ("parm without name", head + b"\x45\xc6\x53\x01\x87\x06\x03x\x00\x01\x01\x01", "bad-provisioning"),
        ("type given twice", head + b"\x45\xc6\x53\x53\x01\x01\x01", "bad-provisioning"),
        ("characteristic inside a parm", head + b"\x45\xc6\x53\x01\xc7\x07\x01\x46\x01\x01\x01\x01", "bad-provisioning"),
        ("no characteristic", head + b"\x05", "bad-provisioning"),
        ("mb_u_int32 of six octets", b"\x03\x80\x80\x80\x80\x80\x0b\x6a\x00\x45\x01", "bad-provisioning"),
        ("entity that is a surrogate", head + b"\x45\xc6\x50\x02\x83\xb0\x00\x01\x01\x01", "bad-provisioning"),
        ("invalid UTF-8 in an inline string", head + b"\x45\xc6\x50\x03\xc3\x28\x00\x01\x01\x01", "bad-provisioning"),
        ("processing instruction in content", head + b"\x45\x43\x05\x01\x01", "bad-provisioning"),
        ("empty input", b"", "truncated"),
        ("not WBXML or XML", b"\xffgarbage", "bad-provisioning"),
    ]
    for name, data, code in rejects:
        out["reject"].append({"name": name, "bytes": H(data), "code": code})
    out["good"] = H(good)

    xml_rejects = [
        ("internal DTD subset (billion laughs)", '<?xml version="1.0"?><!DOCTYPE wap-provisioningdoc [<!ENTITY a "aaaa">'
         '<!ENTITY b "&a;&a;&a;&a;">]><wap-provisioningdoc><characteristic type="&b;"/></wap-provisioningdoc>',
         "bad-provisioning"),
        ("unknown entity", '<wap-provisioningdoc><characteristic type="&ent;"/></wap-provisioningdoc>', "bad-provisioning"),
        ("bare ampersand", '<wap-provisioningdoc><characteristic type="a&b"/></wap-provisioningdoc>', "bad-provisioning"),
        ("character reference to NUL", '<wap-provisioningdoc><characteristic type="&#0;"/></wap-provisioningdoc>',
         "bad-provisioning"),
        ("< in an attribute value", '<wap-provisioningdoc><characteristic type="a<b"/></wap-provisioningdoc>',
         "bad-provisioning"),
        ("unquoted attribute", "<wap-provisioningdoc><characteristic type=A/></wap-provisioningdoc>", "bad-provisioning"),
        ("mismatched end tag", '<wap-provisioningdoc><characteristic type="A"></parm></wap-provisioningdoc>',
         "bad-provisioning"),
        ("two document elements", '<wap-provisioningdoc><characteristic type="A"/></wap-provisioningdoc>'
         '<wap-provisioningdoc/>', "bad-provisioning"),
        ("text outside the document element", 'x<wap-provisioningdoc><characteristic type="A"/></wap-provisioningdoc>',
         "bad-provisioning"),
        ("unclosed document", '<wap-provisioningdoc><characteristic type="A"/>', "truncated"),
        ("cut inside a tag", '<wap-provisioningdoc><characteristic type="A', "truncated"),
        ("wrong root", '<SyncML><characteristic type="A"/></SyncML>', "bad-provisioning"),
        ("unknown element", '<wap-provisioningdoc><characteristic type="A"><foo/></characteristic></wap-provisioningdoc>',
         "bad-provisioning"),
        ("attribute repeated", '<wap-provisioningdoc><characteristic type="A" type="B"/></wap-provisioningdoc>',
         "bad-provisioning"),
        ("attributes without white space between", '<wap-provisioningdoc><characteristic type="A"><parm name="N"value="V"/>'
         "</characteristic></wap-provisioningdoc>", "bad-provisioning"),
        ("control character", '<wap-provisioningdoc><characteristic type="A\x01"/></wap-provisioningdoc>',
         "bad-provisioning"),
        ("ENTITY declaration outside a DOCTYPE", '<!ENTITY x "y"><wap-provisioningdoc/>', "bad-provisioning"),
    ]
    for name, text, code in xml_rejects:
        out["xmlReject"].append({"name": name, "text": text, "code": code})

    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=True, indent=1)


if __name__ == "__main__":
    main(sys.argv[1])
