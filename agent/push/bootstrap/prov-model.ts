// The wap-provisioningdoc model both syntaxes decode to, and the builder that checks its structure against the
// ProvCont DTD (OMA-WAP-TS-ProvCont-V1_1: wap-provisioningdoc (characteristic)+; characteristic
// (parm | characteristic)*, type required; parm EMPTY, name required, value optional) and the decoder limits.
import { PushError, type PushErrorCode } from "../errors.js";

export interface Parm {
  readonly name: string;
  readonly value?: string;
}

export interface Characteristic {
  readonly type: string;
  readonly parms: Parm[];
  readonly characteristics: Characteristic[];
}

export interface ProvisioningDoc {
  /** The document's version attribute ("1.0", "1.1"), when sent. */
  readonly version?: string;
  readonly characteristics: Characteristic[];
}

/** Everything a hostile document could inflate is bounded before it costs memory or time. */
export interface ProvLimits {
  /** Largest encoded document, bytes (UTF-16 units for a string). */
  maxBytes: number;
  /** Deepest element nesting, the document element counted. */
  maxDepth: number;
  maxElements: number;
  /** Most decoded attribute text, characters: WBXML string-table references could otherwise amplify. */
  maxText: number;
}

/** A CP document fits a concatenated SMS (255 parts) many times over; a factory file is no bigger. */
export const PROV_LIMITS: Readonly<ProvLimits> = { maxBytes: 64 * 1024, maxDepth: 12, maxElements: 4096, maxText: 256 * 1024 };

/** The value of the first parm called `name`, when it has a non-empty one (a single-valued parm: the first wins). */
export function parm(c: Characteristic, name: string): string | undefined {
  for (const p of c.parms) if (p.name === name) return p.value ? p.value : undefined;
  return undefined;
}

export function provFail(code: PushErrorCode, detail: string): never {
  throw new PushError(code, `wap-provisioningdoc: ${detail}`);
}

type Open = { kind: "doc" } | { kind: "characteristic"; c: Characteristic } | { kind: "parm" };

/** Receives elements in document order (start, end) from either reader and builds the model. */
export class ProvBuilder {
  private doc: { version?: string; characteristics: Characteristic[] } | undefined;
  private readonly open: Open[] = [];
  private elements = 0;
  private text = 0;

  constructor(private readonly limits: ProvLimits) {}

  /** Counts decoded characters against maxText. */
  spend(n: number): void {
    if ((this.text += n) > this.limits.maxText) provFail("provisioning-limit", `text over ${this.limits.maxText}`);
  }

  /** `attrs` alternates names and values; a name sent twice is malformed XML and WBXML alike. */
  start(name: string, attrs: readonly string[]): void {
    if (++this.elements > this.limits.maxElements) provFail("provisioning-limit", `elements over ${this.limits.maxElements}`);
    if (this.open.length >= this.limits.maxDepth) provFail("provisioning-limit", `depth over ${this.limits.maxDepth}`);
    const a: Record<string, string> = {};
    for (let i = 0; i < attrs.length; i += 2) {
      if (Object.prototype.hasOwnProperty.call(a, attrs[i])) provFail("bad-provisioning", `${attrs[i]} repeated`);
      a[attrs[i]] = attrs[i + 1];
    }
    const has = (k: string) => Object.prototype.hasOwnProperty.call(a, k);
    const top = this.open[this.open.length - 1];
    if (name === "wap-provisioningdoc") {
      if (this.doc) provFail("bad-provisioning", "a second root");
      this.doc = has("version") ? { version: a.version, characteristics: [] } : { characteristics: [] };
      this.open.push({ kind: "doc" });
      return;
    }
    if (!top) provFail("bad-provisioning", `root ${name.slice(0, 40)}`);
    if (name === "characteristic" && top.kind !== "parm") {
      if (!has("type") || a.type === "") provFail("bad-provisioning", "characteristic without type");
      const c: Characteristic = { type: a.type, parms: [], characteristics: [] };
      (top.kind === "doc" ? this.doc!.characteristics : top.c.characteristics).push(c);
      this.open.push({ kind: "characteristic", c });
    } else if (name === "parm" && top.kind === "characteristic") {
      if (!has("name") || a.name === "") provFail("bad-provisioning", "parm without name");
      top.c.parms.push(has("value") ? { name: a.name, value: a.value } : { name: a.name });
      this.open.push({ kind: "parm" });
    } else {
      provFail("bad-provisioning", `${name.slice(0, 40)} inside ${top.kind}`);
    }
  }

  end(): void {
    if (!this.open.pop()) provFail("bad-provisioning", "an end without a start");
  }

  /** True once the document element has been closed. */
  get complete(): boolean {
    return this.doc !== undefined && this.open.length === 0;
  }

  result(): ProvisioningDoc {
    if (!this.complete) provFail("truncated", "the end inside an element");
    if (!this.doc!.characteristics.length) provFail("bad-provisioning", "no characteristic");
    return this.doc!;
  }
}
