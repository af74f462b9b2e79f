// The Push Router (DESIGN.md §1, steps 2-3): SMS in, decided pushes out. It decodes each SMS-DELIVER,
// reassembles concatenated ones, decodes the WSP push on the WAP Push port, routes by content type,
// authenticates DM notifications against the DM account (SRVCRED digest and nonce), refuses replays,
// honours the ui-mode, and hands a verified notification to the DM client. Every SMS is acknowledged to
// the HAL only once what it carried is durably recorded (reassembly state, replay window, pending
// session), so a reboot at any point loses nothing and acts on nothing twice.
import type { ConfigReader, ConfigTransaction } from "../../hal/config.js";
import type { SMSMessage } from "../../hal/sms.js";
import type { PromptResult, UserInterface } from "../../hal/ui.js";
import type { TraceValue } from "../../hal/trace.js";
import { settle } from "../../hal/async.js";
import { authFor, findAccount } from "../dm/account.js";
import { PushError } from "./errors.js";
import { decodeSmsDeliver } from "./sms-pdu.js";
import { Reassembler, partOf, type DroppedMessage, type ReassemblySnapshot } from "./reassembly.js";
import { decodeWspPush, type WspPush } from "./wsp.js";
import { authenticateNotification, decodeNotification, sessionIdText, type Notification } from "./notification.js";
import { ReplayWindow, replayKey } from "./replay-window.js";

/** WDP port of the WAP Push service (WAP-259-WDP Appendix B): connectionless WSP push. */
export const WAP_PUSH_PORT = 2948;
/** Where the router keeps its durable state, and the push security policy, in the native store. */
export const PUSH_STATE = "dm-agent/push/state";
export const PUSH_POLICY = "dm-agent/push/policy";

export const NOTIFICATION_TYPE = "application/vnd.syncml.notification";
export const CP_TYPE = "application/vnd.wap.connectivity-wbxml";
export const DM_BOOTSTRAP_TYPES = ["application/vnd.syncml.dm+wbxml", "application/vnd.syncml.dm+xml"];
const DM_APPLICATION = "x-wap-application:syncml.dm";

export interface SessionRequest {
  readonly serverId: string;
  /** The notification's session id as SyncHdr SessionID text (hex, §6.2.2.10). */
  readonly sessionId: string;
  /** The digest matched only with the re-synchronisation nonce: authenticate with it, expect a new one. */
  readonly resync: boolean;
}

export interface PushRouterHost {
  /** Committed state of the native store. */
  readonly reader: ConfigReader;
  /** Runs `change` in the agent's one transaction on the whole store and commits it durably. */
  transact(change: (tx: ConfigTransaction) => void): Promise<void>;
  /** Monotonic ms. */
  now(): number;
  trace(name: string, detail: Readonly<Record<string, TraceValue>>, step?: number): void;
  readonly ui?: UserInterface;
  /** The DM client (step 4): starts the session a verified notification asked for. */
  startSession(request: SessionRequest): Promise<unknown>;
  /** OMA CP or SyncML DM bootstrap documents; absent: such pushes are dropped. */
  bootstrap?(push: WspPush, originator: string): Promise<void>;
}

interface State {
  reassembly?: ReassemblySnapshot;
  replay?: string[];
  /** Accepted notifications whose session has not finished: started again after a reboot. */
  pending?: SessionRequest[];
}

type Policy = "authenticated" | "unauthenticated";

export class PushRouter {
  private readonly reassembler = new Reassembler();
  private readonly replay = new ReplayWindow();
  private pending: SessionRequest[] = [];

  constructor(private readonly host: PushRouterHost) {
    const stored = host.reader.read(PUSH_STATE);
    if (stored && stored.type === "string") {
      try {
        const state = JSON.parse(stored.value) as State;
        const restored = this.reassembler.restore(state.reassembly ?? { v: 1, messages: [] }, host.now());
        this.traceDropped(restored.dropped);
        this.replay.restore(state.replay ?? []);
        this.pending = Array.isArray(state.pending) ? state.pending : [];
      } catch (error) {
        host.trace("push.state-reset", { reason: error instanceof Error ? error.message : String(error) });
      }
    }
  }

  /** Sessions accepted before a reboot that never finished: the agent starts them again at boot. */
  resume(): void {
    for (const request of this.pending.slice()) this.runSession(request);
  }

  private async persist(extra?: (tx: ConfigTransaction) => void): Promise<void> {
    const state: State = {
      reassembly: this.reassembler.snapshot(this.host.now()),
      replay: this.replay.snapshot(),
      pending: this.pending,
    };
    await this.host.transact((tx) => {
      tx.write(PUSH_STATE, { type: "string", value: JSON.stringify(state) });
      if (extra) extra(tx);
    });
  }

  private policy(contentType: string): Policy {
    const v = this.host.reader.read(`${PUSH_POLICY}/${contentType}`);
    return v && v.type === "string" && v.value === "unauthenticated" ? "unauthenticated" : "authenticated";
  }

  private reject(reason: string, detail: Record<string, TraceValue> = {}): void {
    this.host.trace("push.rejected", { reason, ...detail }, 3);
  }

  private traceDropped(dropped: readonly DroppedMessage[]): void {
    for (const d of dropped) this.host.trace("sms.dropped", { reason: d.reason, received: d.received, total: d.total }, 2);
  }

  /**
   * One SMS from the HAL. Resolves with the SMS ids that may now be acknowledged (the message's own, and
   * those of messages dropped on the way), once the state that makes them safe to forget is committed.
   */
  async receive(message: SMSMessage): Promise<string[]> {
    let sms;
    try {
      sms = decodeSmsDeliver(new Uint8Array(message.pdu));
    } catch (error) {
      this.reject(error instanceof PushError ? error.code : "bad-sms", { sms: message.id });
      return [message.id];
    }
    const originator = sms.originator.address;
    this.host.trace("sms.received", { sms: message.id, from: originator, bytes: message.pdu.byteLength, port: sms.ports ? sms.ports.destination : null }, 2);
    if (!sms.ports || sms.ports.destination !== WAP_PUSH_PORT || sms.dcs.alphabet !== "8bit") {
      this.host.trace("sms.ignored", { sms: message.id, reason: "not a WAP push" }, 2);
      return [message.id];
    }
    const part = partOf(message.id, sms);
    if (!part) return this.route(sms.userData, originator, [message.id]);
    const added = this.reassembler.add(part, this.host.now());
    this.traceDropped(added.dropped);
    const acks = [message.id];
    for (const d of added.dropped) acks.push(...d.ids);
    if (added.status !== "complete" || !added.complete) {
      this.host.trace("sms.part", { sms: message.id, seq: part.seq, total: part.total, status: added.status }, 2);
      await this.persist();
      return acks;
    }
    return this.route(added.complete.data, originator, acks.concat(added.complete.ids));
  }

  private async route(wdp: Uint8Array, originator: string, acks: string[]): Promise<string[]> {
    let push: WspPush;
    try {
      push = decodeWspPush(wdp);
    } catch (error) {
      this.reject(error instanceof PushError ? error.code : "bad-wsp");
      await this.persist();
      return acks;
    }
    const type = push.contentType ?? "";
    this.host.trace("push.received", { contentType: type, applicationId: push.applicationId ?? null, bytes: push.body.length }, 2);
    if (type === NOTIFICATION_TYPE) {
      await this.notification(push);
    } else if ((type === CP_TYPE || DM_BOOTSTRAP_TYPES.indexOf(type) >= 0) && this.host.bootstrap) {
      await this.persist();
      await this.host.bootstrap(push, originator);
      return acks;
    } else {
      this.reject("unrouted-content-type", { contentType: type });
      await this.persist();
    }
    return acks;
  }

  private async notification(push: WspPush): Promise<void> {
    if (push.applicationId !== undefined && push.applicationId !== DM_APPLICATION) {
      this.reject("wrong-application", { applicationId: push.applicationId });
      return this.persist();
    }
    let n: Notification;
    try {
      n = decodeNotification(push.body);
    } catch (error) {
      this.reject(error instanceof PushError ? error.code : "bad-notification");
      return this.persist();
    }
    const detail = { serverId: n.serverId, sessionId: sessionIdText(n.sessionId), uiMode: n.uiMode };
    const account = findAccount(this.host.reader, n.serverId);
    if (!account) {
      this.reject("unknown-server", detail);
      return this.persist();
    }
    const credentials = authFor(account, "SRVCRED");
    const outcome = credentials
      ? authenticateNotification(n, { serverId: credentials.name ?? n.serverId, serverPassword: credentials.secret ?? "", nonce: credentials.data ?? new Uint8Array(0) })
      : "bad-digest";
    if (outcome === "bad-digest" && this.policy(NOTIFICATION_TYPE) !== "unauthenticated") {
      this.reject(credentials ? "bad-digest" : "no-server-credentials", detail);
      return this.persist();
    }
    const key = replayKey(n);
    if (!this.replay.record(key)) {
      this.reject("replay", detail);
      return this.persist();
    }
    if (!(await this.userAgrees(n))) {
      this.reject("user-declined", detail);
      return this.persist();
    }
    const request: SessionRequest = { serverId: n.serverId, sessionId: detail.sessionId, resync: outcome === "resync" };
    this.pending.push(request);
    await this.persist();
    this.host.trace("push.accepted", { ...detail, authentication: outcome === "bad-digest" ? "none (policy)" : outcome }, 3);
    this.runSession(request);
  }

  private runSession(request: SessionRequest): void {
    const done = () => {
      this.pending = this.pending.filter((p) => p !== request);
      void this.persist().catch(() => undefined);
    };
    this.host.startSession(request).then(done, done);
  }

  /** ui-mode (§6.2.2.7): background and not-specified go ahead; informative shows; user-interaction asks. */
  private async userAgrees(n: Notification): Promise<boolean> {
    const ui = this.host.ui;
    if (!ui || n.uiMode === "background" || n.uiMode === "not-specified") return true;
    const text = `Device management by ${n.serverId}`;
    if (n.uiMode === "informative") {
      await settle<unknown>((done) => ui.display({ text, maximumDuration: 10_000 }, done)).catch(() => undefined);
      return true;
    }
    const result = await settle<PromptResult<boolean>>((done) =>
      ui.confirm({ text: `${text}: allow?`, defaultValue: false, maximumDuration: 60_000 }, done),
    ).catch((): PromptResult<boolean> => ({ outcome: "cancelled" }));
    return result.outcome === "accepted" && result.value !== false;
  }

  /** Drops reassembly parts that waited too long; the caller acknowledges the returned SMS ids. */
  async expire(): Promise<string[]> {
    const dropped = this.reassembler.expire(this.host.now());
    if (!dropped.length) return [];
    this.traceDropped(dropped);
    await this.persist();
    const ids: string[] = [];
    for (const d of dropped) ids.push(...d.ids);
    return ids;
  }
}
