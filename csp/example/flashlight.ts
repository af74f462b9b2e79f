// The example CSP of csp/README.md: ./Vendor/Example/Flashlight, one setting and one action.
//   On      bool, Get and Replace: whether the light is on; native key Example/Flashlight/On (boolean)
//   Toggle  Exec: switches the light
// Both nodes are permanent: they exist before anything was written (On then reads as its default, false).
// The native side (an LED service) reads the key once the session commits; the CSP never touches hardware.
import { DmStatusError, type Csp, type CspContext, type DdfNode } from "../csp.js";
import { toNative } from "../mapped.js";

export const FLASHLIGHT_KEY = "Example/Flashlight/On";

const ON: DdfNode = {
  name: "On", access: ["Get", "Replace"], format: "bool", occurrence: "One", scope: "Permanent",
  mime: "text/plain", defaultValue: "false", description: "Whether the light is on.",
};

export const FLASHLIGHT_DDF: DdfNode = {
  name: "Flashlight",
  access: ["Get"],
  format: "node",
  occurrence: "One",
  scope: "Permanent",
  description: "The handset's flashlight (an example CSP).",
  children: [ON, { name: "Toggle", access: ["Exec"], format: "null", occurrence: "One", scope: "Permanent", description: "Switches the light." }],
};

function isOn(context: CspContext): boolean {
  const value = context.config.read(FLASHLIGHT_KEY);
  return value !== undefined && value.type === "boolean" && value.value;
}

export function flashlightCsp(): Csp {
  const fixed = (): never => {
    throw new DmStatusError(405, "the flashlight's nodes are fixed");
  };
  return {
    roots: [["Vendor", "Example", "Flashlight"]],
    description: FLASHLIGHT_DDF,
    node(path) {
      if (path.length === 0) return { kind: "interior" };
      if (path.length > 1) return undefined;
      if (path[0] === "On") return { kind: "leaf", format: "bool", type: "text/plain" };
      return path[0] === "Toggle" ? { kind: "leaf", format: "null" } : undefined;
    },
    children: (path) => (path.length === 0 ? ["On", "Toggle"] : []),
    get(path, context) {
      // The tree checks the DDF's access types first; a ?list=StructData walk comes here for Toggle too.
      if (path[0] !== "On") throw new DmStatusError(405, "Toggle has no value");
      return { format: "bool", type: "text/plain", data: isOn(context) ? "true" : "false" };
    },
    // Unknown names reach add() too (the DDF has no node for them, so the tree cannot refuse them).
    add: fixed,
    delete: fixed,
    replace(_path, value, context) {
      context.config.write(FLASHLIGHT_KEY, toNative(ON, value)); // 400 unless true or false
    },
    async exec(_path, _data, _correlator, context) {
      context.config.write(FLASHLIGHT_KEY, { type: "boolean", value: !isOn(context) });
    },
  };
}
