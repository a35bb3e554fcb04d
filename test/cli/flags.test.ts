import { afterEach, describe, expect, it } from "vitest";
import { closestMatch, editDistance } from "../../src/option-keys.js";
import { makeProject, runCli } from "../helpers/project.js";

let project: Awaited<ReturnType<typeof makeProject>> | undefined;
afterEach(async () => {
  await project?.remove();
  project = undefined;
});

describe("unknown flags", () => {
  it("names an unknown flag with the closest known one, on one line, and exits 2", async () => {
    const result = await runCli(["collect", "--cleer"], process.cwd());
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      'Unknown flag --cleer; did you mean --clear? Run "stowage collect --help".\n',
    );
  });

  it.each([
    ["collect", "--dryrun", "--dry-run"],
    ["collect", "--no-hsh", "--no-hash"],
    ["collect", "--jsno", "--json"],
    ["find", "--al", "--all"],
    ["check", "--confg=x.json", "--config"],
    ["nginx", "--server-nme", "--server-name"],
    ["serve", "--hots", "--host"],
  ])("stowage %s %s suggests %s", async (command, flag, suggestion) => {
    const result = await runCli([command, flag], process.cwd());
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain(`did you mean ${suggestion}?`);
    expect(result.stderr).toContain(`Run "stowage ${command} --help".`);
  });

  it("offers no suggestion when nothing is close", async () => {
    const result = await runCli(["collect", "--frobnicate"], process.cwd());
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('Unknown flag --frobnicate. Run "stowage collect --help".\n');
  });

  it("refuses --no- on a flag that takes a value", async () => {
    const result = await runCli(["check", "--no-config"], process.cwd());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Unknown flag --no-config");
  });

  it("keeps Node's own flag errors to one line", async () => {
    const result = await runCli(["check", "--config", "--json"], process.cwd());
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain("--config");
  });

  it("suggests the closest command for an unknown one", async () => {
    const result = await runCli(["colect"], process.cwd());
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'Unknown command "colect". Did you mean "stowage collect"? Run "stowage --help" for the list.\n',
    );
  });
});

describe("collect --noinput", () => {
  it.each([["--noinput"], ["--no-input"]])(
    "accepts %s as a no-op, as Django deploy scripts pass it",
    async (flag) => {
      project = await makeProject({ "static/site.css": "body { color: red }\n" });
      const plain = await runCli(["collect", "--json"], project.dir);
      const withFlag = await runCli(["collect", "--json", flag], project.dir);
      expect(withFlag.code).toBe(0);
      expect(withFlag.stderr).toBe("");
      expect(JSON.parse(withFlag.stdout)).toMatchObject({ files: 1, unchanged: 1 });
      expect(JSON.parse(plain.stdout)).toMatchObject({ files: 1, collected: 1 });
    },
  );

  it("lists --noinput in collect's usage", async () => {
    const help = await runCli(["collect", "--help"], process.cwd());
    expect(help.stdout).toMatch(/--noinput, --no-input\s+Accepted and ignored/);
  });
});

describe("closestMatch", () => {
  it.each([
    ["--cleer", "--clear"],
    ["--hlep", "--help"],
    ["--dry", "--dry-run"],
    ["--clear", "--clear"],
    ["--zzzzzz", undefined],
    ["-x", undefined],
  ])("%s -> %s", (word, expected) => {
    expect(closestMatch(word, ["--clear", "--help", "--dry-run", "--json", "-i"])).toBe(expected);
  });

  it("counts a transposition as one edit", () => {
    expect(editDistance("hlep", "help")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("kitten", "sitting")).toBe(3);
  });
});
