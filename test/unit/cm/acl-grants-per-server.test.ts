import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { aclAllows, formatAcl, parseAcl } from "../../../agent/cm/acl.js";

describe("ACL values", () => {
  it("grants listed servers and * to everyone, per command", () => {
    const acl = parseAcl("Get=*&Replace=srv1+srv2&Add=srv1")!;
    assert.equal(aclAllows(acl, "Get", "anyone"), true);
    assert.equal(aclAllows(acl, "Replace", "srv2"), true);
    assert.equal(aclAllows(acl, "Replace", "srv3"), false);
    assert.equal(aclAllows(acl, "Delete", "srv1"), false, "a command the ACL does not name is denied");
  });

  it("round-trips through its canonical text and merges repeated commands", () => {
    const acl = parseAcl("Replace=b&Get=a&Replace=c+b")!;
    assert.equal(formatAcl(acl), "Get=a&Replace=b+c");
    assert.deepEqual(parseAcl(formatAcl(acl)), acl);
  });

  it("reads an empty value as 'no ACL' and refuses malformed ones", () => {
    assert.equal(parseAcl("")!.size, 0);
    for (const bad of ["Get", "Get=", "Get=a+", "Fetch=a", "=a", "Get=a&&Add=b"]) assert.equal(parseAcl(bad), undefined, bad);
  });
});
