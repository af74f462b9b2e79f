// User-interaction alerts (OMA-TS-DM_Protocol-V1_2 §10, 1100 display, 1101 confirm, 1102 text input, 1103 and
// 1104 single and multiple choice) through device.ui. Item 1 holds URL-encoded options (MINDT, MAXDT, DR,
// MAXLEN, IT, ET; others are skipped as the spec asks), item 2 the text, items 3.. the choices.
// Outcomes map onto statuses: 200 yes/done, 304 no, 214 cancelled (the rest of the message is then not
// executed), 408 timeout without a default response. A device without a UI answers with the default
// response when there is one, shows nothing for a display, and 406 otherwise.
import type { Prompt, PromptResult, UserInterface, InputType } from "../../hal/ui.js";
import type { AlertCommand, Item } from "../syncml/index.js";
import { dataOf } from "./values.js";
import { BAD_REQUEST, CANCELLED, NO, NOT_SUPPORTED, OK, TIMEOUT } from "./status.js";

export interface UiOutcome {
  readonly status: number;
  /** Status items: the text typed, or the (1-based) numbers chosen. */
  readonly items: Item[];
  /** The user cancelled: the rest of the message is not executed. */
  readonly stop: boolean;
}

interface Options {
  minimumDuration?: number;
  maximumDuration?: number;
  defaultResponse?: string;
  maximumLength?: number;
  inputType?: InputType;
  echo?: "text" | "password";
}

const INPUT_TYPES: Record<string, InputType> = { A: "alphanumeric", N: "numeric", D: "date", T: "time", P: "phone", I: "ipAddress" };

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return text;
  }
}

export function parseUiOptions(text: string): Options {
  const o: Options = {};
  for (const part of text.split("&")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim().toUpperCase();
    const value = decode(part.slice(eq + 1));
    const seconds = /^\d+$/.test(value.trim()) ? Number(value) * 1000 : undefined;
    if (key === "MINDT" && seconds !== undefined) o.minimumDuration = seconds;
    else if (key === "MAXDT" && seconds !== undefined && seconds > 0) o.maximumDuration = seconds;
    else if (key === "DR") o.defaultResponse = value;
    else if (key === "MAXLEN" && /^\d+$/.test(value.trim())) o.maximumLength = Number(value);
    else if (key === "IT" && INPUT_TYPES[value.trim().toUpperCase()]) o.inputType = INPUT_TYPES[value.trim().toUpperCase()];
    else if (key === "ET") o.echo = value.trim().toUpperCase() === "P" ? "password" : "text";
  }
  return o;
}

const text = (item: Item | undefined): string => {
  const d = item ? dataOf(item.data) : "";
  return typeof d === "string" ? d : "";
};

/** "1-3" (choice numbers, 1-based) as 0-based indices within `count`. */
function choiceList(dr: string | undefined, count: number): number[] | undefined {
  if (dr === undefined) return undefined;
  const out: number[] = [];
  for (const p of dr.split(/[-,\s]+/)) {
    const n = Number(p);
    if (p !== "" && n >= 1 && n <= count && out.indexOf(n - 1) < 0) out.push(n - 1);
  }
  return out;
}

const done = (status: number, items: Item[] = [], stop = false): UiOutcome => ({ status, items, stop });
const numbers = (indices: readonly number[]): Item[] => indices.map((i) => ({ data: String(i + 1) }));

/** Shows one alert; `track` receives the open prompt so a session that ends can close it. */
export async function runUiAlert(alert: AlertCommand, ui: UserInterface | undefined, track: (p: Prompt | undefined) => void): Promise<UiOutcome> {
  const code = alert.data;
  // One item is read as the text alone (servers that leave out the empty options item).
  const [first, second, ...choiceItems] = alert.items.length === 1 ? [undefined, alert.items[0]] : alert.items;
  if (!second) return done(BAD_REQUEST);
  const o = parseUiOptions(text(first));
  const base = { text: text(second), minimumDuration: o.minimumDuration, maximumDuration: o.maximumDuration };
  const choices = choiceItems.map(text);
  const dr = o.defaultResponse;

  const ask = <T>(start: (cb: (e: Error | null, r?: PromptResult<T>) => void) => Prompt): Promise<PromptResult<T>> =>
    new Promise<PromptResult<T>>((resolve, reject) => {
      const prompt = start((error, result) => {
        track(undefined);
        if (error) reject(error);
        else resolve(result ?? { outcome: "cancelled" });
      });
      track(prompt);
    });

  switch (code) {
    case "1100": {
      if (!ui) return done(OK);
      const r = await ask<undefined>((cb) => ui.display(base, cb));
      return r.outcome === "cancelled" ? done(CANCELLED, [], true) : done(OK);
    }
    case "1101": {
      const fallback = dr === undefined ? undefined : dr.trim() === "1";
      if (!ui) return fallback === undefined ? done(NOT_SUPPORTED) : done(fallback ? OK : NO);
      const r = await ask<boolean>((cb) => ui.confirm(fallback === undefined ? base : { ...base, defaultValue: fallback }, cb));
      if (r.outcome === "accepted") return done(r.value === false ? NO : OK);
      if (r.outcome === "rejected") return done(NO);
      if (r.outcome === "timeout") return fallback === undefined ? done(TIMEOUT) : done(fallback ? OK : NO);
      return done(CANCELLED, [], true);
    }
    case "1102": {
      if (!ui) return dr === undefined ? done(NOT_SUPPORTED) : done(OK, [{ data: dr }]);
      const r = await ask<string>((cb) => ui.input({
        ...base, inputType: o.inputType, echo: o.echo, maximumLength: o.maximumLength, defaultValue: dr,
      }, cb));
      if (r.outcome === "accepted") return done(OK, [{ data: String(r.value ?? "") }]);
      if (r.outcome === "timeout") return dr === undefined ? done(TIMEOUT) : done(OK, [{ data: dr }]);
      return done(CANCELLED, [], true);
    }
    case "1103":
    case "1104": {
      if (!choices.length) return done(BAD_REQUEST);
      const fallback = choiceList(dr, choices.length);
      if (!ui) return fallback === undefined ? done(NOT_SUPPORTED) : done(OK, numbers(fallback));
      const r = await ask<number[]>((cb) => ui.choose({ ...base, choices, multiple: code === "1104", defaultValue: fallback }, cb));
      if (r.outcome === "accepted") {
        const picked = (r.value ?? []).filter((i) => i >= 0 && i < choices.length);
        return done(OK, numbers(code === "1103" ? picked.slice(0, 1) : picked));
      }
      if (r.outcome === "timeout") return fallback === undefined ? done(TIMEOUT) : done(OK, numbers(fallback));
      return done(CANCELLED, [], true);
    }
  }
  return done(NOT_SUPPORTED);
}
