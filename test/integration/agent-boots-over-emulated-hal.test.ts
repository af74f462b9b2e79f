// The real bundle in QuickJS over the emulated HAL: it boots, persists its state through a committed
// transaction, survives a reboot, takes SMS from the modem, and stays within its budgets.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Handset } from "../../hal/emulated/handset.js";
import { ROOT, tempDir, until } from "../support/temp.js";
import { assertNoLeak, leakCheckedModule } from "../support/leak.js";

/** Budgets: the bundle may take 128 KB minified since the DM session landed in it (issue 5). The session's
 * heap budget (2 MiB for 200 commands) is checked in test/integration/session/session-stays-within-budget. */
const BUNDLE_BUDGET = 128 * 1024;
const BOOT_HEAP_BUDGET = 1024 * 1024;

describe("the agent bundle over the emulated HAL", () => {
  it("boots, counts boots across a reboot, and reports ready", async () => {
    const dir = tempDir();
    try {
      const first = await Handset.boot({ directory: dir.path });
      await first.idle();
      assert.deepEqual({ ...first.status(), busy: 0 }, { state: "ready", version: first.status().version, boots: 1, busy: 0 });
      const names = first.control.trace.map((e) => e.name);
      assert.deepEqual(names.slice(0, 2), ["agent.boot", "agent.ready"]);
      first.shutdown();
      const second = await Handset.boot({ directory: dir.path });
      await second.idle();
      assert.equal(second.status().boots, 2, "the boot counter was committed durably and read back");
      second.shutdown();
    } finally {
      dir.remove();
    }
  });

  it("takes an SMS from the modem, traces it as step 2 and acknowledges it", async () => {
    const dir = tempDir();
    const handset = await Handset.boot({ directory: dir.path });
    try {
      await handset.idle();
      const pdu = "0791448720003023440c91449703529096000438f1";
      handset.control.modem.inject(pdu);
      await until(() => handset.control.modem.waiting() === 0, 5000, "the acknowledgement");
      const event = handset.control.trace.find((e) => e.name === "sms.received");
      assert.equal(event?.step, 2);
      assert.equal(event?.detail?.bytes, pdu.length / 2);
    } finally {
      handset.shutdown();
      dir.remove();
    }
  });

  it("evaluates with nothing but `device` defined (no console, timers or Node globals used)", async () => {
    const dir = tempDir();
    const handset = await Handset.boot({ directory: dir.path });
    try {
      await handset.idle();
      const missing = handset.vm.evaluate(
        `["console","setTimeout","setImmediate","process","require","Buffer","TextEncoder","queueMicrotask","fetch"].filter((n) => typeof globalThis[n] !== "undefined")`,
      );
      assert.deepEqual(missing, [], "the VM offers none of these, so the bundle cannot depend on them");
      assert.equal(handset.vm.evaluate("typeof dmAgent.status"), "function");
    } finally {
      handset.shutdown();
      dir.remove();
    }
  });

  it("stays within the bundle size and boot heap budgets", async () => {
    const size = readFileSync(join(ROOT, "build", "out", "dm-agent.js")).length;
    assert.ok(size <= BUNDLE_BUDGET, `bundle is ${size} bytes, budget ${BUNDLE_BUDGET}`);
    const dir = tempDir();
    const handset = await Handset.boot({ directory: dir.path });
    try {
      await handset.idle();
      const heap = handset.vm.memory().memoryUsed;
      assert.ok(heap <= BOOT_HEAP_BUDGET, `heap after boot is ${heap} bytes, budget ${BOOT_HEAP_BUDGET}`);
    } finally {
      handset.shutdown();
      dir.remove();
    }
  });

  it("leaves nothing allocated on debug-sync after a boot, an SMS and a shutdown", async () => {
    const dir = tempDir();
    const module = await leakCheckedModule();
    const handset = await Handset.boot({ directory: dir.path, module, deadline: 10_000 });
    try {
      await handset.idle();
      const baseline = handset.vm.pendingCallbacks();
      handset.control.modem.inject("0791448720003023440c91449703529096000438f1");
      await handset.idle();
      assert.equal(handset.vm.pendingCallbacks(), baseline, "the VM holds no more HAL callbacks than after boot");
    } finally {
      handset.shutdown();
      dir.remove();
    }
    assertNoLeak(module);
  });
});
