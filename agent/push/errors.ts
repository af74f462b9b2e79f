// The one error type the push decoders throw: every problem with received bytes carries a stable code, so the
// Push Router can trace it and drop the message without ever seeing another exception type.

export type PushErrorCode =
  | "bad-input" // not a Uint8Array, or a caller-supplied value out of range
  | "truncated" // the bytes end inside a field
  | "not-deliver" // TP-MTI is not SMS-DELIVER (3GPP TS 23.040 §9.2.3.1)
  | "bad-address" // address length out of range (23.040 §9.1.2.5)
  | "bad-udl" // TP-UDL above the maximum, or the UDH does not fit the user data
  | "bad-udh" // malformed user data header or information element (23.040 §9.2.3.24)
  | "not-push" // WSP PDU type is not Push or ConfirmedPush (WAP-230-WSP §8.2.4.1)
  | "bad-uintvar" // uintvar longer than 5 octets or above 2^32-1 (WAP-230-WSP §8.1.2)
  | "bad-header" // malformed WSP header or content type
  | "bad-version" // notification version not one in use (OMA-TS-DM_Notification-V1_2 §6.2.2.6)
  | "bad-notification" // malformed notification trigger header
  | "bad-snapshot" // reassembler state that restore() cannot take
  | "bad-provisioning" // malformed OMA CP wap-provisioningdoc, WBXML or XML (OMA-WAP-TS-ProvCont-V1_1, WAP-192-WBXML)
  | "provisioning-limit" // a CP document over a size, depth, element or text limit
  | "bad-bootstrap"; // a bootstrap (w7 APPLICATION or SyncML DM) that cannot make a DM account

export class PushError extends Error {
  readonly code: PushErrorCode;

  constructor(code: PushErrorCode, message: string) {
    super(message);
    this.name = "PushError";
    this.code = code;
  }
}
