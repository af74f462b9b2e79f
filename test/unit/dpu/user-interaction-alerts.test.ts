// Alerts 1100-1104 go to device.ui with their options (MINDT/MAXDT in ms, DR, MAXLEN, IT, ET, choices); the
// outcome becomes the Status (200 / 304 / 214 / 408 and the data typed or chosen). A cancel stops the rest of
// the message (215). Without a UI the default response answers, or 406.
import { describe, it, afterEach } from "node:test";
import assert from "node:assert/strict";
import { ScriptedUI } from "../../../hal/emulated/ui.js";
import { virtualTime } from "../../../hal/emulated/clock.js";
import type { PromptResult } from "../../../hal/ui.js";
import type { Command, StatusCommand } from "../../../agent/syncml/index.js";
import { Alert, Add, code, harness, type Harness } from "./harness.js";

const status = (out: Command[], id: string) => out.find((c): c is StatusCommand => c.kind === "Status" && c.cmdRef === id)!;
const opts = (data: string) => ({ data });

describe("user interaction alerts", () => {
  let h: Harness;
  afterEach(() => h.close());

  function withUi(answers: PromptResult<unknown>[]) {
    const time = virtualTime();
    const ui = new ScriptedUI(time.timer, answers);
    h = harness({ ui });
    return { ui, time };
  }

  it("displays a message for its minimum time, then answers 200", async () => {
    const { ui, time } = withUi([]);
    const running = h.run([Alert("1100", [opts("MINDT=5&MAXDT=30&UNKNOWN=1"), opts("Management in progress")], "1")]);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(ui.shown[0].options, { text: "Management in progress", minimumDuration: 5000, maximumDuration: 30000 });
    await time.advance(5000);
    assert.equal(code(await running, "1"), 200);
  });

  it("maps a confirmation to 200 (yes), 304 (no) and 214 (cancelled, the rest not executed)", async () => {
    withUi([{ outcome: "accepted", value: true }, { outcome: "accepted", value: false }, { outcome: "rejected" }, { outcome: "cancelled" }]);
    const c = (id: string) => Alert("1101", [opts(""), opts("Go on?")], id);
    const out = await h.run([c("1"), c("2"), c("3"), c("4"), Add("./Vendor/After", "x", "chr", "5")]);
    assert.deepEqual(["1", "2", "3", "4", "5"].map((id) => code(out, id)), [200, 304, 304, 214, 215]);
    const next = await h.run([Add("./Vendor/Next", "x", "chr", "6")], "2");
    assert.equal(code(next, "6"), 200, "the next message is processed again");
  });

  it("returns typed text with the input options, and the default response on timeout", async () => {
    const { ui, time } = withUi([{ outcome: "accepted", value: "CNN" }]);
    let out = await h.run([Alert("1102", [opts("IT=N&ET=P&MAXLEN=4&DR=1234"), opts("PIN?")], "1")]);
    assert.deepEqual(status(out, "1").items, [{ data: "CNN" }]);
    assert.deepEqual(ui.shown[0].options, { text: "PIN?", inputType: "numeric", echo: "password", maximumLength: 4, defaultValue: "1234", minimumDuration: undefined, maximumDuration: undefined });
    const running = h.run([Alert("1102", [opts("MAXDT=10&DR=abc"), opts("Name?")], "2")], "2");
    await new Promise((r) => setImmediate(r));
    await time.advance(10_000);
    out = await running;
    assert.equal(code(out, "2"), 200);
    assert.deepEqual(status(out, "2").items, [{ data: "abc" }]);
  });

  it("answers 408 when the user does not act within MAXDT and there is no default", async () => {
    const { time } = withUi([]);
    const running = h.run([Alert("1101", [opts("MAXDT=3"), opts("Sure?")], "1")]);
    await new Promise((r) => setImmediate(r));
    await time.advance(3000);
    assert.equal(code(await running, "1"), 408);
  });

  it("returns the numbers of the choices made (1-based), one for 1103 and several for 1104", async () => {
    const { ui } = withUi([{ outcome: "accepted", value: [1] }, { outcome: "accepted", value: [2, 0] }]);
    const items = [opts("DR=1"), opts("Pick"), opts("CNN"), opts("Mobilbank"), opts("Games")];
    const out = await h.run([Alert("1103", items, "1"), Alert("1104", items, "2")]);
    assert.deepEqual(status(out, "1").items, [{ data: "2" }]);
    assert.deepEqual(status(out, "2").items, [{ data: "3" }, { data: "1" }]);
    assert.deepEqual(ui.shown[1].options.choices, ["CNN", "Mobilbank", "Games"]);
    assert.equal(ui.shown[1].options.multiple, true);
    assert.deepEqual(ui.shown[0].options.defaultValue, [0]);
  });

  it("answers from the default response on a device without a UI, else 406 (a display needs nobody)", async () => {
    h = harness();
    const out = await h.run([
      Alert("1100", [opts(""), opts("hello")], "1"),
      Alert("1101", [opts("DR=1"), opts("ok?")], "2"),
      Alert("1101", [opts(""), opts("ok?")], "3"),
      Alert("1104", [opts("DR=1-3"), opts("pick"), opts("a"), opts("b"), opts("c")], "4"),
      Alert("1102", [opts("DR=x%20y"), opts("text?")], "5"),
    ]);
    assert.deepEqual(["1", "2", "3", "4", "5"].map((id) => code(out, id)), [200, 200, 406, 200, 200]);
    assert.deepEqual(status(out, "4").items, [{ data: "1" }, { data: "3" }]);
    assert.deepEqual(status(out, "5").items, [{ data: "x y" }]);
  });

  it("answers 400 to a choice alert without choices", async () => {
    h = harness();
    const out = await h.run([Alert("1103", [opts(""), opts("pick")], "1"), Alert("1101", [], "2")]);
    assert.deepEqual([code(out, "1"), code(out, "2")], [400, 400]);
  });
});
