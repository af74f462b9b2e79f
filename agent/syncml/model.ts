// The typed OMA DM 1.2 message model (OMA-TS-DM_RepPro-V1_2 over SyncML RepPro 1.2), shared by both codecs.
// Decoders fill optional fields only when the element was present, so a decoded message compares equal to the
// message it was encoded from.
//
// Where the specs leave a choice, this is the reading taken:
// - Values other than Data are trimmed of XML white space (servers pad them); Item Data is kept exactly.
// - Required elements that are missing decode as "" or [] (validateMessage reports them) so that the DPU can answer
//   the one command with a status; unknown elements, repeated single elements and bad numbers are SyncMLErrors.
// - SyncML commands OMA DM does not use (Put, Map, Search, Sync, Move) decode as Unsupported, for a 406.
// - WBXML OPAQUE Data is bytes when its Format (Item Meta, else command Meta) is bin or it is not UTF-8, else text.
//   OPAQUE anywhere else must be UTF-8 text (NextNonce, Cred Data: b64 text, per the Meta Format).
// - A document inside Data (TNDS MgmtTree, DevInf) is an element; in WBXML it travels as a nested WBXML document in
//   OPAQUE, its Type as "+wbxml", as libwbxml and DM clients do. Other markup in Data stays inline.
// - XML carries binary only as b64 text: encoding bytes that are not UTF-8 text to XML is an error.

/** A generic element: what both syntaxes parse to, and the form of a document embedded in Data (TNDS, DevInf). */
export interface XmlElement {
  name: string;
  /** Text, element, or opaque bytes (WBXML OPAQUE only). Adjacent text is merged on decode. */
  children: XmlChild[];
}
export type XmlChild = XmlElement | string | Uint8Array;

/** Target or Source. */
export interface LocInfo {
  locURI: string;
  locName?: string;
}

/** MetInf (`syncml:metinf`, WBXML code page 1). Numbers are decimal in both syntaxes. */
export interface Meta {
  fieldLevel?: boolean;
  format?: string;
  type?: string;
  mark?: string;
  size?: number;
  anchor?: { last?: string; next?: string };
  version?: string;
  nextNonce?: string;
  maxMsgSize?: number;
  maxObjSize?: number;
  emi?: string[];
  mem?: { sharedMem?: boolean; freeMem?: number; freeId?: number };
}

/** Credentials: Data is the text the Meta Format says (b64 for digests); OMA DM allows Cred only in SyncHdr. */
export interface Cred {
  meta?: Meta;
  data: string;
}

/**
 * Item Data. A string for text (chr, int, b64 text…); bytes for WBXML OPAQUE data whose format is `bin` or that
 * is not UTF-8; an element when the data is a document carried as markup (TNDS `MgmtTree`, `DevInf`).
 */
export type ItemData = string | Uint8Array | XmlElement;

export interface Item {
  target?: LocInfo;
  source?: LocInfo;
  meta?: Meta;
  data?: ItemData;
  moreData?: boolean;
}

export interface SyncHdr {
  verDTD: string;
  verProto: string;
  sessionId: string;
  msgId: string;
  target: LocInfo;
  source: LocInfo;
  respUri?: string;
  noResp?: boolean;
  cred?: Cred;
  meta?: Meta;
}

interface ItemCommand<K extends string> {
  kind: K;
  cmdId: string;
  noResp?: boolean;
  cred?: Cred;
  meta?: Meta;
  items: Item[];
}
export type AddCommand = ItemCommand<"Add">;
export type CopyCommand = ItemCommand<"Copy">;
export type DeleteCommand = ItemCommand<"Delete">;
export type ReplaceCommand = ItemCommand<"Replace">;
export interface GetCommand extends ItemCommand<"Get"> {
  lang?: string;
}
export interface ExecCommand extends ItemCommand<"Exec"> {
  correlator?: string;
}
export interface AlertCommand {
  kind: "Alert";
  cmdId: string;
  noResp?: boolean;
  cred?: Cred;
  /** The alert code, e.g. "1201", "1226". */
  data?: string;
  correlator?: string;
  items: Item[];
}
interface ContainerCommand<K extends string> {
  kind: K;
  cmdId: string;
  noResp?: boolean;
  meta?: Meta;
  commands: Command[];
}
export type AtomicCommand = ContainerCommand<"Atomic">;
export type SequenceCommand = ContainerCommand<"Sequence">;
export interface ResultsCommand {
  kind: "Results";
  cmdId: string;
  msgRef?: string;
  cmdRef: string;
  meta?: Meta;
  targetRefs: string[];
  sourceRefs: string[];
  items: Item[];
}
export interface StatusCommand {
  kind: "Status";
  cmdId: string;
  msgRef: string;
  cmdRef: string;
  /** The command answered: "SyncHdr", "Add", … */
  cmd: string;
  targetRefs: string[];
  sourceRefs: string[];
  cred?: Cred;
  /** Chal carries exactly one Meta (Type, Format, NextNonce). */
  chal?: Meta;
  /** The status code, e.g. "200". */
  data: string;
  items: Item[];
}
/** A SyncML command OMA DM does not use (Put, Map, Search, Sync, Move): kept so the DPU can answer 406. */
export interface UnsupportedCommand {
  kind: "Unsupported";
  name: string;
  cmdId: string;
}

export type Command =
  | AddCommand
  | AlertCommand
  | AtomicCommand
  | CopyCommand
  | DeleteCommand
  | ExecCommand
  | GetCommand
  | ReplaceCommand
  | ResultsCommand
  | SequenceCommand
  | StatusCommand
  | UnsupportedCommand;

export type CommandKind = Command["kind"];

export interface SyncBody {
  commands: Command[];
  final: boolean;
}

export interface SyncMLMessage {
  header: SyncHdr;
  body: SyncBody;
}
