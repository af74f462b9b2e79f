// ActiveSync leaf values: the native type each leaf is kept as (registry-mapping.md) and the values the
// documentation allows. Every leaf is chr on the wire; natively, flags are booleans and numbers integers,
// so the mail client reading the store gets typed values. Malformed text is 400 (Bad request); a
// well-formed value outside the documented ones is 406 (that option is not supported).
import type { ConfigValue } from "../../hal/config.js";
import { utf8Decode } from "../../agent/bytes/utf8.js";
import { DmStatusError, type DmValue } from "../csp.js";

type Rule =
  | { readonly kind: "text" | "email" | "flag" }
  | { readonly kind: "int" | "int64"; readonly min: number; readonly max: number; readonly only?: readonly number[] }
  | { readonly kind: "choice"; readonly values: readonly string[] };

const TEXT: Rule = { kind: "text" };
const FLAG: Rule = { kind: "flag" };
const int = (min: number, max: number, only?: number[]): Rule => ({ kind: "int", min, max, only });

/** By the leaf's path below the account; "*" stands for the content type GUID. */
const RULES: Readonly<Record<string, Rule>> = {
  EmailAddress: { kind: "email" },
  // The CSP page lists no values for CalendarAgeFilter: these are the calendar FilterType values of
  // MS-ASCMD §2.2.3.68.2 (all, 2 weeks, 1 month, 3 months, 6 months).
  "Options/CalendarAgeFilter": int(0, 7, [0, 4, 5, 6, 7]),
  "Options/Logging": int(0, 2),
  "Options/MailBodyType": int(0, 4),
  "Options/MailHTMLTruncation": int(-1, 2147483647),
  "Options/MailPlainTextTruncation": int(-1, 2147483647),
  // Range [-1, 4294967295] per the DDF: wider than int32, so int64.
  "Options/Schedule": { kind: "int64", min: -1, max: 4294967295 },
  "Options/UseSSL": FLAG,
  "Options/MailAgeFilter": int(0, 6),
  "Options/ContentTypes/*/Enabled": FLAG,
  "Policies/MailBodyType": { kind: "choice", values: ["HTML", "plain"] },
  // The CSP page is silent; MS-ASPROV §2.2.2.33 MaxEmailAgeFilter allows 0..5.
  "Policies/MaxMailAgeFilter": int(0, 5),
};

/** The rule for a leaf, `leaf` being its path below Accounts/{GUID}. */
export function ruleFor(leaf: readonly string[]): Rule {
  const key = leaf.length === 4 && leaf[1] === "ContentTypes" ? `${leaf[0]}/${leaf[1]}/*/${leaf[3]}` : leaf.join("/");
  return RULES[key] ?? TEXT;
}

function bad(status: number, message: string): never {
  throw new DmStatusError(status, message);
}

export function toNative(rule: Rule, value: DmValue): ConfigValue {
  const text = typeof value.data === "string" ? value.data : utf8Decode(value.data);
  const t = text.trim();
  switch (rule.kind) {
    case "text":
      return { type: "string", value: text };
    case "email":
      if (!/^[^\s@]+@[^\s@]+$/.test(t)) bad(400, "not an email address");
      return { type: "string", value: t };
    case "flag": {
      const f = t.toLowerCase();
      if (f !== "0" && f !== "1" && f !== "true" && f !== "false") bad(400, `not 0 or 1: ${t}`);
      return { type: "boolean", value: f === "1" || f === "true" };
    }
    case "choice": {
      const hit = rule.values.filter((v) => v.toLowerCase() === t.toLowerCase())[0];
      if (hit === undefined) bad(406, `not one of ${rule.values.join(", ")}: ${t}`);
      return { type: "string", value: hit };
    }
    default: {
      if (!/^[+-]?\d{1,10}$/.test(t)) bad(400, `not an integer: ${t}`);
      const n = Number(t);
      if (n < rule.min || n > rule.max || (rule.only && rule.only.indexOf(n) < 0)) bad(406, `unsupported value ${n}`);
      return rule.kind === "int" ? { type: "int32", value: n } : { type: "int64", value: BigInt(n) };
    }
  }
}

export function fromNative(value: ConfigValue): DmValue {
  let data = "";
  if (value.type === "string") data = value.value;
  else if (value.type === "boolean") data = value.value ? "1" : "0";
  else if (value.type === "int32" || value.type === "int64" || value.type === "float64") data = String(value.value);
  return { format: "chr", type: "text/plain", data };
}
