// The native config store as a JSON tree for people (`dm-device store`): secrets masked.
import type { ConfigReader, ConfigValue } from "../config.js";

const SECRET = /password|secret|pin$|key$/i;

function show(value: ConfigValue, key: string): unknown {
  if (value.type === "node") return undefined;
  if (SECRET.test(key)) return "********";
  if (value.type === "int64") return `${value.value}n`;
  if (value.type === "buffer") return { hex: Buffer.from(value.value).toString("hex") };
  return value.value;
}

/** Nested object: interior keys are objects, values are JSON; a key with both has its value under "=". */
export function dumpConfig(reader: ConfigReader, key = ""): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of reader.children(key)) {
    const path = key ? `${key}/${name}` : name;
    const value = reader.read(path);
    const shown = value ? show(value, name) : undefined;
    const kids = reader.children(path);
    if (kids.length === 0) out[name] = shown === undefined ? {} : shown;
    else {
      const sub = dumpConfig(reader, path);
      out[name] = shown === undefined ? sub : { "=": shown, ...sub };
    }
  }
  return out;
}
