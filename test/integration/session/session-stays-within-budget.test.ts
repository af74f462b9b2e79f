// Budgets of the session stage (issue 5): the QuickJS heap peak stays under 2 MiB through a session of 200
// commands (100 Replace, 100 Get, after a package that creates the nodes), in both encodings. The bundle size
// budget (128 KB) is checked in test/integration/agent-boots-over-emulated-hal.test.ts.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { benchSession } from "./support/bench-session.js";

const SESSION_HEAP_BUDGET = 2 * 1024 * 1024;

describe("session budgets", () => {
  for (const encoding of ["xml", "wbxml"] as const) {
    it(`keeps the QuickJS heap peak under 2 MiB through a 200-command session (${encoding})`, async () => {
      const r = await benchSession(encoding);
      assert.equal(r.status, "completed");
      assert.ok(r.peak <= SESSION_HEAP_BUDGET, `heap peak ${r.peak} bytes, budget ${SESSION_HEAP_BUDGET}`);
    });
  }
});
