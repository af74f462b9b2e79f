// Whatever a server sends (random messages from the codec's own arbitraries: every command kind, nested
// containers, odd URIs, binary data, documents, missing fields), the DPU never throws, answers every command
// that has a CmdID and no NoResp with a Status, and the session engine turns any decodable message into a
// next step.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { command, message } from "../syncml/arbitraries.js";
import { harness } from "./harness.js";
import { DmSession } from "../../../agent/dm/session.js";
import { encodeWbxml, type Command } from "../../../agent/syncml/index.js";

const RUNS = Number(process.env.FUZZ_ITERATIONS ?? 150);

describe("the DPU under arbitrary input", () => {
  const h = harness();
  after(() => h.close());

  it("answers every command with a Status and never throws", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command(true), { minLength: 1, maxLength: 6 }), async (commands) => {
        const out: Command[] = [];
        h.dpu.beginMessage();
        for (const c of commands) await h.dpu.command(c, "7", (x) => out.push(x));
        for (const c of commands) {
          if (c.kind === "Status" || c.kind === "Results" || ("noResp" in c && c.noResp)) continue;
          assert.ok(out.some((x) => x.kind === "Status" && x.cmdRef === c.cmdId && x.msgRef === "7"), `no Status for ${c.kind} ${c.cmdId}`);
        }
        for (const x of out) if (x.kind === "Status") assert.match(x.data, /^\d{3}$/);
      }),
      { numRuns: RUNS },
    );
  });

  it("takes any decodable server message to a next step", async () => {
    await fc.assert(
      fc.asyncProperty(message(true), async (msg) => {
        const session = new DmSession({
          sessionId: "1", alert: "1201", encoding: "wbxml", deviceId: "IMEI:1", serverUri: "https://dm.example/dm",
          clientNonce: new Uint8Array(0), serverNonce: new Uint8Array(0), devInfo: [], alerts: [], maxMsgSize: 1 << 20, maxObjSize: 1 << 18,
        }, {
          dpu: h.dpu, random: (n) => new Uint8Array(n), saveClientNonce: async () => undefined, saveServerNonce: async () => undefined,
          alertsDelivered: async () => undefined, trace: () => undefined,
        });
        session.start();
        const step = await session.receive({ body: encodeWbxml(msg) });
        assert.ok(step.kind === "send" || step.kind === "done" || step.kind === "abort");
      }),
      { numRuns: RUNS },
    );
  });
});
