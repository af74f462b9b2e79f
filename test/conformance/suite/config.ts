// Conformance suite for any ConfigStore (hal/config.d.ts): the emulated store called directly, the same store
// seen from inside QuickJS through the bridge, or a native port. It uses only the public interface and
// checks errors by `code` and `name`, never by `instanceof`, because values may have crossed a boundary.
import { describe, it, type TestContext } from "node:test";
import assert from "node:assert/strict";
import type { HalError, HalErrorCode } from "../../../hal/common.js";
import type { ConfigReader, ConfigStore, ConfigTransaction, ConfigValue } from "../../../hal/config.js";
import { isHalError } from "../../../hal/async.js";

export interface ConfigTarget {
  /** A fresh, empty store. */
  readonly store: ConfigStore;
  /** Closes the store and opens the same persistent data again (a reboot); absent when not persistent. */
  readonly reopen?: () => Promise<ConfigStore>;
  /** Closes whatever store is current and removes its data. */
  dispose(): Promise<void>;
}

export type ConfigFactory = () => Promise<ConfigTarget>;

/** Every key of the store with its value, depth first in code-unit order; the store root itself is left out. */
export function dumpStore(store: ConfigStore): Record<string, ConfigValue> {
  const domain = store.open({ path: "", mode: "r" });
  try {
    return dumpReader(domain);
  } finally {
    domain.close();
  }
}

/** Every key below `key` of a domain or transaction, as dumpStore. */
export function dumpReader(reader: ConfigReader, key = "", out: Record<string, ConfigValue> = {}): Record<string, ConfigValue> {
  for (const name of reader.children(key)) {
    const path = key ? `${key}/${name}` : name;
    const value = reader.read(path);
    if (value !== undefined) out[path] = value;
    dumpReader(reader, path, out);
  }
  return out;
}

/** Commits and resolves once the callback reports success; fails if the callback ran inside commit(). */
export async function commit(transaction: ConfigTransaction): Promise<void> {
  let inside = true;
  let calledInside = false;
  const error = await new Promise<HalError | null>((resolve) => {
    transaction.commit((e) => {
      calledInside ||= inside;
      resolve(e);
    });
    inside = false;
  });
  assert.equal(calledInside, false, "commit() called back before it returned");
  if (error) throw error;
}

function describeError(error: unknown): string {
  if (typeof error !== "object" || error === null) return String(error);
  const { name, code, message } = error as { name?: unknown; code?: unknown; message?: unknown };
  return `${String(name)} code=${String(code)}: ${String(message)}`;
}

export function throwsCode(run: () => unknown, code: HalErrorCode, what = ""): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(isHalError(error, code), `${what} expected ${code}, got ${describeError(error)}`);
    assert.ok(String(error.message).startsWith(`${code}: `), `${what} message should start "${code}: ": ${error.message}`);
    return true;
  });
}

function throwsNamed(run: () => unknown, names: readonly string[], what: string): void {
  assert.throws(run, (error: unknown) => {
    const name = (error as { name?: unknown } | null)?.name;
    assert.ok(typeof name === "string" && names.includes(name), `${what}: expected ${names.join(" or ")}, got ${describeError(error)}`);
    return true;
  });
}

const turns = () => new Promise((resolve) => setTimeout(resolve, 20));

const bytes = (...values: number[]) => new Uint8Array(values).buffer;

/** One value of every type, at its edges. */
const SAMPLES: Record<string, ConfigValue> = {
  "node": { type: "node" },
  "boolean/true": { type: "boolean", value: true },
  "boolean/false": { type: "boolean", value: false },
  "int32/zero": { type: "int32", value: 0 },
  "int32/min": { type: "int32", value: -2147483648 },
  "int32/max": { type: "int32", value: 2147483647 },
  "int64/zero": { type: "int64", value: 0n },
  "int64/minus-one": { type: "int64", value: -1n },
  "int64/min": { type: "int64", value: -(2n ** 63n) },
  "int64/max": { type: "int64", value: 2n ** 63n - 1n },
  "int64/beyond-double": { type: "int64", value: 9007199254740993n },
  "float64/fraction": { type: "float64", value: 0.1 },
  "float64/tiny": { type: "float64", value: 5e-324 },
  "float64/huge": { type: "float64", value: 1.7976931348623157e308 },
  "float64/negative": { type: "float64", value: -1.5e-300 },
  "float64/nan": { type: "float64", value: NaN },
  "float64/infinity": { type: "float64", value: Infinity },
  "float64/minus-infinity": { type: "float64", value: -Infinity },
  "string/empty": { type: "string", value: "" },
  "string/unicode": { type: "string", value: "héllo 😀 \"quoted\" line\nbreak \\ /" },
  "string/long": { type: "string", value: "x".repeat(10000) },
  "buffer/empty": { type: "buffer", value: new ArrayBuffer(0) },
  "buffer/all-bytes": { type: "buffer", value: new Uint8Array(Array.from({ length: 256 }, (_, i) => i)).buffer },
};

const MALFORMED = ["/a", "a/", "a//b", "/", ".", "..", "a/./b", "a/../b", "./a", "a/.."];

export function configConformance(name: string, factory: ConfigFactory): void {
  /** A test with a fresh store, disposed afterwards; `reopen` swaps `t.store`. */
  const test = (title: string, body: (t: { store: ConfigStore; reopen?: () => Promise<ConfigStore> }, context: TestContext) => Promise<void> | void) =>
    it(title, async (context) => {
      const target = await factory();
      const reopen = target.reopen;
      const state: { store: ConfigStore; reopen?: () => Promise<ConfigStore> } = { store: target.store };
      if (reopen) state.reopen = async () => (state.store = await reopen());
      try {
        await body(state, context);
      } finally {
        await target.dispose();
      }
    });

  /** Writes `values` (relative keys) in one committed transaction of a domain at `path`. */
  const seed = async (store: ConfigStore, values: Record<string, ConfigValue>, path = "") => {
    const domain = store.open({ path });
    const tx = domain.begin();
    for (const [key, value] of Object.entries(values)) tx.write(key, value);
    await commit(tx);
    domain.close();
  };

  describe(`${name}: config store`, () => {
    describe("keys and paths", () => {
      test("rejects malformed keys with EINVAL in every method that takes one", ({ store }) => {
        const domain = store.open({ path: "" });
        const tx = domain.begin();
        for (const key of MALFORMED) {
          throwsCode(() => domain.read(key), "EINVAL", `domain.read(${key})`);
          throwsCode(() => domain.children(key), "EINVAL", `domain.children(${key})`);
          throwsCode(() => tx.read(key), "EINVAL", `tx.read(${key})`);
          throwsCode(() => tx.children(key), "EINVAL", `tx.children(${key})`);
          throwsCode(() => tx.write(key, { type: "int32", value: 1 }), "EINVAL", `tx.write(${key})`);
          throwsCode(() => tx.delete(key), "EINVAL", `tx.delete(${key})`);
        }
        tx.rollback();
        domain.close();
      });

      test("rejects malformed domain paths with EINVAL", ({ store }) => {
        for (const path of MALFORMED) throwsCode(() => store.open({ path }), "EINVAL", `open(${path})`);
      });

      test("throws TypeError for keys and paths that are not strings", ({ store }) => {
        const domain = store.open({ path: "" });
        const tx = domain.begin();
        for (const key of [1, null, undefined, {}, ["a"]] as unknown as string[]) {
          throwsNamed(() => domain.read(key), ["TypeError"], `domain.read(${String(key)})`);
          throwsNamed(() => domain.children(key), ["TypeError"], `domain.children(${String(key)})`);
          throwsNamed(() => tx.read(key), ["TypeError"], `tx.read(${String(key)})`);
          throwsNamed(() => tx.write(key, { type: "int32", value: 1 }), ["TypeError"], `tx.write(${String(key)})`);
          throwsNamed(() => tx.delete(key), ["TypeError"], `tx.delete(${String(key)})`);
          throwsNamed(() => store.open({ path: key }), ["TypeError"], `open(${String(key)})`);
        }
        tx.rollback();
        domain.close();
      });

      test("accepts any segment other than empty, '.' and '..'", async ({ store }) => {
        const keys = ["...", ".hidden/x.y", "with space/%7BGUID%7D", "é/😀", "a-b_c/0"];
        await seed(store, Object.fromEntries(keys.map((k, i) => [k, { type: "int32", value: i }])));
        const domain = store.open({ path: "" });
        keys.forEach((key, i) => assert.deepEqual(domain.read(key), { type: "int32", value: i }, key));
        domain.close();
      });
    });

    describe("values", () => {
      test("round-trips every value type through a commit", async ({ store }) => {
        await seed(store, SAMPLES);
        const domain = store.open({ path: "" });
        for (const [key, value] of Object.entries(SAMPLES)) assert.deepStrictEqual(domain.read(key), value, key);
        domain.close();
      });

      test("round-trips every value type inside a transaction", ({ store }) => {
        const domain = store.open({ path: "" });
        const tx = domain.begin();
        for (const [key, value] of Object.entries(SAMPLES)) tx.write(key, value);
        for (const [key, value] of Object.entries(SAMPLES)) assert.deepStrictEqual(tx.read(key), value, key);
        tx.rollback();
        domain.close();
      });

      test("round-trips strings containing U+0000", async ({ store }) => {
        // C-string marshalling truncates at the first NUL; a DM value may carry one.
        const value: ConfigValue = { type: "string", value: "before\u0000after\u0000" };
        await seed(store, { nul: value });
        const domain = store.open({ path: "" });
        assert.deepStrictEqual(domain.read("nul"), value);
        domain.close();
      });

      test("throws TypeError for values of the wrong shape and leaves the transaction unchanged", ({ store }) => {
        const domain = store.open({ path: "" });
        const tx = domain.begin();
        tx.write("k", { type: "string", value: "kept" });
        const bad: unknown[] = [
          undefined, null, "x", 1, {}, { type: "bogus", value: 1 }, { type: "int32", value: "1" },
          { type: "int64", value: 1 }, { type: "boolean", value: 0 }, { type: "string", value: 1 },
          { type: "buffer", value: "AA==" }, { type: "buffer", value: [1, 2] }, { type: "float64", value: 1n },
        ];
        for (const value of bad) {
          throwsNamed(() => tx.write("k", value as ConfigValue), ["TypeError"], `write(${describeError(value)})`);
        }
        assert.deepEqual(tx.read("k"), { type: "string", value: "kept" });
        tx.rollback();
        domain.close();
      });

      test("refuses int32 and int64 values out of range", ({ store }) => {
        const domain = store.open({ path: "" });
        const tx = domain.begin();
        const bad: ConfigValue[] = [
          { type: "int32", value: 2 ** 31 }, { type: "int32", value: -(2 ** 31) - 1 }, { type: "int32", value: 1.5 },
          { type: "int32", value: NaN }, { type: "int64", value: 2n ** 63n }, { type: "int64", value: -(2n ** 63n) - 1n },
        ];
        for (const value of bad) throwsNamed(() => tx.write("k", value), ["TypeError", "RangeError"], `write(${String(value.type)} ${String((value as { value: unknown }).value)})`);
        assert.equal(tx.read("k"), undefined);
        tx.rollback();
        domain.close();
      });

      test("copies buffers on the way in and on the way out", async ({ store }) => {
        const source = new Uint8Array([1, 2, 3]);
        const domain = store.open({ path: "" });
        const tx = domain.begin();
        tx.write("b", { type: "buffer", value: source.buffer });
        source[0] = 99;
        await commit(tx);
        const first = domain.read("b");
        assert.deepStrictEqual(first, { type: "buffer", value: bytes(1, 2, 3) });
        new Uint8Array((first as { value: ArrayBuffer }).value)[1] = 99;
        assert.deepStrictEqual(domain.read("b"), { type: "buffer", value: bytes(1, 2, 3) });
        domain.close();
      });
    });

    describe("tree shape", () => {
      test("creates missing parents as nodes when writing", async ({ store }) => {
        await seed(store, { "a/b/c": { type: "int32", value: 7 } });
        const domain = store.open({ path: "" });
        assert.deepEqual(domain.read("a"), { type: "node" });
        assert.deepEqual(domain.read("a/b"), { type: "node" });
        assert.deepEqual(domain.read("a/b/c"), { type: "int32", value: 7 });
        assert.deepEqual(domain.children(""), ["a"]);
        assert.deepEqual(domain.children("a"), ["b"]);
        assert.deepEqual(domain.children("a/b"), ["c"]);
        domain.close();
      });

      test("lists children sorted by UTF-16 code unit", async ({ store }) => {
        const names = ["b", "é", "B", "a", "Z", "10", "9", "_", "😀", "\uffff", "aa"];
        await seed(store, Object.fromEntries(names.map((n) => [`p/${n}`, { type: "boolean", value: true }])));
        const domain = store.open({ path: "" });
        assert.deepEqual(domain.children("p"), ["10", "9", "B", "Z", "_", "a", "aa", "b", "é", "😀", "\uffff"]);
        domain.close();
      });

      test("reads an absent key as undefined and lists no children for it or for a leaf", async ({ store }) => {
        await seed(store, { "a/leaf": { type: "string", value: "v" } });
        const domain = store.open({ path: "" });
        assert.equal(domain.read("missing"), undefined);
        assert.equal(domain.read("a/missing/deeper"), undefined);
        assert.deepEqual(domain.children("missing"), []);
        assert.deepEqual(domain.children("a/leaf"), []);
        domain.close();
      });

      test("keeps the children when a value is written at an interior key", async ({ store }) => {
        await seed(store, { "a/b": { type: "string", value: "child" } });
        await seed(store, { a: { type: "int32", value: 5 } });
        const domain = store.open({ path: "" });
        assert.deepEqual(domain.read("a"), { type: "int32", value: 5 });
        assert.deepEqual(domain.children("a"), ["b"]);
        assert.deepEqual(domain.read("a/b"), { type: "string", value: "child" });
        await seed(store, { a: { type: "node" } });
        assert.deepEqual(domain.read("a"), { type: "node" });
        assert.deepEqual(domain.children("a"), ["b"]);
        domain.close();
      });

      test("deletes a key and everything below it", async ({ store }) => {
        await seed(store, {
          "a/b/c": { type: "int32", value: 1 }, "a/b/d/e": { type: "int32", value: 2 }, "a/f": { type: "int32", value: 3 },
        });
        const domain = store.open({ path: "" });
        const tx = domain.begin();
        tx.delete("a/b");
        await commit(tx);
        assert.equal(domain.read("a/b"), undefined);
        assert.equal(domain.read("a/b/c"), undefined);
        assert.equal(domain.read("a/b/d/e"), undefined);
        assert.deepEqual(domain.children("a"), ["f"]);
        assert.deepEqual(domain.read("a"), { type: "node" });
        domain.close();
      });

      test("deleting a missing key is not an error", async ({ store }) => {
        await seed(store, { a: { type: "int32", value: 1 } });
        const domain = store.open({ path: "" });
        const tx = domain.begin();
        tx.delete("missing");
        tx.delete("x/y/z");
        tx.delete("a/below-a-leaf");
        await commit(tx);
        assert.deepStrictEqual(dumpStore(store), { a: { type: "int32", value: 1 } });
        domain.close();
      });

      test("a key deleted and written again in one transaction holds only the new subtree", async ({ store }) => {
        await seed(store, { "a/old": { type: "int32", value: 1 } });
        const domain = store.open({ path: "" });
        const tx = domain.begin();
        tx.delete("a");
        tx.write("a/new", { type: "int32", value: 2 });
        await commit(tx);
        assert.deepStrictEqual(dumpStore(store), { a: { type: "node" }, "a/new": { type: "int32", value: 2 } });
        domain.close();
      });
    });

    describe("domains", () => {
      test("roots a domain at its path, with \"\" naming the domain's root", async ({ store }) => {
        await seed(store, { "a/b/c": { type: "int32", value: 1 }, a: { type: "string", value: "top" } });
        const a = store.open({ path: "a" });
        const ab = store.open({ path: "a/b" });
        assert.deepEqual(a.read("b/c"), { type: "int32", value: 1 });
        assert.deepEqual(a.read(""), { type: "string", value: "top" });
        assert.deepEqual(a.children(""), ["b"]);
        assert.deepEqual(ab.children(""), ["c"]);
        assert.deepEqual(ab.read("c"), { type: "int32", value: 1 });
        a.close();
        ab.close();
      });

      test("domains over overlapping paths see each other's committed data", async ({ store }) => {
        await seed(store, { "b/x": { type: "int32", value: 1 } }, "a");
        const ab = store.open({ path: "a/b" });
        assert.deepEqual(ab.read("x"), { type: "int32", value: 1 });
        const tx = ab.begin();
        tx.write("y", { type: "int32", value: 2 });
        await commit(tx);
        const a = store.open({ path: "a" });
        const root = store.open({ path: "" });
        assert.deepEqual(a.read("b/y"), { type: "int32", value: 2 });
        assert.deepEqual(root.read("a/b/y"), { type: "int32", value: 2 });
        for (const d of [a, ab, root]) d.close();
      });

      test("opens a domain on a path that does not exist yet and creates it on commit", async ({ store }) => {
        const domain = store.open({ path: "n/m" });
        assert.equal(domain.read("k"), undefined);
        assert.deepEqual(domain.children(""), []);
        const tx = domain.begin();
        tx.write("k", { type: "boolean", value: true });
        await commit(tx);
        assert.deepStrictEqual(dumpStore(store), {
          n: { type: "node" }, "n/m": { type: "node" }, "n/m/k": { type: "boolean", value: true },
        });
        domain.close();
      });

      test("a read-only domain reads but begin() throws EPERM", async ({ store }) => {
        await seed(store, { a: { type: "int32", value: 1 } });
        const domain = store.open({ path: "", mode: "r" });
        assert.deepEqual(domain.read("a"), { type: "int32", value: 1 });
        throwsCode(() => domain.begin(), "EPERM");
        domain.close();
        const writable = store.open({ path: "", mode: "r+" });
        writable.begin().rollback();
        writable.close();
      });
    });

    describe("transactions", () => {
      test("reads through a transaction see its own writes and deletes", async ({ store }) => {
        await seed(store, { "a/old": { type: "int32", value: 1 }, "a/gone/x": { type: "int32", value: 2 } });
        const domain = store.open({ path: "" });
        const tx = domain.begin();
        tx.write("a/new", { type: "string", value: "n" });
        tx.write("a/old", { type: "int32", value: 10 });
        tx.delete("a/gone");
        assert.deepEqual(tx.read("a/new"), { type: "string", value: "n" });
        assert.deepEqual(tx.read("a/old"), { type: "int32", value: 10 });
        assert.equal(tx.read("a/gone"), undefined);
        assert.equal(tx.read("a/gone/x"), undefined);
        assert.deepEqual(tx.children("a"), ["new", "old"]);
        assert.deepEqual(dumpReader(tx), { a: { type: "node" }, "a/new": { type: "string", value: "n" }, "a/old": { type: "int32", value: 10 } });
        tx.rollback();
        domain.close();
      });

      test("uncommitted changes are invisible outside the transaction, committed ones visible everywhere", async ({ store }) => {
        await seed(store, { "a/old": { type: "int32", value: 1 } });
        const domain = store.open({ path: "a" });
        const other = store.open({ path: "", mode: "r" });
        const before = dumpStore(store);
        const tx = domain.begin();
        tx.write("new", { type: "int32", value: 2 });
        tx.delete("old");
        assert.equal(domain.read("new"), undefined, "the domain itself reads committed data");
        assert.deepEqual(domain.read("old"), { type: "int32", value: 1 });
        assert.equal(other.read("a/new"), undefined);
        assert.deepEqual(other.children("a"), ["old"]);
        assert.deepStrictEqual(dumpStore(store), before);
        await commit(tx);
        assert.deepEqual(domain.read("new"), { type: "int32", value: 2 });
        assert.equal(domain.read("old"), undefined);
        assert.deepEqual(other.children("a"), ["new"]);
        domain.close();
        other.close();
      });

      test("commit applies every write and delete of the transaction", async ({ store }) => {
        const initial: Record<string, ConfigValue> = {};
        for (let i = 0; i < 12; i++) initial[`k/${i}`] = { type: "int32", value: i };
        await seed(store, initial);
        const domain = store.open({ path: "" });
        const tx = domain.begin();
        for (let i = 0; i < 12; i += 2) tx.delete(`k/${i}`);
        for (let i = 1; i < 12; i += 2) tx.write(`k/${i}`, { type: "int64", value: BigInt(i) * 1000n });
        tx.write("extra/x", { type: "string", value: "x" });
        await commit(tx);
        const expected: Record<string, ConfigValue> = { extra: { type: "node" }, "extra/x": { type: "string", value: "x" }, k: { type: "node" } };
        for (const i of [1, 11, 3, 5, 7, 9]) expected[`k/${i}`] = { type: "int64", value: BigInt(i) * 1000n };
        assert.deepStrictEqual(dumpStore(store), expected);
        domain.close();
      });

      test("rollback discards every change, is idempotent, and closes the transaction", async ({ store }) => {
        await seed(store, { a: { type: "int32", value: 1 } });
        const before = dumpStore(store);
        const domain = store.open({ path: "" });
        const tx = domain.begin();
        tx.write("b", { type: "int32", value: 2 });
        tx.delete("a");
        tx.rollback();
        tx.rollback();
        assert.deepStrictEqual(dumpStore(store), before);
        throwsCode(() => tx.read("a"), "EBADF", "read");
        throwsCode(() => tx.children(""), "EBADF", "children");
        throwsCode(() => tx.write("b", { type: "int32", value: 2 }), "EBADF", "write");
        throwsCode(() => tx.delete("a"), "EBADF", "delete");
        throwsCode(() => tx.commit(() => assert.fail("callback after EBADF")), "EBADF", "commit");
        const next = domain.begin();
        next.rollback();
        domain.close();
        await turns();
      });

      test("a second begin() on the same domain throws EBUSY until the first transaction ends", async ({ store }) => {
        const domain = store.open({ path: "" });
        const tx = domain.begin();
        throwsCode(() => domain.begin(), "EBUSY");
        tx.write("a", { type: "int32", value: 1 });
        throwsCode(() => domain.begin(), "EBUSY");
        await commit(tx);
        const again = domain.begin();
        throwsCode(() => domain.begin(), "EBUSY");
        again.rollback();
        domain.begin().rollback();
        domain.close();
      });

      test("begin() throws EBUSY while another domain's transaction covers an overlapping subtree", async ({ store }) => {
        const a = store.open({ path: "a" });
        const tx = a.begin();
        for (const path of ["", "a", "a/b", "a/b/c"]) {
          const other = store.open({ path });
          throwsCode(() => other.begin(), "EBUSY", `begin on ${JSON.stringify(path)}`);
          other.close();
        }
        for (const path of ["b", "ab", "b/a"]) {
          const other = store.open({ path });
          other.begin().rollback();
          other.close();
        }
        tx.rollback();
        const root = store.open({ path: "" });
        root.begin().rollback();
        root.close();
        a.close();
      });

      test("transactions on disjoint subtrees commit independently", async ({ store }) => {
        const xy = store.open({ path: "x/y" });
        const xz = store.open({ path: "x/z" });
        const b = store.open({ path: "b" });
        const t1 = xy.begin();
        const t2 = xz.begin();
        const t3 = b.begin();
        t1.write("k", { type: "int32", value: 1 });
        t2.write("k", { type: "int32", value: 2 });
        t3.write("k", { type: "int32", value: 3 });
        await commit(t2);
        await commit(t1);
        t3.rollback();
        assert.deepStrictEqual(dumpStore(store), {
          x: { type: "node" },
          "x/y": { type: "node" }, "x/y/k": { type: "int32", value: 1 },
          "x/z": { type: "node" }, "x/z/k": { type: "int32", value: 2 },
        });
        for (const d of [xy, xz, b]) d.close();
      });

      test("a transaction that changed nothing commits successfully", async ({ store }) => {
        await seed(store, { a: { type: "int32", value: 1 } });
        const domain = store.open({ path: "" });
        const tx = domain.begin();
        tx.read("a");
        await commit(tx);
        assert.deepStrictEqual(dumpStore(store), { a: { type: "int32", value: 1 } });
        domain.close();
      });
    });

    describe("commit completion", () => {
      test("never calls back before commit() returns", async ({ store }) => {
        const domain = store.open({ path: "" });
        for (const change of [true, false]) {
          const tx = domain.begin();
          if (change) tx.write("a", { type: "int32", value: 1 });
          let called = false;
          const done = new Promise<void>((resolve) => tx.commit(() => { called = true; resolve(); }));
          assert.equal(called, false, "callback ran inside commit()");
          await done;
        }
        domain.close();
      });

      test("calls back exactly once, with null on success", async ({ store }) => {
        const domain = store.open({ path: "" });
        const tx = domain.begin();
        tx.write("a", { type: "int32", value: 1 });
        const calls: unknown[] = [];
        tx.commit((error) => calls.push(error));
        await turns();
        await turns();
        assert.deepEqual(calls, [null]);
        domain.close();
      });

      test("closes the transaction: its methods throw EBADF and rollback() does nothing", async ({ store }) => {
        const domain = store.open({ path: "" });
        const tx = domain.begin();
        tx.write("a", { type: "int32", value: 1 });
        await commit(tx);
        throwsCode(() => tx.read("a"), "EBADF", "read");
        throwsCode(() => tx.children(""), "EBADF", "children");
        throwsCode(() => tx.write("b", { type: "int32", value: 2 }), "EBADF", "write");
        throwsCode(() => tx.delete("a"), "EBADF", "delete");
        throwsCode(() => tx.commit(() => assert.fail("callback after EBADF")), "EBADF", "commit");
        tx.rollback();
        assert.deepEqual(domain.read("a"), { type: "int32", value: 1 });
        domain.close();
        await turns();
      });
    });

    describe("closing a domain", () => {
      test("rolls back its open transaction and frees the subtree", async ({ store }) => {
        const domain = store.open({ path: "a" });
        const tx = domain.begin();
        tx.write("k", { type: "int32", value: 1 });
        domain.close();
        throwsCode(() => tx.read("k"), "EBADF", "tx.read");
        throwsCode(() => tx.write("k", { type: "int32", value: 1 }), "EBADF", "tx.write");
        tx.rollback();
        assert.deepStrictEqual(dumpStore(store), {});
        const again = store.open({ path: "a" });
        again.begin().rollback();
        again.close();
      });

      test("is idempotent, and the domain's methods throw EBADF afterwards", ({ store }) => {
        const domain = store.open({ path: "" });
        domain.close();
        domain.close();
        throwsCode(() => domain.read("a"), "EBADF", "read");
        throwsCode(() => domain.children(""), "EBADF", "children");
        throwsCode(() => domain.begin(), "EBADF", "begin");
      });
    });

    describe("durability", () => {
      test("committed data of every type survives a reopen", async (t, context) => {
        if (!t.reopen) return context.skip("the target is not persistent");
        await seed(t.store, SAMPLES);
        const before = dumpStore(t.store);
        await t.reopen();
        assert.deepStrictEqual(dumpStore(t.store), before);
        const domain = t.store.open({ path: "" });
        for (const [key, value] of Object.entries(SAMPLES)) assert.deepStrictEqual(domain.read(key), value, key);
        domain.close();
      });

      test("deletes survive a reopen", async (t, context) => {
        if (!t.reopen) return context.skip("the target is not persistent");
        await seed(t.store, { "a/b": { type: "int32", value: 1 }, c: { type: "int32", value: 2 } });
        const domain = t.store.open({ path: "" });
        const tx = domain.begin();
        tx.delete("a");
        await commit(tx);
        domain.close();
        await t.reopen();
        assert.deepStrictEqual(dumpStore(t.store), { c: { type: "int32", value: 2 } });
      });

      test("rolled-back and uncommitted changes do not survive a reopen", async (t, context) => {
        if (!t.reopen) return context.skip("the target is not persistent");
        await seed(t.store, { kept: { type: "int32", value: 1 } });
        const a = t.store.open({ path: "a" });
        const tx = a.begin();
        tx.write("rolled-back", { type: "int32", value: 2 });
        tx.rollback();
        const b = t.store.open({ path: "b" });
        b.begin().write("never-committed", { type: "int32", value: 3 });
        await t.reopen();
        assert.deepStrictEqual(dumpStore(t.store), { kept: { type: "int32", value: 1 } });
        const domain = t.store.open({ path: "" });
        domain.begin().rollback();
        domain.close();
      });
    });
  });
}
