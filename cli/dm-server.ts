// dm-server: the reference OMA DM server and push initiator, for tests and the demo.
//   dm-server serve --state DIR [--jobs FILE] [--port N]
//   dm-server notify --state DIR --device ID --out FILE [--session N]
//   dm-server report --state DIR [--json]
//   dm-server add-device --state DIR --device ID --auth basic|md5|hmac [...]
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { AUTH_SCHEMES, type AuthScheme } from "../server/auth.js";
import { DmServer, randomSessionId, type ServerEvent } from "../server/dm-server.js";
import { JobsError } from "../server/jobs.js";
import { buildDevicePush, pushFileText } from "../server/push/initiator.js";
import { UI_MODES, type UiMode } from "../server/push/notification.js";
import { RecordStore } from "../server/records.js";
import { DeviceRegistry, makeEntry, RegistryError } from "../server/registry.js";
import { buildReport, formatReport } from "../server/report.js";

const USAGE = `usage:
  dm-server serve --state DIR [--jobs FILE] [--port N] [--host ADDR] [--server-id ID] [--quiet]
      Runs the DM server over HTTPS with the test CA of DIR (made on first run, reused after), the device
      registry DIR/devices.json and the jobs of FILE. Prints the URL and the CA file; runs until SIGINT/SIGTERM.
  dm-server notify --state DIR --device ID --out FILE [--session N] [--ui-mode MODE] [--smsc NUM] [--originator NUM]
      Writes a DM notification (package 0) for a registered device as SMS-DELIVER PDUs in hex, one per line,
      for "dm-device run --push FILE". N is the session id, decimal or 0x-hex (default random);
      MODE is ${UI_MODES.join(" | ")}.
  dm-server report --state DIR [--json]
      What each device answered: DevInfo, sessions, alerts, and the Status and Results of every job command.
  dm-server add-device --state DIR --device ID --auth basic|md5|hmac [--server-id ID] [--server-name NAME]
                       [--client-name NAME] [--client-secret S] [--server-secret S] [--client-nonce B64] [--server-nonce B64]
      Registers (or replaces) a device's credentials; what is not given is random. Prints the entry, which the
      device's DM account must match (DMAcc ServerID, AppAuth CLCRED/SRVCRED name, secret, nonce).
  dm-server --help`;

class UsageError extends Error {}

function need(v: string | undefined, what: string): string {
  if (!v) throw new UsageError(`${what} is required`);
  return v;
}

function formatEvent(e: ServerEvent): string {
  const who = [e.deviceId, e.sessionId].filter(Boolean).join(" #");
  const detail = Object.entries(e.detail ?? {}).map(([k, v]) => `${k}=${typeof v === "string" ? JSON.stringify(v) : String(v)}`).join(" ");
  return `${new Date(e.at).toISOString()} ${e.type}${who ? ` [${who}]` : ""}${detail ? ` ${detail}` : ""}`;
}

async function serve(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      state: { type: "string" }, jobs: { type: "string" }, port: { type: "string" }, host: { type: "string" },
      "server-id": { type: "string" }, quiet: { type: "boolean" },
    },
  });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError("--port must be 0..65535");
  const server = await DmServer.start({
    stateDir: need(values.state, "--state DIR"),
    port,
    ...(values.host ? { host: values.host } : {}),
    ...(values.jobs ? { jobs: values.jobs } : {}),
    ...(values["server-id"] ? { serverId: values["server-id"] } : {}),
    ...(values.quiet ? {} : { onEvent: (e: ServerEvent) => process.stdout.write(formatEvent(e) + "\n") }),
  });
  process.stdout.write(`dm-server: listening on ${server.url}\ndm-server: CA certificate ${server.caFile}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await server.stop();
  process.stdout.write("dm-server: stopped\n");
  return 0;
}

function parseSession(v: string | undefined): number {
  if (v === undefined) return randomSessionId();
  const n = /^0x[0-9a-f]+$/i.test(v) ? parseInt(v.slice(2), 16) : /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 0xffff) throw new UsageError("--session must be 0..65535 (decimal or 0x-hex)");
  return n;
}

function notify(args: string[]): number {
  const { values } = parseArgs({
    args,
    options: {
      state: { type: "string" }, device: { type: "string" }, out: { type: "string" }, session: { type: "string" },
      "ui-mode": { type: "string" }, smsc: { type: "string" }, originator: { type: "string" },
    },
  });
  const state = need(values.state, "--state DIR");
  const device = need(values.device, "--device ID");
  const out = need(values.out, "--out FILE");
  const uiMode = values["ui-mode"];
  if (uiMode !== undefined && !UI_MODES.includes(uiMode as UiMode)) throw new UsageError(`--ui-mode must be one of ${UI_MODES.join(", ")}`);
  const entry = new DeviceRegistry(state).get(device);
  if (!entry) throw new UsageError(`device ${device} is not registered in ${state}/devices.json (see add-device)`);
  const push = buildDevicePush(entry, {
    sessionId: parseSession(values.session),
    ...(uiMode ? { uiMode: uiMode as UiMode } : {}),
    sms: { ...(values.smsc ? { smsc: values.smsc } : {}), ...(values.originator ? { originator: values.originator } : {}) },
  });
  writeFileSync(out, pushFileText(push, device, entry.serverId));
  const records = new RecordStore(state);
  const rec = records.load(device);
  rec.notifications.push({ at: new Date().toISOString(), sessionId: push.sessionIdText, uiMode: uiMode ?? "not-specified" });
  records.save(rec);
  process.stdout.write(`dm-server: wrote ${push.pdus.length} PDU(s) to ${out}; the device will open session ${push.sessionIdText}\n`);
  return 0;
}

function report(args: string[]): number {
  const { values } = parseArgs({ args, options: { state: { type: "string" }, json: { type: "boolean" } } });
  const r = buildReport(need(values.state, "--state DIR"));
  process.stdout.write(values.json ? JSON.stringify(r, null, 2) + "\n" : formatReport(r));
  return 0;
}

function addDevice(args: string[]): number {
  const { values } = parseArgs({
    args,
    options: {
      state: { type: "string" }, device: { type: "string" }, auth: { type: "string" }, "server-id": { type: "string" },
      "server-name": { type: "string" }, "client-name": { type: "string" }, "client-secret": { type: "string" },
      "server-secret": { type: "string" }, "client-nonce": { type: "string" }, "server-nonce": { type: "string" },
    },
  });
  const state = need(values.state, "--state DIR");
  const device = need(values.device, "--device ID");
  const auth = need(values.auth, "--auth basic|md5|hmac");
  if (!AUTH_SCHEMES.includes(auth as AuthScheme)) throw new UsageError("--auth must be basic, md5 or hmac");
  const given = <K extends string>(k: K, field: string) => (values[k as keyof typeof values] !== undefined ? { [field]: values[k as keyof typeof values] as string } : {});
  const entry = makeEntry({
    authScheme: auth as AuthScheme,
    serverId: values["server-id"] ?? "dm.example.net",
    ...given("server-name", "serverName"), ...given("client-name", "clientName"), ...given("client-secret", "clientSecret"),
    ...given("server-secret", "serverSecret"), ...given("client-nonce", "clientNonce"), ...given("server-nonce", "serverNonce"),
  });
  new DeviceRegistry(state).put(device, entry);
  process.stdout.write(JSON.stringify({ [device]: entry }, null, 2) + "\n");
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "serve":
        return await serve(rest);
      case "notify":
        return notify(rest);
      case "report":
        return report(rest);
      case "add-device":
        return addDevice(rest);
      case "--help":
      case "-h":
      case "help":
        process.stdout.write(USAGE + "\n");
        return 0;
      default:
        throw new UsageError(command ? `unknown command ${command}` : "a command is required");
    }
  } catch (e) {
    if (e instanceof UsageError || (e instanceof TypeError && (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS"))) {
      process.stderr.write(`dm-server: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    if (e instanceof JobsError || e instanceof RegistryError) {
      process.stderr.write(`dm-server: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`dm-server: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
