// WBXML token tables (tag tokens from 0x05) for the languages a DM message carries: SyncML 1.0–1.2 with MetInf
// (SyncML RepPro / MetInf 1.2: code pages 0 and 1), DevInf 1.0–1.2 (DS DevInf 1.2: code page 0), and the OMA DM
// DDF 1.2 that TNDS uses (code page 2, as libwbxml and DM clients number it).

export interface Lang {
  name: "SyncML" | "DevInf" | "DM-DDF";
  /** Tag names by code page, index = token - 5; "" is a reserved token. */
  pages: Record<number, string[]>;
  /** Tag name -> (page << 8) | token. */
  tokens: Map<string, number>;
  /** Numeric public ids and formal public identifiers, newest version first. */
  ids: number[];
  literals: string[];
}

function lang(name: Lang["name"], pages: Record<number, string>, ids: number[], literals: string[]): Lang {
  const l: Lang = { name, pages: {}, tokens: new Map(), ids, literals };
  for (const p of Object.keys(pages)) {
    const names = pages[+p].split(" ").map((n) => (n === "-" ? "" : n));
    l.pages[+p] = names;
    names.forEach((n, i) => n && l.tokens.set(n, (+p << 8) | (i + 5)));
  }
  return l;
}

export const SYNCML = lang(
  "SyncML",
  {
    0: "Add Alert Archive Atomic Chal Cmd CmdID CmdRef Copy Cred Data Delete Exec Final Get Item Lang LocName LocURI " +
      "Map MapItem Meta MsgID MsgRef NoResp NoResults Put Replace RespURI Results Search Sequence SessionID SftDel " +
      "Source SourceRef Status Sync SyncBody SyncHdr SyncML Target TargetRef - VerDTD VerProto NumberOfChanges " +
      "MoreData Field Filter Record FilterType SourceParent TargetParent Move Correlator",
    1: "Anchor EMI Format FreeID FreeMem Last Mark MaxMsgSize Mem MetInf Next NextNonce SharedMem Size Type Version " +
      "MaxObjSize FieldLevel",
  },
  [0x1201, 0x0fd3, 0x0fd1],
  ["-//SYNCML//DTD SyncML 1.2//EN", "-//SYNCML//DTD SyncML 1.1//EN", "-//SYNCML//DTD SyncML 1.0//EN"],
);

export const DEVINF = lang(
  "DevInf",
  {
    0: "CTCap CTType DataStore DataType DevID DevInf DevTyp DisplayName DSMem Ext FwV HwV Man MaxGUIDSize MaxID " +
      "MaxMem Mod OEM ParamName PropName Rx Rx-Pref SharedMem MaxSize SourceRef SwV SyncCap SyncType Tx Tx-Pref " +
      "ValEnum VerCT VerDTD XNam XVal UTC SupportNumberOfChanges SupportLargeObjs Property PropParam MaxOccur " +
      "NoTruncate - Filter-Rx FilterCap FilterKeyword FieldLevel SupportHierarchicalSync",
  },
  [0x1203, 0x0fd4, 0x0fd2],
  ["-//SYNCML//DTD DevInf 1.2//EN", "-//SYNCML//DTD DevInf 1.1//EN", "-//SYNCML//DTD DevInf 1.0//EN"],
);
// DevInf 1.0 and 1.1 call token 0x1C "Size"; 1.2 renamed it MaxSize.
DEVINF.tokens.set("Size", 0x1c);

export const DMDDF = lang(
  "DM-DDF",
  {
    2: "AccessType ACL Add b64 bin bool chr CaseSense CIS Copy CS date DDFName DefaultValue Delete Description " +
      "DFFormat DFProperties DFTitle DFType Dynamic Exec float Format Get int Man MgmtTree MIME Mod Name Node node " +
      "NodeName null Occurrence One OneOrMore OneOrN Path Permanent Replace RTProperties Scope Size time Title " +
      "TStamp Type Value VerDTD VerNo xml ZeroOrMore ZeroOrN ZeroOrOne",
  },
  [],
  ["-//OMA//DTD-DM-DDF 1.2//EN"],
);

export const LANGS = [SYNCML, DEVINF, DMDDF];

/** The language a document root belongs to, for encoding. */
export function langOfRoot(name: string): Lang | undefined {
  return name === "SyncML" ? SYNCML : name === "DevInf" ? DEVINF : name === "MgmtTree" ? DMDDF : undefined;
}

/** Human name of a public id, for the CLI. */
export function publicIdName(id: number, literal?: string): string {
  if (literal) return literal;
  for (const l of LANGS) {
    const i = l.ids.indexOf(id);
    if (i >= 0) return l.literals[i];
  }
  return id === 1 ? "unknown (1)" : `0x${id.toString(16)}`;
}
