// The HAL conformance suite (everything but the config store, which has its own file) on every target:
// the emulated HAL called directly, and the same HAL seen from inside QuickJS on release-sync and on
// debug-sync (leak-checked when each device is disposed). Each suite shares one device among its cases, as
// a debug-sync device costs about half a second to make; all three targets take about 12 s on 2 cores, so
// every case, the HTTPS ones included, runs on every target.
import { describe } from "node:test";
import { targets } from "./harness.js";
import { clockConformance } from "./suite/clock.js";
import { randomConformance } from "./suite/random.js";
import { infoConformance } from "./suite/info.js";
import { logTraceConformance } from "./suite/log-trace.js";
import { smsConformance } from "./suite/sms.js";
import { httpsConformance } from "./suite/https.js";
import { uiConformance } from "./suite/ui.js";

for (const target of targets) {
  describe(target.name, () => {
    clockConformance(target);
    randomConformance(target);
    infoConformance(target);
    logTraceConformance(target);
    smsConformance(target);
    httpsConformance(target);
    uiConformance(target);
  });
}
