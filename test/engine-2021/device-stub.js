// A minimal `globalThis.device` (HAL contract 1.x, hal/*.d.ts) for running the bundle in the bare
// QuickJS 2021 runner (test/engine-2021/run-scripts.c). Plain ES2020 script, no host globals but print().
// There is no event loop: "later" means a promise job, which the runner drains after every entry.
// Test only: the PRNG is not secure, the store is in memory, there is no SMS, UI or network.
// `globalThis.deviceStub` lets an --eval inspect the store and move virtual time.
(function () {
  "use strict";

  /** Jobs stand in for the host's event loop: a callback never runs inside the call that started it. */
  function later(fn) {
    Promise.resolve().then(fn);
  }

  function halError(code, description) {
    const error = new Error(code + ": " + description);
    error.code = code;
    return error;
  }

  // ---- config: in-memory, transactional store; keys are full "/"-joined paths --------------------------

  const store = new Map();

  function checkPath(path, allowEmpty) {
    if (typeof path !== "string") throw halError("EINVAL", "path is not a string");
    if (path === "") {
      if (allowEmpty) return;
      throw halError("EINVAL", "empty key");
    }
    for (const segment of path.split("/")) {
      if (segment === "" || segment === "." || segment === "..") throw halError("EINVAL", "malformed key " + JSON.stringify(path));
    }
  }

  function join(base, key) {
    return base === "" ? key : key === "" ? base : base + "/" + key;
  }

  const TYPES = {
    node: (v) => v === undefined,
    boolean: (v) => typeof v === "boolean",
    int32: (v) => typeof v === "number" && (v | 0) === v,
    int64: (v) => typeof v === "bigint" && BigInt.asIntN(64, v) === v,
    float64: (v) => typeof v === "number",
    string: (v) => typeof v === "string",
    buffer: (v) => v instanceof ArrayBuffer,
  };

  /** A frozen copy, so nobody can change the store behind a transaction's back. */
  function copyValue(value) {
    if (typeof value !== "object" || value === null || !Object.prototype.hasOwnProperty.call(TYPES, value.type) || !TYPES[value.type](value.value)) {
      throw halError("EINVAL", "malformed config value");
    }
    if (value.type === "node") return Object.freeze({ type: "node" });
    const v = value.type === "buffer" ? value.value.slice(0) : value.value;
    return Object.freeze({ type: value.type, value: v });
  }

  function readFrom(map, full) {
    const value = map.get(full);
    if (value === undefined) return undefined;
    return value.type === "buffer" ? Object.freeze({ type: "buffer", value: value.value.slice(0) }) : value;
  }

  function childrenFrom(map, full) {
    const prefix = full === "" ? "" : full + "/";
    const names = new Set();
    for (const k of map.keys()) {
      if (k.length > prefix.length && k.startsWith(prefix)) names.add(k.slice(prefix.length).split("/")[0]);
    }
    return Array.from(names).sort(); // default sort compares UTF-16 code units, as the contract asks
  }

  function writeTo(map, full, value) {
    const segments = full.split("/");
    for (let i = 1; i < segments.length; i++) {
      const parent = segments.slice(0, i).join("/");
      if (!map.has(parent)) map.set(parent, Object.freeze({ type: "node" }));
    }
    map.set(full, value);
  }

  function deleteFrom(map, full) {
    const prefix = full + "/";
    for (const k of Array.from(map.keys())) if (k === full || k.startsWith(prefix)) map.delete(k);
  }

  function openDomain(options) {
    const base = options && options.path;
    checkPath(base, true);
    const mode = (options && options.mode) || "r+";
    if (mode !== "r" && mode !== "r+") throw halError("EINVAL", "mode " + mode);
    let closed = false;
    let tx;

    function live() {
      if (closed) throw halError("EBADF", "domain closed");
    }

    function begin() {
      live();
      if (mode === "r") throw halError("EPERM", "domain opened read-only");
      if (tx) throw halError("EBUSY", "a transaction is open");
      const view = new Map(store); // reads through the transaction see its own writes
      const ops = []; // replayed on the store at commit, so other domains' commits are kept
      let open = true;
      function check() {
        if (!open) throw halError("EBADF", "transaction closed");
      }
      function end() {
        open = false;
        if (tx === transaction) tx = undefined;
      }
      const transaction = {
        read(key) {
          check();
          checkPath(key, true);
          return readFrom(view, join(base, key));
        },
        children(key) {
          check();
          checkPath(key, true);
          return childrenFrom(view, join(base, key));
        },
        write(key, value) {
          check();
          checkPath(key, false);
          const full = join(base, key);
          const v = copyValue(value);
          writeTo(view, full, v);
          ops.push({ full, value: v });
        },
        delete(key) {
          check();
          checkPath(key, false);
          const full = join(base, key);
          deleteFrom(view, full);
          ops.push({ full, value: undefined });
        },
        commit(callback) {
          check();
          end();
          later(() => {
            for (const op of ops) {
              if (op.value === undefined) deleteFrom(store, op.full);
              else writeTo(store, op.full, op.value);
            }
            stub.commits++;
            callback.call(transaction, null);
          });
        },
        rollback() {
          if (open) end();
        },
      };
      tx = transaction;
      return transaction;
    }

    return {
      read(key) {
        live();
        checkPath(key, true);
        return readFrom(store, join(base, key));
      },
      children(key) {
        live();
        checkPath(key, true);
        return childrenFrom(store, join(base, key));
      },
      begin,
      close() {
        if (tx) tx.rollback();
        closed = true;
      },
    };
  }

  // ---- clock and timer: virtual time that moves only through deviceStub.advance(ms) ------------------

  const EPOCH = Date.UTC(2024, 0, 1);
  let now = 0;
  let nextTimer = 1;
  const timers = new Map(); // id -> { due, repeat, callback }

  function runDueTimers() {
    for (;;) {
      let first;
      for (const [id, t] of timers) if (t.due <= now && (!first || t.due < first[1].due)) first = [id, t];
      if (!first) return;
      const [id, t] = first;
      if (t.repeat !== undefined && t.repeat > 0) t.due += t.repeat;
      else timers.delete(id);
      try {
        t.callback();
      } catch (error) {
        print("LOG " + JSON.stringify({ level: "error", message: "timer callback threw: " + String(error) }));
      }
    }
  }

  const timer = {
    set(callback, delay, repeat) {
      if (typeof callback !== "function") throw new TypeError("callback is not a function");
      if (typeof delay !== "number" || !isFinite(delay) || delay < 0) throw new RangeError("bad delay " + delay);
      if (repeat !== undefined && (typeof repeat !== "number" || !isFinite(repeat) || repeat < 0)) throw new RangeError("bad repeat " + repeat);
      const id = nextTimer++;
      timers.set(id, { due: now + delay, repeat, callback });
      if (delay === 0) later(runDueTimers); // the only timers that fire without advance()
      return id;
    },
    clear(id) {
      timers.delete(id);
    },
  };

  // ---- random: a seeded PRNG (mulberry32), deterministic runs; NOT secure ---------------------------

  let seed = 0x2021;
  function nextByte() {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) & 0xff;
  }

  // ---- network: no data connection -------------------------------------------------------------------

  class NoNetworkClient {
    constructor(options) {
      if (!options || typeof options.host !== "string") throw halError("EINVAL", "host is required");
      this.closed = false;
      this.onError = options.onError;
    }
    request(options) {
      if (this.closed) throw halError("EBADF", "client closed");
      const request = {
        done: false,
        read(arg) {
          return typeof arg === "object" ? 0 : undefined;
        },
        close() {
          request.done = true;
        },
      };
      later(() => {
        if (request.done || this.closed) return;
        request.done = true;
        if (options && options.onDone) options.onDone.call(request, halError("ENETUNREACH", "no data connection (device stub)"));
      });
      return request;
    }
    close() {
      this.closed = true;
    }
  }

  // ---- the device -----------------------------------------------------------------------------------

  const device = {
    version: "1.0",
    io: {},
    network: { https: { client: { io: NoNetworkClient } } },
    config: { open: openDomain },
    clock: {
      now: () => EPOCH + now,
      monotonic: () => now,
    },
    timer,
    random: {
      fill(buffer) {
        const bytes = buffer instanceof ArrayBuffer ? new Uint8Array(buffer) : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
        for (let i = 0; i < bytes.length; i++) bytes[i] = nextByte();
      },
    },
    info: {
      read: () => ({
        deviceId: "IMEI:490154203237518",
        manufacturer: "dm-agent",
        model: "engine-2021-stub",
        deviceType: "phone",
        oem: "dm-agent",
        firmwareVersion: "1.0",
        softwareVersion: "1.0",
        hardwareVersion: "1.0",
        language: "en-US",
      }),
    },
    log: {
      level: "debug",
      write(level, message) {
        try {
          print("LOG " + JSON.stringify({ level, message: String(message) }));
        } catch (e) {
          // the contract: never throws
        }
      },
    },
    trace: {
      write(event) {
        try {
          print("TRACE " + JSON.stringify(event));
        } catch (e) {
          // the contract: never throws
        }
      },
    },
  };

  const stub = {
    commits: 0,
    /** Moves virtual time forward and runs the timers that fall due, in order. */
    advance(ms) {
      const end = now + ms;
      for (;;) {
        let due = end;
        for (const t of timers.values()) if (t.due < due) due = t.due;
        now = due;
        runDueTimers();
        if (due >= end) return now;
      }
    },
    /** The store as a plain object (int64 as a decimal string, buffers as byte arrays), for assertions. */
    dump() {
      const out = {};
      for (const [k, v] of Array.from(store.entries()).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
        out[k] = v.type === "int64" ? { type: v.type, value: String(v.value) } : v.type === "buffer" ? { type: v.type, value: Array.from(new Uint8Array(v.value)) } : v;
      }
      return out;
    },
    pendingTimers: () => timers.size,
  };

  globalThis.device = device;
  globalThis.deviceStub = stub;
})();
