// Bench (runs inside QuickJS, bundled on its own): decode and encode throughput of a 200-command DM package in
// XML and WBXML. Device-style code: no Node APIs, Date.now() for time.
import { decodeWbxml, decodeXml, encodeWbxml, encodeXmlBytes, type Command, type SyncMLMessage } from "../../../agent/syncml/index.js";

interface Row {
  metric: string;
  value: number;
  unit: string;
}

/** A server package of 200 commands, the mix a management session carries. */
function packageOf200(): SyncMLMessage {
  const commands: Command[] = [];
  for (let i = 1; commands.length < 200; i++) {
    const uri = `./Vendor/Acme/Settings/Node${i}/Value`;
    const id = String(i);
    switch (i % 5) {
      case 0:
        commands.push({ kind: "Status", cmdId: id, msgRef: "1", cmdRef: String(i - 1), cmd: "Replace", targetRefs: [uri], sourceRefs: [], data: "200", items: [] });
        break;
      case 1:
        commands.push({ kind: "Replace", cmdId: id, items: [{ target: { locURI: uri }, meta: { format: "chr", type: "text/plain" }, data: `value ${i} & <more>` }] });
        break;
      case 2:
        commands.push({ kind: "Get", cmdId: id, items: [{ target: { locURI: uri } }] });
        break;
      case 3:
        commands.push({ kind: "Add", cmdId: id, items: [{ target: { locURI: uri }, meta: { format: "int" }, data: String(i * 37) }] });
        break;
      default:
        commands.push({ kind: "Results", cmdId: id, msgRef: "1", cmdRef: String(i - 2), targetRefs: [], sourceRefs: [],
          items: [{ source: { locURI: uri }, meta: { format: "b64", size: 44 }, data: "QmVuY2htYXJrIGRhdGEgZm9yIHRoZSBETSBhZ2VudCE=" }] });
    }
  }
  return {
    header: {
      verDTD: "1.2", verProto: "DM/1.2", sessionId: "4A1", msgId: "2",
      target: { locURI: "IMEI:490154203237518" }, source: { locURI: "https://dm.operator.example/dm" },
      meta: { maxMsgSize: 65536 },
    },
    body: { commands, final: true },
  };
}

/** MB/s of `bytes` processed per call, over at least `ms` milliseconds. */
function throughput(bytes: number, run: () => void, ms = 220): number {
  run(); // warm up
  const start = Date.now();
  let n = 0;
  let elapsed = 0;
  do {
    run();
    n++;
    elapsed = Date.now() - start;
  } while (elapsed < ms);
  return Math.round(((bytes * n) / 1048576 / (elapsed / 1000)) * 100) / 100;
}

const root = globalThis as unknown as { benchmarks?: Array<{ name: string; run(): Row[] }> };
root.benchmarks = [
  ...(root.benchmarks ?? []),
  {
    name: "syncml",
    run(): Row[] {
      const msg = packageOf200();
      const xml = encodeXmlBytes(msg);
      const wbxml = encodeWbxml(msg);
      const label = "200-command package";
      return [
        { metric: `XML decode, ${label}`, value: throughput(xml.length, () => decodeXml(xml)), unit: "MB/s" },
        { metric: `XML encode, ${label}`, value: throughput(xml.length, () => encodeXmlBytes(msg)), unit: "MB/s" },
        { metric: `WBXML decode, ${label}`, value: throughput(wbxml.length, () => decodeWbxml(wbxml)), unit: "MB/s" },
        { metric: `WBXML encode, ${label}`, value: throughput(wbxml.length, () => encodeWbxml(msg)), unit: "MB/s" },
        { metric: `XML size, ${label}`, value: xml.length, unit: "bytes" },
        { metric: `WBXML size, ${label}`, value: wbxml.length, unit: "bytes" },
      ];
    },
  },
];
