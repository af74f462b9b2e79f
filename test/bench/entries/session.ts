// Bench (runs inside QuickJS, bundled on its own): the agent's CPU time for one server package of 200 commands
// (100 Get, 100 Replace) through the session engine, the DPU and CM2 over the standard CSPs, on an in-memory
// store: decode, run, commit per command, build and encode the reply. Device-style code, Date.now() for time.
import type { ConfigTransaction, ConfigValue, ConfigDomain } from "../../../hal/config.js";
import type { Device } from "../../../hal/device.js";
import { encodeWbxml, encodeXmlBytes, type Command, type SyncMLMessage } from "../../../agent/syncml/index.js";
import { DmSession } from "../../../agent/dm/session.js";
import { Dpu } from "../../../agent/dpu/dpu.js";
import { Tree } from "../../../agent/cm/tree.js";
import { DEFAULT_URI_LIMITS } from "../../../agent/cm/uri.js";
import { StoreLock, readView } from "../../../agent/store-lock.js";
import { FACTORY_ROOT_ACL, standardCsps } from "../../../csp/index.js";

interface Row {
  metric: string;
  value: number;
  unit: string;
}

/** An in-memory store with the HAL's transaction semantics, enough for the session (no durability). */
function memoryDomain(): ConfigDomain {
  const data = new Map<string, ConfigValue>();
  const kids = (map: Map<string, ConfigValue>, key: string) => {
    const prefix = key === "" ? "" : key + "/";
    const out: string[] = [];
    map.forEach((_, k) => {
      if (k.slice(0, prefix.length) === prefix) {
        const name = k.slice(prefix.length).split("/")[0];
        if (name && out.indexOf(name) < 0) out.push(name);
      }
    });
    return out.sort();
  };
  return {
    read: (k) => data.get(k),
    children: (k) => kids(data, k),
    begin(): ConfigTransaction {
      const work = new Map(data);
      return {
        read: (k) => work.get(k),
        children: (k) => kids(work, k),
        write(k, v) {
          const parts = k.split("/");
          for (let i = 1; i < parts.length; i++) {
            const p = parts.slice(0, i).join("/");
            if (!work.has(p)) work.set(p, { type: "node" });
          }
          work.set(k, v);
        },
        delete(k) {
          work.forEach((_, key) => {
            if (key === k || key.slice(0, k.length + 1) === k + "/") work.delete(key);
          });
        },
        commit(cb) {
          data.clear();
          work.forEach((v, k) => data.set(k, v));
          Promise.resolve().then(() => cb(null));
        },
        rollback() {},
      };
    },
    close() {},
  };
}

const info = {
  deviceId: "IMEI:490154203237518", manufacturer: "dm-agent", model: "Bench", deviceType: "phone", firmwareVersion: "1",
  softwareVersion: "1", hardwareVersion: "1", language: "en-US",
};

function serverPackage(msgId: number, maxMsgSize: number): SyncMLMessage {
  const commands: Command[] = [];
  for (let i = 1; i <= 200; i++) {
    const uri = `./Vendor/Bench/Node${(i >> 1) % 50}`;
    commands.push(i % 2
      ? { kind: "Replace", cmdId: String(i), items: [{ target: { locURI: uri }, meta: { format: "chr", type: "text/plain" }, data: `value ${i}` }] }
      : { kind: "Get", cmdId: String(i), items: [{ target: { locURI: uri } }] });
  }
  return {
    header: { verDTD: "1.2", verProto: "DM/1.2", sessionId: "1", msgId: String(msgId), target: { locURI: info.deviceId }, source: { locURI: "https://dm.example/dm" }, meta: { maxMsgSize } },
    body: { commands, final: true },
  };
}

/** `maxMsgSize`: the server's; below the reply's size, the first message of a multi-message reply is built. */
async function measure(encoding: "xml" | "wbxml", maxMsgSize = 65536): Promise<Row[]> {
  const domain = memoryDomain();
  const lock = new StoreLock(domain);
  const tree = new Tree({ csps: standardCsps({ info: { read: () => info } } as unknown as Device, DEFAULT_URI_LIMITS), rootAcl: FACTORY_ROOT_ACL, now: () => 0 });
  // The nodes exist first, so Replace has something to replace.
  await lock.runTransaction((tx) => {
    const t = tree.session(tx, "bench");
    for (let i = 0; i < 50; i++) t.add({ segments: ["Vendor", "Bench", `Node${i}`] }, { format: "chr", data: "initial" });
  });
  const dpu = new Dpu({
    serverId: "bench", transact: (w) => lock.runTransaction((tx) => w(tree.session(tx, "bench"))), reader: () => tree.session(readView(domain), "bench"),
    uriLimits: DEFAULT_URI_LIMITS, maxObjSize: 262144, peerMaxObjSize: () => undefined, binary: encoding === "wbxml", trace: () => undefined,
  });
  const session = new DmSession({
    sessionId: "1", alert: "1201", encoding, deviceId: info.deviceId, serverUri: "https://dm.example/dm",
    clientNonce: new Uint8Array(0), serverNonce: new Uint8Array(0), devInfo: [], alerts: [], maxMsgSize: 1 << 20, maxObjSize: 262144,
  }, {
    dpu, random: (n) => new Uint8Array(n), saveClientNonce: async () => undefined, saveServerNonce: async () => undefined,
    alertsDelivered: async () => undefined, trace: () => undefined,
  });
  session.start();
  const encode = (m: SyncMLMessage) => (encoding === "wbxml" ? encodeWbxml(m) : encodeXmlBytes(m));
  const times: number[] = [];
  let replyBytes = 0;
  for (let i = 0; i < 6; i++) {
    const body = encode(serverPackage(i + 1, maxMsgSize));
    const start = Date.now();
    const step = await session.receive({ body });
    times.push(Date.now() - start);
    if (step.kind === "send") replyBytes = step.message.body.length;
  }
  times.shift(); // warm-up
  times.sort((a, b) => a - b);
  const label = `${encoding}, server MaxMsgSize ${maxMsgSize >> 10} KB`;
  return [
    { metric: `agent CPU per 200-command package (100 Get + 100 Replace), ${label}, median of 5`, value: times[2], unit: "ms" },
    { metric: `first reply message to it, ${label}`, value: replyBytes, unit: "bytes" },
  ];
}

const root = globalThis as unknown as { benchmarks?: Array<{ name: string; run(): Row[] | Promise<Row[]> }> };
root.benchmarks = [
  ...(root.benchmarks ?? []),
  {
    name: "session",
    // Asynchronous (the session awaits its commits): the runner must drain the job queue until it settles.
    run: async (): Promise<Row[]> => [...(await measure("xml")), ...(await measure("wbxml")), ...(await measure("xml", 16384))],
  },
];
