// WBXML token tables of the wap-provisioningdoc (public id 0x0B "-//WAPFORUM//DTD PROV 1.0//EN"):
// OMA-WAP-TS-ProvCont-V1_1 §8 "Code Page Definitions" (WAP-183-ProvCont §8 is code page 0 alone). Code page 1
// carries the OMA additions (APPLICATION, APPADDR, APPAUTH, RESOURCE and their parms). Where libwbxml and the
// spec text differ (APPSRV/OBEX also on page 0, AAA/HA on both pages), both readings decode: no token means
// two things. Tables are space-separated lists from a first token, "-" a hole, to keep the bundle small.

/** Tag tokens: page 0 has the document element, page 1 repeats characteristic and parm. */
export const TAGS: ReadonlyArray<Readonly<Record<number, string>>> = [
  { 0x05: "wap-provisioningdoc", 0x06: "characteristic", 0x07: "parm" },
  { 0x06: "characteristic", 0x07: "parm" },
];

function fill(table: Record<number, string>, from: number, list: string, prefix = ""): void {
  const names = list.split(" ");
  for (let i = 0; i < names.length; i++) if (names[i] !== "-") table[from + i] = prefix + names[i];
}

/** Attribute-start tokens as "attr" or "attr=value prefix". */
export const ATTR_START: ReadonlyArray<Readonly<Record<number, string>>> = (() => {
  const p0: Record<number, string> = { 0x05: "name", 0x06: "value", 0x45: "version", 0x46: "version=1.0", 0x50: "type" };
  fill(p0, 0x07, "NAME NAP-ADDRESS NAP-ADDRTYPE CALLTYPE VALIDUNTIL AUTHTYPE AUTHNAME AUTHSECRET LINGER BEARER NAPID " +
    "COUNTRY NETWORK INTERNET PROXY-ID PROXY-PROVIDER-ID DOMAIN PROVURL PXAUTH-TYPE PXAUTH-ID PXAUTH-PW STARTPAGE " +
    "BASAUTH-ID BASAUTH-PW PUSHENABLED PXADDR PXADDRTYPE TO-NAPID PORTNBR SERVICE LINKSPEED DNLINKSPEED LOCAL-ADDR " +
    "LOCAL-ADDRTYPE CONTEXT-ALLOW TRUST MASTER SID SOC WSP-VERSION PHYSICAL-PROXY-ID CLIENT-ID DELIVERY-ERR-SDU " +
    "DELIVERY-ORDER TRAFFIC-CLASS MAX-SDU-SIZE MAX-BITRATE-UPLINK MAX-BITRATE-DNLINK RESIDUAL-BER SDU-ERROR-RATIO " +
    "TRAFFIC-HANDL-PRIO TRANSFER-DELAY GUARANTEED-BITRATE-UPLINK GUARANTEED-BITRATE-DNLINK PXADDR-FQDN PROXY-PW " +
    "PPGAUTH-TYPE", "name=");
  fill(p0, 0x47, "PULLENABLED DNS-ADDR MAX-NUM-RETRY FIRST-RETRY-TIMEOUT REREG-THRESHOLD T-BIT - AUTH-ENTITY SPI", "name=");
  fill(p0, 0x51, "PXLOGICAL PXPHYSICAL PORT VALIDITY NAPDEF BOOTSTRAP VENDORCONFIG CLIENTIDENTITY PXAUTHINFO " +
    "NAPAUTHINFO ACCESS", "type=");
  const p1: Record<number, string> = { 0x05: "name", 0x06: "value", 0x07: "name=NAME", 0x14: "name=INTERNET", 0x1c: "name=STARTPAGE", 0x50: "type", 0x53: "type=PORT" };
  fill(p1, 0x22, "TO-NAPID PORTNBR SERVICE", "name=");
  fill(p1, 0x2e, "AACCEPT AAUTHDATA AAUTHLEVEL AAUTHNAME AAUTHSECRET AAUTHTYPE ADDR ADDRTYPE APPID APROTOCOL " +
    "PROVIDER-ID TO-PROXY URI RULE", "name=");
  fill(p1, 0x55, "APPLICATION APPADDR APPAUTH CLIENTIDENTITY RESOURCE", "type=");
  return [p0, p1];
})();

/** Attribute-value tokens: whole values or parts of one, concatenated with the strings around them. */
export const ATTR_VALUE: ReadonlyArray<Readonly<Record<number, string>>> = (() => {
  const p0: Record<number, string> = { 0xc5: "AUTOBAUDING" };
  fill(p0, 0x85, "IPV4 IPV6 E164 ALPHA APN SCODE TETRA-ITSI MAN APPSRV OBEX");
  fill(p0, 0x90, "ANALOG-MODEM V.120 V.110 X.31 BIT-TRANSPARENT DIRECT-ASYNCHRONOUS-DATA-SERVICE");
  fill(p0, 0x9a, "PAP CHAP HTTP-BASIC HTTP-DIGEST WTLS-SS MD5");
  fill(p0, 0xa2, "GSM-USSD GSM-SMS ANSI-136-GUTS IS-95-CDMA-SMS IS-95-CDMA-CSD IS-95-CDMA-PACKET ANSI-136-CSD " +
    "ANSI-136-GPRS GSM-CSD GSM-GPRS AMPS-CDPD PDC-CSD PDC-PACKET IDEN-SMS IDEN-CSD IDEN-PACKET FLEX/REFLEX PHS-SMS " +
    "PHS-CSD TETRA-SDS TETRA-PACKET ANSI-136-GHOST MOBITEX-MPAK CDMA2000-1X-SIMPLE-IP CDMA2000-1X-MOBILE-IP");
  fill(p0, 0xca, "CL-WSP CO-WSP CL-SEC-WSP CO-SEC-WSP CL-SEC-WTA CO-SEC-WTA OTA-HTTP-TO OTA-HTTP-TLS-TO OTA-HTTP-PO " +
    "OTA-HTTP-TLS-PO");
  fill(p0, 0xe0, "AAA HA");
  const p1: Record<number, string> = { 0x8d: "APPSRV", 0x8e: "OBEX", 0x90: ",", 0x91: "HTTP-", 0x92: "BASIC", 0x93: "DIGEST" };
  fill(p1, 0x86, "IPV6 E164 ALPHA");
  fill(p1, 0xe0, "AAA HA");
  return [p0, p1];
})();
