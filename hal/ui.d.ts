import type { Completion } from "./common.js";

/**
 * User prompts, mirroring OMA DM 1.2 user-interaction alerts (1100 display, 1101 confirm, 1102 input,
 * 1103/1104 single and multiple choice). Durations are ms; the agent converts MINDT/MAXDT (seconds).
 * Outcomes are the user's, never DM status codes.
 */
export interface PromptOptions {
  readonly text: string;
  readonly title?: string;
  /** Keep the prompt up at least this long. */
  readonly minimumDuration?: number;
  /** After this the prompt closes with outcome "timeout". */
  readonly maximumDuration?: number;
}

export type PromptOutcome = "accepted" | "rejected" | "cancelled" | "timeout";

export interface PromptResult<T> {
  readonly outcome: PromptOutcome;
  /** Present when outcome is "accepted" (confirm: true/false, input: text, choose: 0-based indices). */
  readonly value?: T;
}

/** A shown prompt; close() dismisses it and no callback follows. */
export interface Prompt {
  close(): void;
}

export type InputType = "alphanumeric" | "numeric" | "date" | "time" | "phone" | "ipAddress";

export interface UserInterface {
  display(options: PromptOptions, callback: Completion<PromptResult<undefined>>): Prompt;
  confirm(options: PromptOptions & { readonly defaultValue?: boolean }, callback: Completion<PromptResult<boolean>>): Prompt;
  input(
    options: PromptOptions & {
      readonly inputType?: InputType;
      readonly echo?: "text" | "password";
      readonly maximumLength?: number;
      readonly defaultValue?: string;
    },
    callback: Completion<PromptResult<string>>,
  ): Prompt;
  choose(
    options: PromptOptions & {
      readonly choices: readonly string[];
      readonly multiple?: boolean;
      readonly defaultValue?: readonly number[];
    },
    callback: Completion<PromptResult<number[]>>,
  ): Prompt;
}
