// The jobs file: the documented forms are accepted, and every mistake is reported at once with its JSON path.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { jobApplies, JobsError, loadJobsFile, validateJobs } from "../../../server/jobs.js";
import { tempDir } from "../../support/temp.js";

const problems = (input: unknown): string[] => {
  try {
    validateJobs(input);
  } catch (e) {
    assert.ok(e instanceof JobsError);
    return e.problems;
  }
  assert.fail("expected a JobsError");
};

test("every documented command form is accepted and typed", () => {
  const { jobs } = validateJobs({
    jobs: [
      {
        id: "all", device: "*", description: "every form", stopOnFailure: true,
        commands: [
          { Get: "./DevInfo/Man" },
          { Get: ["./DevInfo/Mod", { uri: "./DevDetail/FwV" }] },
          { Replace: { uri: "./Vendor/A", format: "chr", type: "text/plain", data: "x" } },
          { Replace: [{ uri: "./Vendor/B", data: "1", format: "int" }, { uri: "./Vendor/C", format: "bin", dataBase64: "AAE=" }] },
          { Add: { uri: "./Vendor/Node", format: "node" } },
          { Add: "./Vendor/Leaf" },
          { Delete: ["./Vendor/Old", "./Vendor/Older"] },
          { Exec: "./Vendor/Run" },
          { Exec: { uri: "./FUMO/Pkg1/Update", data: "go", correlator: "fumo-1" } },
          { Copy: { target: "./Vendor/Copy", source: "./Vendor/A" } },
          { Atomic: [{ Replace: { uri: "./A", data: "1" } }, { Atomic: [{ Delete: "./B" }] }] },
          { Sequence: [{ Alert: { code: 1101, text: "Go?", minDT: 2, maxDT: 30, defaultResponse: "0" } }, { Get: "./A" }] },
          { Alert: { code: 1100, text: "Hello" } },
          { Alert: { code: 1102, text: "Name?", maxLen: 10, inputType: "A", echoType: "T" } },
          { Alert: { code: 1104, text: "Pick", choices: ["a", "b"] } },
        ],
      },
      { device: ["IMEI:1", "IMEI:2"], commands: [{ Get: "DevInfo/Lang" }] },
    ],
  });
  assert.equal(jobs.length, 2);
  assert.equal(jobs[1].id, "job-2", "a default id from the position");
  assert.equal(jobs[0].stopOnFailure, true);
  const c = jobs[0].commands;
  assert.deepEqual(c[1], { kind: "Get", items: [{ uri: "./DevInfo/Mod" }, { uri: "./DevDetail/FwV" }] });
  assert.deepEqual((c[3] as { items: { bytes?: Uint8Array }[] }).items[1].bytes, new Uint8Array([0, 1]));
  assert.deepEqual(c[8], { kind: "Exec", item: { uri: "./FUMO/Pkg1/Update", data: "go" }, correlator: "fumo-1" });
  assert.equal(c[10].kind, "Atomic");
  assert.deepEqual(c[14], { kind: "Alert", code: 1104, text: "Pick", choices: ["a", "b"] });
  assert.ok(jobApplies(jobs[0], "IMEI:9"));
  assert.ok(jobApplies(jobs[1], "IMEI:2"));
  assert.ok(!jobApplies(jobs[1], "IMEI:3"));
});

test("mistakes are all reported, each with its path and what is expected", () => {
  const p = problems({
    jobs: [
      { id: "a", device: "*", commands: [{ Get: "/abs" }, { Fetch: "./x" }, { Get: "./a", Delete: "./b" }] },
      { id: "a", device: 7, commands: [] },
      { device: "*", commands: [{ Replace: { uri: "./x" } }, { Replace: { uri: "./y", data: "1", dataBase64: "AA==" } }, { Add: { uri: "./z", format: "node", data: "d" } }] },
      { device: "*", commands: [{ Alert: { code: 1200, text: "x" } }, { Alert: { code: 1103, text: "t" } }, { Alert: { code: 1101 } }, { Alert: { code: 1100, text: "t", choices: ["x"], maxLen: 3 } }] },
      { device: "*", commands: [{ Sequence: [{ Sequence: [{ Get: "./a" }] }] }, { Atomic: [] }, { Replace: { uri: "./s p", data: "1", format: "string" } }] },
      { device: "*", commands: [{ Copy: { target: "./a" } }, { Exec: { uri: "./e", correlator: 5 } }], color: "red" },
    ],
    extra: true,
  });
  const expect = [
    /^jobs\[0\]\.commands\[0\]\.Get: "\/abs" is absolute/,
    /^jobs\[0\]\.commands\[1\]: must have exactly one key, a command: .* \(found: Fetch\)/,
    /^jobs\[0\]\.commands\[2\]: must have exactly one key, .*found: Get, Delete/,
    /^jobs\[1\]\.id: "a" is used by another job/,
    /^jobs\[1\]\.device: must be "\*"/,
    /^jobs\[1\]\.commands: must be a non-empty array/,
    /^jobs\[2\]\.commands\[0\]\.Replace: Replace needs data or dataBase64/,
    /^jobs\[2\]\.commands\[1\]\.Replace: give data or dataBase64, not both/,
    /^jobs\[2\]\.commands\[2\]\.Add: an interior node \(format "node"\) has no data/,
    /^jobs\[3\]\.commands\[0\]\.Alert\.code: must be a user interaction alert/,
    /^jobs\[3\]\.commands\[1\]\.Alert\.choices: alert 1103 needs choices/,
    /^jobs\[3\]\.commands\[2\]\.Alert\.text: is required/,
    /^jobs\[3\]\.commands\[3\]\.Alert\.choices: only alerts 1103 and 1104 have choices/,
    /^jobs\[3\]\.commands\[3\]\.Alert\.maxLen: only alert 1102/,
    /^jobs\[4\]\.commands\[0\]\.Sequence\[0\]\.Sequence: Sequence cannot be inside Sequence/,
    /^jobs\[4\]\.commands\[1\]\.Atomic: must be a non-empty array of commands/,
    /^jobs\[4\]\.commands\[2\]\.Replace\.uri: "\.\/s p" contains white space/,
    /^jobs\[4\]\.commands\[2\]\.Replace\.format: "string" is not a DM format/,
    /^jobs\[5\]\.color: unknown field/,
    /^jobs\[5\]\.commands\[0\]\.Copy\.source: must be a node URI/,
    /^jobs\[5\]\.commands\[1\]\.Exec\.correlator: must be a string/,
    /^top level\.extra: unknown field/,
  ];
  for (const re of expect) assert.ok(p.some((x) => re.test(x)), `missing ${re}\n got:\n  ${p.join("\n  ")}`);
  assert.equal(p.length, expect.length, p.join("\n"));
});

test("a file that is not JSON, or not a jobs object, is refused with the file name", () => {
  const dir = tempDir();
  try {
    const f = join(dir.path, "jobs.json");
    writeFileSync(f, "{ jobs: [");
    assert.throws(() => loadJobsFile(f), (e: unknown) => e instanceof JobsError && e.message.startsWith(`${f} is not a valid jobs file`));
    writeFileSync(f, "[]");
    assert.throws(() => loadJobsFile(f), /top level: must be an object \{ "jobs": \[ \.\.\. \] \}/);
    writeFileSync(f, JSON.stringify({ jobs: [{ device: "*", commands: [{ Get: "./DevInfo/Man" }] }] }));
    assert.equal(loadJobsFile(f).jobs[0].id, "job-1");
  } finally {
    dir.remove();
  }
});
