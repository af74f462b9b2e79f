// Runs inside the VM before the bundle: builds the ECMA-419 shaped `globalThis.device` over the host's
// flat facade (`host`, see facade.ts). It owns every callback the agent hands to the HAL: the host only
// ever sees a callback id ({ $cb: n }), so the host holds no VM function handle and nothing leaks when an
// instance is closed or a completion has run. ES2020 only: it must run on every engine the bundle runs on.
export const PRELUDE = String.raw`(function (host) {
  "use strict";
  var callbacks = new Map();
  var next = 1;
  function register(fn, once) {
    var id = next++;
    callbacks.set(id, { fn: fn, once: once });
    return { $cb: id };
  }
  function release(ref) { if (ref) callbacks.delete(ref.$cb); }
  function deliver(id) {
    var entry = callbacks.get(id);
    if (!entry) return;
    if (entry.once) callbacks.delete(id);
    var args = Array.prototype.slice.call(arguments, 1);
    entry.fn.apply(undefined, args);
  }
  function need(options, what) {
    if (options === null || typeof options !== "object") throw new TypeError(what + ": options object required");
  }
  function fn(value, what) {
    if (typeof value !== "function") throw new TypeError(what + " must be a function");
    return value;
  }
  function bytes(buffer) {
    if (buffer instanceof ArrayBuffer) return buffer;
    if (ArrayBuffer.isView(buffer)) return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);
    throw new TypeError("not a byte buffer");
  }
  function copyInto(target, source) {
    var view = target instanceof ArrayBuffer ? new Uint8Array(target) : new Uint8Array(target.buffer, target.byteOffset, target.byteLength);
    view.set(new Uint8Array(source));
  }
  function byteLength(buffer) { return buffer.byteLength; }

  // Calls to option callbacks get the instance as this, as ECMA-419 says.
  function optionCallbacks(options, names, self, refs, out) {
    names.forEach(function (name) {
      if (options[name] === undefined) return;
      var f = fn(options[name], name);
      var ref = register(function () { return f.apply(self, arguments); }, false);
      refs.push(ref);
      out[name] = ref;
    });
  }

  var io = {};
  if (host.io.SMS) {
    io.SMS = function SMS(options) {
      if (!new.target) throw new TypeError("SMS is a constructor");
      need(options, "SMS");
      var refs = [], hostOptions = {}, self = this;
      if (options.ports !== undefined) hostOptions.ports = Array.from(options.ports);
      optionCallbacks(options, ["onReadable", "onError"], self, refs, hostOptions);
      var h;
      try { h = host.io.SMS(hostOptions); } catch (e) { refs.forEach(release); throw e; }
      this.format = "object";
      this.target = options.target;
      this.read = function () { return h.read(); };
      this.acknowledge = function (id) { h.acknowledge(id); };
      this.close = function () { h.close(); refs.forEach(release); refs = []; };
    };
  }

  function HTTPRequest(h, refs) {
    this.read = function (arg) {
      if (arg !== null && typeof arg === "object") {
        var chunk = h.read(byteLength(arg));
        if (!chunk) return 0;
        copyInto(arg, chunk);
        return chunk.byteLength;
      }
      return arg === undefined ? h.read() : h.read(arg);
    };
    this.close = function () { h.close(); refs.forEach(release); refs.length = 0; };
  }
  function HTTPClient(options) {
    if (!new.target) throw new TypeError("HTTPClient is a constructor");
    need(options, "HTTPClient");
    var refs = [], self = this, hostOptions = {};
    Object.keys(options).forEach(function (k) { if (k.slice(0, 2) !== "on" && k !== "target") hostOptions[k] = options[k]; });
    if (options.tls && options.tls.ca) {
      hostOptions.tls = Object.assign({}, options.tls, { ca: Array.from(options.tls.ca).map(bytes) });
    }
    optionCallbacks(options, ["onError"], self, refs, hostOptions);
    var h;
    try { h = host.https.open(hostOptions); } catch (e) { refs.forEach(release); throw e; }
    var requests = [];
    this.target = options.target;
    this.request = function (request) {
      need(request, "request");
      var rrefs = [], out = {}, req = Object.create(HTTPRequest.prototype);
      Object.keys(request).forEach(function (k) { if (k.slice(0, 2) !== "on") out[k] = request[k]; });
      if (request.body !== undefined) out.body = bytes(request.body);
      optionCallbacks(request, ["onHeaders", "onReadable"], req, rrefs, out);
      var onDone = request.onDone;
      // onDone is the last callback of a request: afterwards its callbacks are released.
      var doneRef = register(function (error) {
        rrefs.forEach(release);
        rrefs.length = 0;
        if (onDone) onDone.call(req, error);
      }, true);
      rrefs.push(doneRef);
      out.onDone = doneRef;
      var rh;
      try { rh = h.request(out); } catch (e) { rrefs.forEach(release); throw e; }
      HTTPRequest.call(req, rh, rrefs);
      requests.push(rrefs);
      return req;
    };
    this.close = function () {
      h.close();
      refs.forEach(release);
      requests.forEach(function (r) { r.forEach(release); r.length = 0; });
      requests = [];
    };
  }
  var https = { client: Object.assign({}, host.https.defaults, { io: HTTPClient }) };

  function ConfigTransaction(h) {
    this.read = function (key) { return h.read(key); };
    this.children = function (key) { return h.children(key); };
    this.write = function (key, value) {
      if (value && value.type === "buffer") value = { type: "buffer", value: bytes(value.value) };
      h.write(key, value);
    };
    this.delete = function (key) { h.delete(key); };
    this.commit = function (callback) {
      var self = this;
      var f = fn(callback, "commit callback");
      h.commit(register(function (error) { f.call(self, error); }, true));
    };
    this.rollback = function () { h.rollback(); };
  }
  function ConfigDomain(h) {
    this.read = function (key) { return h.read(key); };
    this.children = function (key) { return h.children(key); };
    this.begin = function () { return new ConfigTransaction(h.begin()); };
    this.close = function () { h.close(); };
  }
  var config = { open: function (options) { need(options, "config.open"); return new ConfigDomain(host.config.open(options)); } };

  var timers = new Map();
  var timer = {
    set: function (callback, delay, repeat) {
      var f = fn(callback, "timer callback");
      var ref = register(function () { if (!repeat) timers.delete(id); f(); }, !repeat);
      var id;
      try { id = host.timer.set(ref, delay, repeat); } catch (e) { release(ref); throw e; }
      timers.set(id, ref);
      return id;
    },
    clear: function (id) {
      if (!timers.has(id)) return;
      host.timer.clear(id);
      release(timers.get(id));
      timers.delete(id);
    },
  };

  var random = {
    fill: function (buffer) {
      // Anything else would be "filled" as an empty buffer without a word: a programmer error is a TypeError.
      if (!(buffer instanceof ArrayBuffer) && !ArrayBuffer.isView(buffer)) throw new TypeError("random.fill: ArrayBuffer or view required");
      var source = host.random.bytes(byteLength(buffer));
      copyInto(buffer, source);
    },
  };

  var ui;
  if (host.ui) {
    ui = {};
    ["display", "confirm", "input", "choose"].forEach(function (kind) {
      ui[kind] = function (options, callback) {
        need(options, "ui." + kind);
        var f = fn(callback, "ui callback");
        var prompt = {};
        var ref = register(function (error, result) { f.call(prompt, error, result); }, true);
        var out = Object.assign({}, options);
        if (options.choices) out.choices = Array.from(options.choices);
        if (options.defaultValue && typeof options.defaultValue === "object") out.defaultValue = Array.from(options.defaultValue);
        var h;
        try { h = host.ui[kind](out, ref); } catch (e) { release(ref); throw e; }
        prompt.close = function () { h.close(); release(ref); };
        return prompt;
      };
    });
  }

  var device = {
    version: host.version,
    io: io,
    network: { https: https },
    config: config,
    clock: { now: function () { return host.clock.now(); }, monotonic: function () { return host.clock.monotonic(); } },
    timer: timer,
    random: random,
    info: { read: function () { return host.info.read(); } },
  };
  if (ui) device.ui = ui;
  if (host.log) device.log = { level: host.log.level, write: function (l, m) { host.log.write(l, m); } };
  if (host.trace) device.trace = { write: function (e) { host.trace.write(e); } };
  globalThis.device = device;
  return { deliver: deliver, pending: function () { return callbacks.size; } };
})`;

/** VM-side helpers the marshaller uses to look at a value without one host call per property. */
export const HELPERS = String.raw`({
  kind: function (x) {
    if (x instanceof ArrayBuffer) return "ab";
    if (ArrayBuffer.isView(x)) return "view";
    if (Array.isArray(x)) return "array";
    if (x instanceof Map) return "map";
    if (x instanceof Error) return "error";
    if (typeof x.$cb === "number") return "cb";
    return "object";
  },
  view: function (x) { return x.buffer.slice(x.byteOffset, x.byteOffset + x.byteLength); },
  entries: function (m) { return Array.from(m); },
  joinNul: function (parts) { return parts.join("\u0000"); },
  splitNul: function (s) { return s.split("\u0000"); },
  construct: function (C, args) { return new (Function.prototype.bind.apply(C, [null].concat(args)))(); },
  map: function (entries) { return new Map(entries); },
  errorParts: function (e) { return [e.name, e.message, e.code === undefined ? null : String(e.code)]; },
  error: function (name, message, code) {
    var C = name === "TypeError" ? TypeError : name === "RangeError" ? RangeError : Error;
    var e = new C(message);
    if (code !== null) e.code = code;
    return e;
  },
  keys: function (o) {
    var seen = Object.keys(o);
    for (var p = Object.getPrototypeOf(o); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
      Object.getOwnPropertyNames(p).forEach(function (k) {
        if (k !== "constructor" && typeof o[k] === "function" && seen.indexOf(k) < 0) seen.push(k);
      });
    }
    return seen;
  },
})`;
