// validateMessage: what decodes but is not OMA DM 1.2.
import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeXml, validateMessage } from "../../../agent/syncml/index.js";
import { fixture, messageFixtures } from "./fixtures.js";

test("the corpus is valid OMA DM (but for the Put in the unsupported-command sample)", () => {
  for (const name of messageFixtures()) {
    const problems = validateMessage(decodeXml(fixture(name)));
    if (name === "unsupported-command.xml") assert.deepEqual(problems, [{ path: "SyncBody/Put[1]", message: "Put is not an OMA DM command" }]);
    else assert.deepEqual(problems, [], name);
  }
});

test("missing and wrong elements are reported with their paths", () => {
  const m = decodeXml(`<SyncML><SyncHdr><VerDTD>1.0</VerDTD><VerProto>DS/1.2</VerProto><MsgID>x</MsgID><Target><LocURI>a</LocURI></Target></SyncHdr>
    <SyncBody>
      <Status><CmdID>1</CmdID><Data>abc</Data></Status>
      <Alert><CmdID>1</CmdID></Alert>
      <Exec><CmdID>3</CmdID><Item><Target><LocURI>./a</LocURI></Target></Item><Item><Target><LocURI>./b</LocURI></Target></Item></Exec>
      <Copy><CmdID>4</CmdID><Item><Target><LocURI>./a</LocURI></Target></Item></Copy>
      <Get><CmdID>5</CmdID><Cred><Data>x</Data></Cred></Get>
      <Atomic><CmdID>6</CmdID><Atomic><CmdID>7</CmdID><Add><CmdID>8</CmdID><Item><Data>x</Data></Item></Add></Atomic></Atomic>
      <Results><CmdID>9</CmdID></Results>
      <Sequence><CmdID>10</CmdID></Sequence>
    </SyncBody></SyncML>`);
  const got = validateMessage(m).map((p) => `${p.path}: ${p.message}`);
  assert.deepEqual(got, [
    'SyncHdr/VerDTD: VerDTD is "1.0", expected 1.2',
    'SyncHdr/VerProto: VerProto is "DS/1.2", expected DM/1.2',
    "SyncHdr/SessionID: SessionID is missing",
    'SyncHdr/MsgID: MsgID "x" is not a positive integer',
    "SyncHdr/Source: Source LocURI is missing",
    "SyncBody/Status[1]: MsgRef is missing",
    "SyncBody/Status[1]: CmdRef is missing",
    "SyncBody/Status[1]: Cmd is missing",
    'SyncBody/Status[1]: status code "abc" is not a number',
    "SyncBody/Alert[2]: CmdID 1 is also used by SyncBody/Status[1]",
    'SyncBody/Alert[2]: Alert code "" is not a 4-digit code',
    "SyncBody/Exec[3]: needs exactly one Item",
    "SyncBody/Copy[4]/Item[1]: Copy Item needs Target and Source",
    "SyncBody/Get[5]: OMA DM allows Cred only in SyncHdr",
    "SyncBody/Get[5]: needs at least one Item",
    "SyncBody/Atomic[6]/Atomic[1]: Atomic cannot be nested in Atomic",
    "SyncBody/Atomic[6]/Atomic[1]/Add[1]/Item[1]: Item has no Target or Source LocURI",
    "SyncBody/Results[7]: CmdRef is missing",
    "SyncBody/Results[7]: needs at least one Item",
    "SyncBody/Sequence[8]: empty Sequence",
  ]);
});
