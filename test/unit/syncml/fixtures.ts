// Reads the DM 1.2 corpus under test/fixtures/syncml (compiled tests run from dist/test/..., hence the climb).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "..", "..", "..", "..");
export const FIXTURES = join(ROOT, "test", "fixtures", "syncml");

/** The SyncML message fixtures (`*.xml` at the top of the corpus). */
export function messageFixtures(): string[] {
  return readdirSync(FIXTURES).filter((f) => f.endsWith(".xml")).sort();
}

export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES, name)));
}
