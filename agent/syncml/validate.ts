// What the codecs accept but OMA DM 1.2 does not: missing required elements, wrong counts, commands DM does not
// use. The DPU answers such a command with its status; `dm-syncml check` lists them for people.
import type { Command, Item, SyncMLMessage } from "./model.js";

export interface Problem {
  /** e.g. `SyncBody/Add[2]` */
  path: string;
  message: string;
}


const CONTAINED = ["Add", "Replace", "Delete", "Copy", "Atomic", "Sequence", "Get", "Exec", "Alert"];

export function validateMessage(msg: SyncMLMessage): Problem[] {
  const out: Problem[] = [];
  const say = (path: string, message: string) => out.push({ path, message });
  const h = msg.header;
  const hp = "SyncHdr";
  if (h.verDTD !== "1.2" && h.verDTD !== "1.1") say(`${hp}/VerDTD`, `VerDTD is "${h.verDTD}", expected 1.2`);
  if (!/^DM\/1\.[12]$/.test(h.verProto)) say(`${hp}/VerProto`, `VerProto is "${h.verProto}", expected DM/1.2`);
  if (!h.sessionId) say(`${hp}/SessionID`, "SessionID is missing");
  if (!/^[1-9]\d*$/.test(h.msgId)) say(`${hp}/MsgID`, `MsgID "${h.msgId}" is not a positive integer`);
  if (!h.target.locURI) say(`${hp}/Target`, "Target LocURI is missing");
  if (!h.source.locURI) say(`${hp}/Source`, "Source LocURI is missing");
  const ids = new Map<string, string>();

  // Server requests address a Target; a client's Replace/Results report a Source; Copy needs both.
  const items = (path: string, list: Item[], max: number, addressed: boolean, copy: boolean) => {
    if (!list.length) say(path, "needs at least one Item");
    else if (list.length > max) say(path, "needs exactly one Item");
    list.forEach((it, i) => {
      const t = !!it.target?.locURI;
      const s = !!it.source?.locURI;
      if (addressed && (copy ? !(t && s) : !(t || s))) say(`${path}/Item[${i + 1}]`, copy ? "Copy Item needs Target and Source" : "Item has no Target or Source LocURI");
    });
  };

  const check = (c: Command, path: string, parent?: string) => {
    if (!c.cmdId) say(path, "CmdID is missing");
    else if (ids.has(c.cmdId)) say(path, `CmdID ${c.cmdId} is also used by ${ids.get(c.cmdId)}`);
    else ids.set(c.cmdId, path);
    if (parent && CONTAINED.indexOf(c.kind) < 0) say(path, `${c.kind} cannot be inside ${parent}`);
    if ("cred" in c && c.cred && c.kind !== "Status") say(path, "OMA DM allows Cred only in SyncHdr");
    switch (c.kind) {
      case "Unsupported":
        say(path, `${c.name} is not an OMA DM command`);
        break;
      case "Atomic":
      case "Sequence":
        if (!c.commands.length) say(path, `empty ${c.kind}`);
        if (c.kind === "Atomic" && parent === "Atomic") say(path, "Atomic cannot be nested in Atomic");
        c.commands.forEach((x, i) => check(x, `${path}/${x.kind === "Unsupported" ? x.name : x.kind}[${i + 1}]`, c.kind));
        break;
      case "Alert":
        if (!c.data || !/^\d{4}$/.test(c.data)) say(path, `Alert code "${c.data ?? ""}" is not a 4-digit code`);
        break;
      case "Status":
        if (!c.msgRef) say(path, "MsgRef is missing");
        if (!c.cmdRef) say(path, "CmdRef is missing");
        if (!c.cmd) say(path, "Cmd is missing");
        if (!/^\d{3,4}$/.test(c.data)) say(path, `status code "${c.data}" is not a number`);
        break;
      case "Results":
        if (!c.cmdRef) say(path, "CmdRef is missing");
        items(path, c.items, Infinity, false, false);
        break;
      default:
        items(path, c.items, c.kind === "Exec" ? 1 : Infinity, true, c.kind === "Copy");
    }
  };
  msg.body.commands.forEach((c, i) => check(c, `SyncBody/${c.kind === "Unsupported" ? c.name : c.kind}[${i + 1}]`));
  return out;
}
