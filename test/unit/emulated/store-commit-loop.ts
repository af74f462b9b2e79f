// Child process for the SIGKILL test: commits generation after generation into a store until killed, printing
// each generation once its commit has been reported durable. Every generation's state is a pure function
// of its number, so the parent can tell exactly which committed state it finds after the kill.
import { writeSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ConfigTransaction, ConfigValue } from "../../../hal/config.js";
import { openConfigStore } from "../../../hal/emulated/config-store.js";

const KEYS = 40;

/** The whole store after generation `g` committed (generation 0: nothing ever committed). */
export function generationState(g: number): Record<string, ConfigValue> {
  if (g === 0) return {};
  const state: Record<string, ConfigValue> = { gen: { type: "int64", value: BigInt(g) } };
  const parity = g % 2 === 0 ? "even" : "odd";
  state[parity] = { type: "node" };
  for (let i = 0; i < 3; i++) state[`${parity}/${i}`] = { type: "int32", value: g * 10 + i };
  state.k = { type: "node" };
  for (let i = 0; i < KEYS; i++) state[`k/${String(i).padStart(2, "0")}`] = { type: "string", value: `${g}:${i}:${"p".repeat(40)}` };
  return state;
}

/** The changes that take any generation's state to generation `g`'s. */
export function writeGeneration(tx: ConfigTransaction, g: number): void {
  tx.delete("even");
  tx.delete("odd");
  for (const [key, value] of Object.entries(generationState(g))) tx.write(key, value);
}

function main(directory: string): void {
  // Small write steps make the commit many syscalls long, so kills land inside it more often.
  const store = openConfigStore({ directory, writeChunkSize: 256 });
  const domain = store.open({ path: "" });
  const current = domain.read("gen");
  let g = current?.type === "int64" ? Number(current.value) : 0;
  // Synchronous writes: a generation is reported before the next commit can start.
  writeSync(1, "ready\n");
  const next = () => {
    g++;
    const tx = domain.begin();
    writeGeneration(tx, g);
    tx.commit((error) => {
      if (error) throw error;
      writeSync(1, `${g}\n`);
      next();
    });
  };
  next();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main(process.argv[2]!);
