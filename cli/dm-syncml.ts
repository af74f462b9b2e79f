// dm-syncml: read, write and check SyncML DM messages (XML or WBXML) and TNDS documents from the command line,
// for people debugging a live session.
import { readFileSync, writeFileSync } from "node:fs";
import {
  decodeMessage, decodeTnds, decodeTree, elementToXml, encodeTnds, encodeTndsWbxml, encodeWbxml, encodeXml, SyncMLError,
  validateMessage, type Command, type WbxmlHeader, type WbxmlWriteOptions,
} from "../agent/syncml/index.js";
import { publicIdName } from "../agent/syncml/wbxml-tables.js";

const USAGE = `Usage: dm-syncml <command> FILE [options]     (FILE may be - for standard input)

  decode FILE              print an XML or WBXML message (or TNDS / DevInf document) as indented XML
  encode FILE [--wbxml]    write it as WBXML (the default) ...
         FILE --xml        ... or as XML (indented; --compact for the wire form)
     -o OUT                write to OUT instead of standard output
     --version 1.1|1.2|1.3 WBXML version (default 1.2)
     --string-table        put repeated strings in the WBXML string table
     --literal-public-id   name the DTD by its formal public identifier instead of its number
  check FILE               decode, validate against OMA DM 1.2 and list the problems

  --max-bytes N            largest input accepted (default 1048576)
`;

class UsageError extends Error {}

interface Args {
  command: string;
  file: string;
  out?: string;
  flags: Set<string>;
  version?: 1 | 2 | 3;
  maxBytes?: number;
}

function parseArgs(argv: string[]): Args {
  const [command, ...rest] = argv;
  if (!command || command === "-h" || command === "--help" || command === "help") throw new UsageError("");
  const args: Partial<Args> & { flags: Set<string> } = { command, flags: new Set() };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const value = () => {
      if (i + 1 >= rest.length) throw new UsageError(`${a} needs a value`);
      return rest[++i];
    };
    if (a === "-o" || a === "--out") args.out = value();
    else if (a === "--version") {
      const v = { "1.1": 1, "1.2": 2, "1.3": 3 }[value()];
      if (!v) throw new UsageError("--version is 1.1, 1.2 or 1.3");
      args.version = v as 1 | 2 | 3;
    } else if (a === "--max-bytes") {
      args.maxBytes = Number(value());
      if (!Number.isInteger(args.maxBytes) || args.maxBytes <= 0) throw new UsageError("--max-bytes needs a positive integer");
    } else if (["--wbxml", "--xml", "--compact", "--string-table", "--literal-public-id"].includes(a)) args.flags.add(a);
    else if (a.startsWith("-") && a !== "-") throw new UsageError(`unknown option ${a}`);
    else if (args.file === undefined) args.file = a;
    else throw new UsageError(`unexpected argument ${a}`);
  }
  if (!["decode", "encode", "check"].includes(command)) throw new UsageError(`unknown command ${command}`);
  if (args.file === undefined) throw new UsageError(`${command} needs a FILE`);
  return args as Args;
}

function read(file: string, maxBytes = 1 << 20): Uint8Array {
  const bytes = new Uint8Array(readFileSync(file === "-" ? 0 : file));
  if (bytes.length > maxBytes) throw new SyncMLError("too-large", `${file} is ${bytes.length} bytes, over --max-bytes ${maxBytes}`);
  return bytes;
}

const CHARSETS: Record<number, string> = { 106: "UTF-8", 3: "US-ASCII", 4: "ISO-8859-1", 0: "unknown (read as UTF-8)" };

function describeWbxml(h: WbxmlHeader, size: number): string {
  const id = h.publicId === 0 ? `literal "${h.publicIdLiteral}"` : `0x${h.publicId.toString(16).padStart(4, "0")} (${publicIdName(h.publicId)})`;
  return `<!-- WBXML 1.${h.version}, ${size} bytes: public id ${id}, charset ${CHARSETS[h.charset] ?? h.charset}, ` +
    `string table ${h.stringTableLength} bytes, language ${h.language} -->`;
}

/** Opaque bytes XML cannot carry, made readable: a note, then Base64. */
const showBinary = (b: Uint8Array) => `<!-- ${b.length} opaque bytes, shown as Base64 -->${Buffer.from(b).toString("base64")}`;

function counts(commands: Command[]): string {
  const n = new Map<string, number>();
  const walk = (cs: Command[]) => cs.forEach((c) => {
    const k = c.kind === "Unsupported" ? c.name : c.kind;
    n.set(k, (n.get(k) ?? 0) + 1);
    if (c.kind === "Atomic" || c.kind === "Sequence") walk(c.commands);
  });
  walk(commands);
  return [...n].map(([k, v]) => (v > 1 ? `${k} x${v}` : k)).join(", ") || "no commands";
}

function output(args: Args, data: Uint8Array | string): void {
  if (args.out) writeFileSync(args.out, data);
  else if (typeof data !== "string" && process.stdout.isTTY) {
    throw new UsageError("refusing to write binary WBXML to a terminal: use -o OUT or redirect standard output");
  } else process.stdout.write(data);
}

/** Returns the exit status: 0 fine, 1 the input has problems. */
function run(args: Args): number {
  const bytes = read(args.file, args.maxBytes);
  const limits = args.maxBytes ? { maxBytes: args.maxBytes } : undefined;
  const tree = decodeTree(bytes, limits);
  const label = args.file === "-" ? "stdin" : args.file;

  if (args.command === "decode") {
    const head = tree.wbxml ? `${describeWbxml(tree.wbxml, bytes.length)}\n` : "";
    process.stdout.write(head + elementToXml(tree.root, { indent: "  ", declaration: !tree.wbxml, binary: showBinary }));
    if (tree.root.name === "SyncML") {
      try {
        decodeMessage(bytes, limits);
      } catch (e) {
        if (!(e instanceof SyncMLError)) throw e;
        process.stderr.write(`dm-syncml: note: not a valid message (${e.code}: ${e.message}); see dm-syncml check\n`);
      }
    }
    return 0;
  }

  const tnds = tree.root.name === "MgmtTree";
  if (args.command === "encode") {
    const wbxml: WbxmlWriteOptions = {
      version: args.version,
      stringTable: args.flags.has("--string-table"),
      literalPublicId: args.flags.has("--literal-public-id"),
    };
    const asXml = args.flags.has("--xml");
    if (asXml && args.flags.has("--wbxml")) throw new UsageError("choose one of --xml and --wbxml");
    const xmlOpts = { indent: args.flags.has("--compact") ? "" : "  " };
    if (tnds) {
      const t = decodeTnds(tree.root);
      output(args, asXml ? encodeTnds(t, xmlOpts) : encodeTndsWbxml(t, wbxml));
    } else {
      const msg = decodeMessage(bytes, limits);
      output(args, asXml ? encodeXml(msg, xmlOpts) : encodeWbxml(msg, wbxml));
    }
    return 0;
  }

  // check
  const kind = tree.wbxml ? `WBXML 1.${tree.wbxml.version}` : "XML";
  if (tnds) {
    const t = decodeTnds(tree.root);
    let nodes = 0;
    const walk = (ns: typeof t.nodes) => ns.forEach((n) => { nodes++; walk(n.children); });
    walk(t.nodes);
    process.stdout.write(`${label}: OK, ${kind} TNDS document, ${nodes} nodes\n`);
    return 0;
  }
  const msg = decodeMessage(bytes, limits);
  const problems = validateMessage(msg);
  const what = `${kind} message, SessionID ${msg.header.sessionId || "?"}, MsgID ${msg.header.msgId || "?"}: ${counts(msg.body.commands)}${msg.body.final ? ", Final" : ""}`;
  if (!problems.length) {
    process.stdout.write(`${label}: OK, ${what}\n`);
    return 0;
  }
  process.stdout.write(`${label}: ${problems.length} problem${problems.length > 1 ? "s" : ""} in ${what}\n`);
  for (const p of problems) process.stdout.write(`  ${p.path}: ${p.message}\n`);
  return 1;
}

function main(argv: string[]): number {
  try {
    return run(parseArgs(argv));
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(e.message ? `dm-syncml: ${e.message}\n\n${USAGE}` : USAGE);
      return e.message ? 2 : 0;
    }
    if (e instanceof SyncMLError) {
      process.stderr.write(`dm-syncml: ${argv[1] ?? ""}: ${e.code}: ${e.message}\n`);
      return 1;
    }
    const err = e as NodeJS.ErrnoException;
    if (err.code === "ENOENT" || err.code === "EISDIR" || err.code === "EACCES") {
      process.stderr.write(`dm-syncml: ${err.message}\n`);
      return 1;
    }
    throw e;
  }
}

process.exitCode = main(process.argv.slice(2));
