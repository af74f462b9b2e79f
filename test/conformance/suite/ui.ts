// Conformance: device.ui (hal/ui.d.ts). The scripted UI plays the user: control.ui.answer() queues what the
// user does next. Results arrive through the completion, from the event loop, and never after close().
import { after, afterEach, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ConformanceDevice, ConformanceTarget } from "../harness.js";
import type { HalError } from "../../../hal/common.js";
import type { Prompt, PromptResult, UserInterface } from "../../../hal/ui.js";
import { until } from "../../support/temp.js";

interface Outcome<T> {
  calls: Array<{ error: HalError | null; result: PromptResult<T> | undefined }>;
  synchronous: boolean;
  prompt: Prompt;
}

function settle(ms = 20): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function uiConformance(target: ConformanceTarget): void {
  describe("user interface", () => {
    let d: ConformanceDevice;
    let ui: UserInterface;
    const prompts: Prompt[] = [];
    before(async () => {
      d = await target.make();
      assert.ok(d.device.ui, "the emulated device has a UI");
      ui = d.device.ui;
    });
    after(async () => {
      await d?.dispose();
    });
    afterEach(() => {
      prompts.splice(0).forEach((p) => p.close());
    });

    /** Shows a prompt and records its completion calls. */
    function show<T>(start: (callback: (error: HalError | null, result?: PromptResult<T>) => void) => Prompt): Outcome<T> {
      const out: Outcome<T> = { calls: [], synchronous: false, prompt: undefined as unknown as Prompt };
      let inside = true;
      out.prompt = start((error, result) => {
        if (inside) out.synchronous = true;
        out.calls.push({ error, result });
      });
      inside = false;
      prompts.push(out.prompt);
      return out;
    }

    async function settled<T>(out: Outcome<T>): Promise<PromptResult<T>> {
      await until(() => out.calls.length > 0, 2000, "the prompt's completion");
      assert.equal(out.synchronous, false, "the completion ran inside the call that showed the prompt");
      assert.equal(out.calls.length, 1);
      assert.equal(out.calls[0]!.error, null);
      return out.calls[0]!.result!;
    }

    it("confirm gets the user's answer: accepted with true", async () => {
      d.control.ui!.answer({ outcome: "accepted", value: true });
      const shownBefore = d.control.ui!.shown.length;
      const out = show<boolean>((cb) => ui.confirm({ text: "Install the update?", title: "Update" }, cb));
      const result = await settled(out);
      assert.equal(result.outcome, "accepted");
      assert.equal(result.value, true);
      const shown = d.control.ui!.shown[shownBefore]!;
      assert.equal(shown.kind, "confirm");
      assert.equal(shown.options.text, "Install the update?");
      assert.equal(shown.options.title, "Update");
    });

    it("confirm: rejected, with no value", async () => {
      d.control.ui!.answer({ outcome: "rejected" });
      const result = await settled(show<boolean>((cb) => ui.confirm({ text: "Allow?" }, cb)));
      assert.equal(result.outcome, "rejected");
      assert.equal(result.value, undefined);
    });

    it("input gets the typed text", async () => {
      d.control.ui!.answer({ outcome: "accepted", value: "1234" });
      const out = show<string>((cb) => ui.input({ text: "PIN?", inputType: "numeric", echo: "password", maximumLength: 8 }, cb));
      const result = await settled(out);
      assert.equal(result.outcome, "accepted");
      assert.equal(result.value, "1234");
      const shown = d.control.ui!.shown.at(-1)!;
      assert.equal(shown.kind, "input");
      assert.equal(shown.options.inputType, "numeric");
      assert.equal(shown.options.maximumLength, 8);
    });

    it("choose gets the chosen indices", async () => {
      d.control.ui!.answer({ outcome: "accepted", value: [0, 2] });
      const out = show<number[]>((cb) => ui.choose({ text: "Which?", choices: ["a", "b", "c"], multiple: true }, cb));
      const result = await settled(out);
      assert.equal(result.outcome, "accepted");
      assert.deepEqual(result.value, [0, 2]);
      assert.deepEqual(d.control.ui!.shown.at(-1)!.options.choices, ["a", "b", "c"]);
    });

    it("an answer given while the prompt is up is delivered", async () => {
      const out = show<boolean>((cb) => ui.confirm({ text: "Still there?" }, cb));
      await settle();
      assert.deepEqual(out.calls, [], "completed with no answer");
      d.control.ui!.answer({ outcome: "cancelled" });
      const result = await settled(out);
      assert.equal(result.outcome, "cancelled");
    });

    it("display is accepted after its minimum duration", async () => {
      const out = show<undefined>((cb) => ui.display({ text: "Updating…", minimumDuration: 2000 }, cb));
      await d.control.time.advance(1999);
      await settle();
      assert.deepEqual(out.calls, [], "accepted before the minimum duration");
      await d.control.time.advance(1);
      const result = await settled(out);
      assert.equal(result.outcome, "accepted");
    });

    it("a prompt nobody answers times out after its maximum duration", async () => {
      const out = show<string>((cb) => ui.input({ text: "Name?", maximumDuration: 30_000 }, cb));
      await d.control.time.advance(29_999);
      await settle();
      assert.deepEqual(out.calls, [], "timed out early");
      await d.control.time.advance(1);
      const result = await settled(out);
      assert.equal(result.outcome, "timeout");
      assert.equal(result.value, undefined);
    });

    it("close() dismisses: no callback follows, even with an answer already queued", async () => {
      const waiting = show<boolean>((cb) => ui.confirm({ text: "Waiting", maximumDuration: 1000 }, cb));
      waiting.prompt.close();
      waiting.prompt.close(); // idempotent
      await d.control.time.advance(5000);
      const display = show<undefined>((cb) => ui.display({ text: "Shown", minimumDuration: 10 }, cb));
      display.prompt.close();
      await d.control.time.advance(100);
      d.control.ui!.answer({ outcome: "accepted", value: true });
      const answered = show<boolean>((cb) => ui.confirm({ text: "Answered" }, cb));
      answered.prompt.close(); // before the event loop delivers the queued answer
      await settle();
      assert.deepEqual(waiting.calls, []);
      assert.deepEqual(display.calls, []);
      assert.deepEqual(answered.calls, []);
      assert.equal(d.control.ui!.open(), 0, "a closed prompt is still on screen");
    });

    it("options without text is a TypeError", () => {
      const confirm = ui.confirm as (options: unknown, callback: unknown) => Prompt;
      assert.throws(() => confirm({}, () => {}), { name: "TypeError" });
      assert.throws(() => confirm(undefined, () => {}), { name: "TypeError" });
    });
  });
}
