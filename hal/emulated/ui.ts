// Scripted prompts: answers queued by a test (or `dm-device run --ui FILE`) are given in order. A display
// needs no answer: it is accepted after its minimum duration. A prompt with no answer waiting stays up until
// its maximum duration (outcome "timeout"), an answer arrives, or the agent closes it.
import type { Completion } from "../common.js";
import type { Timer } from "../clock.js";
import type { Prompt, PromptOptions, PromptResult, UserInterface } from "../ui.js";

export type PromptKind = "display" | "confirm" | "input" | "choose";

export interface ShownPrompt {
  readonly kind: PromptKind;
  readonly options: PromptOptions & Record<string, unknown>;
  result?: PromptResult<unknown>;
}

interface Open {
  shown: ShownPrompt;
  finish(result: PromptResult<unknown>): void;
}

export class ScriptedUI implements UserInterface {
  private readonly answers: Array<PromptResult<unknown>> = [];
  private readonly waiting: Open[] = [];
  /** Every prompt the agent showed, in order, with the result it got. */
  readonly shown: ShownPrompt[] = [];

  constructor(private readonly timer: Timer, answers: ReadonlyArray<PromptResult<unknown>> = []) {
    for (const a of answers) this.answer(a);
  }

  /** Queues the user's next answer; a prompt already waiting takes it at once. */
  answer(result: PromptResult<unknown>): void {
    const outcomes = ["accepted", "rejected", "cancelled", "timeout"];
    if (!result || !outcomes.includes(result.outcome)) throw new TypeError(`prompt outcome must be one of ${outcomes.join(", ")}`);
    const open = this.waiting.shift();
    if (open) setImmediate(() => open.finish(result));
    else this.answers.push(result);
  }

  /** Prompts on screen now. */
  open(): number {
    return this.waiting.length;
  }

  private show<T>(kind: PromptKind, options: PromptOptions & Record<string, unknown>, callback: Completion<PromptResult<T>>): Prompt {
    if (options === null || typeof options !== "object" || typeof options.text !== "string") {
      throw new TypeError(`ui.${kind}: options with text required`);
    }
    if (typeof callback !== "function") throw new TypeError(`ui.${kind}: callback required`);
    const shown: ShownPrompt = { kind, options: { ...options } };
    this.shown.push(shown);
    let done = false;
    const timers: unknown[] = [];
    const open: Open = {
      shown,
      finish: (result) => {
        if (done) return;
        done = true;
        timers.forEach((t) => this.timer.clear(t as number));
        const i = this.waiting.indexOf(open);
        if (i >= 0) this.waiting.splice(i, 1);
        shown.result = result;
        callback(null, result as PromptResult<T>);
      },
    };
    if (kind === "display") {
      timers.push(this.timer.set(() => open.finish({ outcome: "accepted" }), options.minimumDuration ?? 0));
    } else {
      const answer = this.answers.shift();
      if (answer) setImmediate(() => open.finish(answer));
      else {
        this.waiting.push(open);
        if (options.maximumDuration !== undefined) {
          timers.push(this.timer.set(() => open.finish({ outcome: "timeout" }), options.maximumDuration));
        }
      }
    }
    return {
      close: () => {
        if (done) return;
        done = true;
        timers.forEach((t) => this.timer.clear(t as number));
        const i = this.waiting.indexOf(open);
        if (i >= 0) this.waiting.splice(i, 1);
      },
    };
  }

  display(options: PromptOptions, callback: Completion<PromptResult<undefined>>): Prompt {
    return this.show("display", options as PromptOptions & Record<string, unknown>, callback);
  }
  confirm(options: PromptOptions & { readonly defaultValue?: boolean }, callback: Completion<PromptResult<boolean>>): Prompt {
    return this.show("confirm", options as PromptOptions & Record<string, unknown>, callback);
  }
  input(options: Parameters<UserInterface["input"]>[0], callback: Completion<PromptResult<string>>): Prompt {
    return this.show("input", options as PromptOptions & Record<string, unknown>, callback);
  }
  choose(options: Parameters<UserInterface["choose"]>[0], callback: Completion<PromptResult<number[]>>): Prompt {
    if (!options || !Array.isArray(options.choices)) throw new TypeError("ui.choose: choices required");
    return this.show("choose", options as unknown as PromptOptions & Record<string, unknown>, callback);
  }
}
