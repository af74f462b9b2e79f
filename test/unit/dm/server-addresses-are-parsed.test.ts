// The HAL has no URL parser: the account address and RespURI are split by the agent. https only.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseServerUrl, resolveRespUri } from "../../../agent/dm/url.js";

describe("server addresses", () => {
  it("splits host, port and path of https URLs, with the account's port as default", () => {
    assert.deepEqual(parseServerUrl("https://DM.Example.net/dm?x=1"), { host: "dm.example.net", port: 443, path: "/dm?x=1" });
    assert.deepEqual(parseServerUrl("https://dm.example.net:8443"), { host: "dm.example.net", port: 8443, path: "/" });
    assert.deepEqual(parseServerUrl("https://127.0.0.1/dm", 9443), { host: "127.0.0.1", port: 9443, path: "/dm" });
    assert.deepEqual(parseServerUrl("https://[::1]:8443/a#frag"), { host: "::1", port: 8443, path: "/a" });
    assert.deepEqual(parseServerUrl("HTTPS://h?q"), { host: "h", port: 443, path: "/?q" });
  });

  it("refuses what is not an https URL the HAL can reach", () => {
    for (const bad of ["http://dm.example.net/", "dm.example.net", "https://", "https://u:p@h/", "https://h:0/", "https://h:99999/", "https://h:x/", "https://[::1/"]) {
      assert.equal(parseServerUrl(bad), undefined, bad);
    }
  });

  it("follows an absolute or a path RespURI", () => {
    const current = { host: "h", port: 8443, path: "/dm" };
    assert.deepEqual(resolveRespUri(current, "https://other:9443/s/1"), { host: "other", port: 9443, path: "/s/1" });
    assert.deepEqual(resolveRespUri(current, " /dm/session-7 "), { host: "h", port: 8443, path: "/dm/session-7" });
    assert.equal(resolveRespUri(current, "session-7"), undefined);
  });
});
