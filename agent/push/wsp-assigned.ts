// The few WSP assigned numbers the Push Router needs (WAP-230-WSP Appendix A, and the OMNA registries that
// continue its tables). Codes are the 7-bit values; on the wire a short integer has the high bit set.

/** Table 40 / OMNA "WSP Content Type Codes": the well-known media a push may carry. */
export const CONTENT_TYPES: { readonly [code: number]: string } = {
  0x03: "text/plain",
  0x27: "application/xml",
  0x28: "text/xml",
  0x29: "application/vnd.wap.wbxml",
  0x2d: "text/vnd.wap.si",
  0x2e: "application/vnd.wap.sic",
  0x2f: "text/vnd.wap.sl",
  0x30: "application/vnd.wap.slc",
  0x34: "application/vnd.wap.sia",
  0x35: "text/vnd.wap.connectivity-xml",
  0x36: "application/vnd.wap.connectivity-wbxml",
  0x3e: "application/vnd.wap.mms-message",
  0x42: "application/vnd.syncml.dm+wbxml",
  0x43: "application/vnd.syncml.dm+xml",
  0x44: "application/vnd.syncml.notification",
};

/** Table 39, header code page 1: the field names given names here; others are kept by code. */
export const FIELD = {
  contentLength: 0x0d,
  applicationId: 0x2f,
  initiatorUri: 0x31,
  encodingVersion: 0x43,
} as const;

export const FIELD_NAMES: { readonly [code: number]: string } = {
  0x0d: "content-length",
  0x0e: "content-location",
  0x12: "date",
  0x14: "expires",
  0x2f: "x-wap-application-id",
  0x30: "x-wap-content-uri",
  0x31: "x-wap-initiator-uri",
  0x34: "push-flag",
  0x40: "content-id",
  0x43: "encoding-version",
};

/** Table 38 (well-known parameters) as far as push content types use them; SEC and MAC come from OMA CP. */
export const PARAMETER_NAMES: { readonly [code: number]: string } = {
  0x00: "q",
  0x01: "charset",
  0x03: "type",
  0x05: "name",
  0x09: "type",
  0x0a: "start",
  0x11: "sec",
  0x12: "mac",
};

/** OMNA "Push Application ID" registry, codes 0x00-0x08 (x-wap-application:...). */
export const APPLICATION_IDS: { readonly [code: number]: string } = {
  0x00: "x-wap-application:*",
  0x01: "x-wap-application:push.sia",
  0x02: "x-wap-application:wml.ua",
  0x03: "x-wap-application:wta.ua",
  0x04: "x-wap-application:mms.ua",
  0x05: "x-wap-application:push.syncml",
  0x06: "x-wap-application:loc.ua",
  0x07: "x-wap-application:syncml.dm",
  0x08: "x-wap-application:drm.ua",
};
