// fast-check generators of message models in the canonical form decoders produce: optional fields absent (not
// undefined), non-Data strings without surrounding XML white space, text XML 1.0 can carry.
import fc from "fast-check";
import type {
  Command, Cred, Item, ItemData, LocInfo, Meta, SyncHdr, SyncMLMessage, XmlElement,
} from "../../../agent/syncml/index.js";

const opts = { noNullPrototype: true } as const;
const rec = <T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }, required: (keyof T)[]) =>
  fc.record(model, { ...opts, requiredKeys: required }) as unknown as fc.Arbitrary<T>;

/** Characters XML 1.0 allows, minus NUL-like controls; includes markup characters, `]]>` parts, astral planes. */
const xmlChar = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(..."aZ09 ./?=&<>\"']]>-_:+%#;\t\n\ré€ü✓") },
  { weight: 3, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) },
).filter((c) => !/[\0-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]/.test(c.replace(/[\ud800-\udbff][\udc00-\udfff]/g, "")));

/** Any XML-carryable text, white space included (Data keeps it exactly). */
export const dataText = fc.array(xmlChar, { maxLength: 24 }).map((cs) => cs.join(""));
/** Field text: trimmed, as every non-Data value decodes. */
export const fieldText = dataText.map((s) => s.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, ""));
const word = fc.stringMatching(/^[A-Za-z0-9./:?=+-]{1,16}$/);
const num = fc.nat({ max: 2 ** 31 });

export const loc: fc.Arbitrary<LocInfo> = rec<LocInfo>({ locURI: fieldText, locName: fieldText }, ["locURI"]);

export const meta: fc.Arbitrary<Meta> = rec<Meta>(
  {
    fieldLevel: fc.constant(true),
    format: fc.constantFrom("chr", "int", "b64", "bool", "node", "xml", "null", "float", "date", "time"),
    type: fc.oneof(fc.constantFrom("text/plain", "syncml:auth-md5", "application/vnd.syncml.dmtnds+xml"), word.filter((t) => !/\+wbxml$/.test(t))),
    mark: fieldText,
    size: num,
    anchor: rec({ last: fieldText, next: fieldText }, []),
    version: fieldText,
    nextNonce: word,
    maxMsgSize: num,
    maxObjSize: num,
    emi: fc.array(fieldText, { minLength: 1, maxLength: 3 }),
    mem: rec({ sharedMem: fc.constant(true), freeMem: num, freeId: num }, []),
  },
  [],
);

export const cred: fc.Arbitrary<Cred> = rec<Cred>({ meta, data: fieldText }, ["data"]);

/** A small embedded document (DevInf or TNDS-like): leaf text or element children, never mixed. */
const embedded: fc.Arbitrary<XmlElement> = fc.letrec<{ node: XmlElement }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.record({ name: fc.constantFrom("Man", "Mod", "VerDTD", "NodeName", "Value", "ACL", "Path"), children: fc.array(dataText.filter((s) => s !== ""), { maxLength: 1 }) }, opts),
    fc.record({ name: fc.constantFrom("Node", "RTProperties", "Format", "CTCap", "chr"), children: fc.array(tie("node"), { maxLength: 3 }) }, opts),
  ),
})).node;
const document = fc.record({ name: fc.constantFrom("MgmtTree", "DevInf"), children: fc.array(embedded, { maxLength: 3 }) }, opts);

/** Items; `binary` allows opaque bytes (WBXML only), always with Meta Format bin as the decoder needs. */
export function item(binary: boolean): fc.Arbitrary<Item> {
  const data: fc.Arbitrary<ItemData> = binary ? fc.oneof(dataText, fc.uint8Array({ maxLength: 40 }), document) : fc.oneof(dataText, document);
  return rec<Item>({ target: loc, source: loc, meta, data, moreData: fc.constant(true) }, []).map((i) => {
    if (i.data instanceof Uint8Array) i.meta = { ...i.meta, format: "bin" };
    else if (i.meta?.format === "bin") i.meta.format = "chr";
    return i;
  });
}

const id = fc.oneof(fc.nat({ max: 9999 }).map(String), fc.uuid(), fieldText);

export function command(binary: boolean): fc.Arbitrary<Command> {
  const items = fc.array(item(binary), { maxLength: 3 });
  const base = { cmdId: id, noResp: fc.constant(true), cred, meta, items };
  const simple = (kind: "Add" | "Copy" | "Delete" | "Replace") => rec({ kind: fc.constant(kind), ...base }, ["kind", "cmdId", "items"]);
  const leaf: fc.Arbitrary<Command> = fc.oneof(
    simple("Add"), simple("Copy"), simple("Delete"), simple("Replace"),
    rec({ kind: fc.constant("Get" as const), ...base, lang: fieldText }, ["kind", "cmdId", "items"]),
    rec({ kind: fc.constant("Exec" as const), ...base, correlator: fieldText }, ["kind", "cmdId", "items"]),
    rec({ kind: fc.constant("Alert" as const), cmdId: id, noResp: fc.constant(true), cred, data: fc.constantFrom("1201", "1226", "1100"), correlator: fieldText, items }, ["kind", "cmdId", "items"]),
    rec({ kind: fc.constant("Unsupported" as const), name: fc.constantFrom("Put", "Map", "Search", "Sync", "Move"), cmdId: id }, ["kind", "name", "cmdId"]),
  );
  const container = fc.letrec<{ c: Command }>((tie) => ({
    c: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      leaf,
      rec({ kind: fc.constantFrom("Atomic" as const, "Sequence" as const), cmdId: id, noResp: fc.constant(true), meta, commands: fc.array(tie("c"), { maxLength: 3 }) }, ["kind", "cmdId", "commands"]),
    ),
  })).c;
  const refs = fc.array(fieldText, { maxLength: 2 });
  return fc.oneof(
    container,
    rec({ kind: fc.constant("Results" as const), cmdId: id, msgRef: id, cmdRef: id, meta, targetRefs: refs, sourceRefs: refs, items },
      ["kind", "cmdId", "cmdRef", "targetRefs", "sourceRefs", "items"]),
    rec({ kind: fc.constant("Status" as const), cmdId: id, msgRef: id, cmdRef: id, cmd: fc.constantFrom("SyncHdr", "Add", "Get"), targetRefs: refs,
      sourceRefs: refs, cred, chal: meta, data: fc.constantFrom("200", "212", "401", "404"), items },
      ["kind", "cmdId", "msgRef", "cmdRef", "cmd", "targetRefs", "sourceRefs", "data", "items"]),
  );
}

export const header: fc.Arbitrary<SyncHdr> = rec<SyncHdr>(
  {
    verDTD: fc.constantFrom("1.2", "1.1"), verProto: fc.constantFrom("DM/1.2", "DM/1.1"), sessionId: id, msgId: id,
    target: loc, source: loc, respUri: fieldText, noResp: fc.constant(true), cred, meta,
  },
  ["verDTD", "verProto", "sessionId", "msgId", "target", "source"],
);

export function message(binary: boolean): fc.Arbitrary<SyncMLMessage> {
  return fc.record({
    header,
    body: fc.record({ commands: fc.array(command(binary), { maxLength: 5 }), final: fc.boolean() }, opts),
  }, opts);
}
