// Generic alerts (Alert 1226, DM_Protocol §8.7) the host raises: kept in the store until a server answers
// them, so a failed session or a reboot loses none. Each waits under dm-agent/alerts/<n>, in order.
import type { ConfigReader, ConfigTransaction } from "../../hal/config.js";
import type { AlertCommand, Item } from "../syncml/index.js";

export const ALERTS = "dm-agent/alerts";

export interface GenericAlert {
  /** Only this server gets it; any server when absent. */
  readonly serverId?: string;
  /** Meta Type, e.g. "org.openmobilealliance.dm.firmwareupdate.downloadandupdate". */
  readonly type: string;
  /** Meta Format of the data, e.g. "chr", "int", "xml". */
  readonly format: string;
  readonly data: string;
  /** The management object it concerns (Item Source). */
  readonly source?: string;
  readonly target?: string;
  /** Meta Mark: "critical", "major", "minor", "warning", "informational", "harmless", "indeterminate". */
  readonly mark?: string;
  /** The Exec correlator this alert reports on. */
  readonly correlator?: string;
}

/** A host's request, checked: TypeError for what is not a generic alert. */
export function checkAlert(a: unknown): GenericAlert {
  const o = (a ?? {}) as Record<string, unknown>;
  const str = (k: string, required: boolean): string | undefined => {
    const v = o[k];
    if (v === undefined && !required) return undefined;
    if (typeof v !== "string" || (required && v === "")) throw new TypeError(`genericAlert: ${k} must be a${required ? " non-empty" : ""} string`);
    return v;
  };
  const out: Record<string, string> = {};
  for (const k of ["type", "format", "data"]) out[k] = str(k, k !== "data")!;
  for (const k of ["serverId", "source", "target", "mark", "correlator"]) {
    const v = str(k, false);
    if (v !== undefined) out[k] = v;
  }
  return out as unknown as GenericAlert;
}

/** Queues `alert` in `tx`; returns its id. */
export function queueAlert(tx: ConfigTransaction, alert: GenericAlert): string {
  const ids = tx.children(ALERTS);
  const last = ids.length ? Number(ids[ids.length - 1]) : 0;
  const id = String(last + 1).padStart(8, "0");
  tx.write(`${ALERTS}/${id}`, { type: "string", value: JSON.stringify(alert) });
  return id;
}

/** The alerts waiting for `serverId`, oldest first, as Alert commands. */
export function pendingAlerts(reader: ConfigReader, serverId: string): Array<{ id: string; alert: AlertCommand }> {
  const out: Array<{ id: string; alert: AlertCommand }> = [];
  for (const id of reader.children(ALERTS)) {
    const v = reader.read(`${ALERTS}/${id}`);
    if (!v || v.type !== "string") continue;
    let a: GenericAlert;
    try {
      a = JSON.parse(v.value) as GenericAlert;
    } catch {
      continue;
    }
    if (a.serverId !== undefined && a.serverId !== serverId) continue;
    const item: Item = { meta: { type: a.type, format: a.format }, data: a.data };
    if (a.mark) item.meta!.mark = a.mark;
    if (a.source) item.source = { locURI: a.source };
    if (a.target) item.target = { locURI: a.target };
    const alert: AlertCommand = { kind: "Alert", cmdId: "", data: "1226", items: [item] };
    if (a.correlator) alert.correlator = a.correlator;
    out.push({ id, alert });
  }
  return out;
}

export function removeAlerts(tx: ConfigTransaction, ids: readonly string[]): void {
  for (const id of ids) tx.delete(`${ALERTS}/${id}`);
}
