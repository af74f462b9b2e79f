import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseUri, formatUri, isWithin, type DmUri } from "../../../agent/cm/uri.js";

const ok = (text: string) => {
  const uri = parseUri(text);
  assert.equal(typeof uri, "object", `${text} should parse`);
  return uri as DmUri;
};

describe("DM URIs as servers send them", () => {
  it("accepts ./ prefixed, bare relative and root forms alike", () => {
    assert.deepEqual(ok("./DevInfo/DevId").segments, ["DevInfo", "DevId"]);
    assert.deepEqual(ok("DevInfo/DevId").segments, ["DevInfo", "DevId"]);
    assert.deepEqual(ok(".").segments, []);
    assert.deepEqual(ok("./").segments, []);
  });

  it("tolerates a trailing slash and surrounding whitespace", () => {
    assert.deepEqual(ok(" ./Vendor/MSFT/ ").segments, ["Vendor", "MSFT"]);
  });

  it("decodes percent-escaped braces of ActiveSync GUIDs", () => {
    const uri = ok("./Vendor/MSFT/ActiveSync/Accounts/%7B1f2e3d4c-0000-4000-8000-000000000001%7D/EmailAddress");
    assert.equal(uri.segments[4], "{1f2e3d4c-0000-4000-8000-000000000001}");
    assert.equal(formatUri(uri.segments), "./Vendor/MSFT/ActiveSync/Accounts/{1f2e3d4c-0000-4000-8000-000000000001}/EmailAddress");
  });

  it("refuses empty, dot and dot-dot segments and broken escapes", () => {
    for (const bad of ["", "./A//B", "./A/./B", "./A/../B", "./A/%zz", "../A", "./A/%2F"]) {
      assert.equal(parseUri(bad), "malformed", bad);
    }
  });

  it("parses ?list= and ?prop= queries and refuses unknown ones", () => {
    assert.deepEqual(ok("./DevInfo?list=Struct").query, { kind: "list", list: "Struct", props: [] });
    assert.deepEqual(ok("./A?list=TNDS+ACL+Value").query, { kind: "list", list: "TNDS", props: ["ACL", "Value"] });
    assert.deepEqual(ok("./A/B?prop=ACL").query, { kind: "prop", prop: "ACL" });
    assert.equal(parseUri("./A?prop=Colour"), "bad-query");
    assert.equal(parseUri("./A?list=Everything"), "bad-query");
    assert.equal(parseUri("./A?list"), "bad-query");
  });

  it("enforces depth, total length and segment length limits", () => {
    const limits = { maxDepth: 3, maxTotalLength: 40, maxSegmentLength: 8 };
    assert.equal(typeof parseUri("./A/B/C", limits), "object");
    assert.equal(parseUri("./A/B/C/D", limits), "too-deep");
    assert.equal(parseUri("./ABCDEFGHI", limits), "too-long");
    assert.equal(parseUri("./" + "A/".repeat(20) + "A", { ...limits, maxDepth: 0 }), "too-long");
  });

  it("knows ancestry", () => {
    assert.equal(isWithin(["A", "B"], ["A"]), true);
    assert.equal(isWithin(["A"], ["A", "B"]), false);
    assert.equal(isWithin(["A", "C"], ["A", "B"]), false);
  });
});
