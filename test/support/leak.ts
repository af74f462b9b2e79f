import { DEBUG_SYNC, TestQuickJSWASMModule, newQuickJSWASMModule } from "quickjs-emscripten";

/** A debug-sync module (leak sanitizer, asserts on leaked objects at runtime dispose) of its own. */
export async function leakCheckedModule(): Promise<TestQuickJSWASMModule> {
  return new TestQuickJSWASMModule(await newQuickJSWASMModule(DEBUG_SYNC));
}

/**
 * Fails when the module's leak sanitizer finds memory nobody freed. A leaked VM handle already fails
 * earlier: disposing its runtime aborts on the non-empty object list. (TestQuickJSWASMModule's own
 * assertNoMemoryAllocated also counts runtimes, but 0.32 never forgets a disposed one, so it cannot be used.)
 */
export function assertNoLeak(module: TestQuickJSWASMModule): void {
  if (module.getFFI().QTS_RecoverableLeakCheck()) throw new Error("leak sanitizer: memory allocated in the VM was never freed");
}
