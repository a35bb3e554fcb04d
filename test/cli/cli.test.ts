import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { makeProject, runCli } from "../helpers/project.js";

let project: Awaited<ReturnType<typeof makeProject>> | undefined;
afterEach(async () => {
  await project?.remove();
  project = undefined;
});

const run = runCli;

describe("stowage CLI", () => {
  it("lists the commands with --help and exits 2 without a command", async () => {
    const help = await run(["--help"], process.cwd());
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/collect\s+Gather static files/);
    expect((await run([], process.cwd())).code).toBe(2);
  });

  it("exits 2 with a hint on an unknown flag or command", async () => {
    const flag = await run(["collect", "--bogus"], process.cwd());
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('Run "stowage collect --help"');
    expect((await run(["nope"], process.cwd())).code).toBe(2);
  });

  it("collects with --json and reports counts, bytes and time", async () => {
    project = await makeProject({
      "stowage.config.json": JSON.stringify({ static: { dirs: ["assets"] } }),
      "assets/site.css": "body { color: red }\n".repeat(40),
    });
    const first = await run(["collect", "--json"], project.dir);
    expect(first.code).toBe(0);
    const summary = JSON.parse(first.stdout);
    expect(summary).toMatchObject({ files: 1, collected: 1, hashed: 1, unchanged: 0 });
    expect(summary.compressed).toMatchObject({ br: 2, gzip: 2 });
    expect(typeof summary.ms).toBe("number");
    const again = JSON.parse((await run(["collect", "--json"], project.dir)).stdout);
    expect(again).toMatchObject({ collected: 0, unchanged: 1 });
  });

  it("honours -i, --no-hash and --no-compress", async () => {
    project = await makeProject({
      "static/site.css": "body { color: red }\n".repeat(40),
      "static/notes.md": "draft",
    });
    const result = await run(
      ["collect", "--json", "-i", "*.md", "--no-hash", "--no-compress"],
      project.dir,
    );
    expect(JSON.parse(result.stdout)).toMatchObject({ files: 1, hashed: 0, compressed: {} });
  });

  it("exits 1 with a one-line reason naming file and line on a broken reference", async () => {
    project = await makeProject({ "static/site.css": "a{}\nb { background: url(gone.png) }\n" });
    const result = await run(["collect"], project.dir);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/site\.css:2: .*could not be found/);
  });

  it("finds the winning source, and every candidate with --all", async () => {
    project = await makeProject({
      "stowage.config.json": JSON.stringify({ static: { dirs: ["one", "two"] } }),
      "one/a.css": "1",
      "two/a.css": "2",
    });
    const one = await run(["find", "a.css"], project.dir);
    expect(one.stdout.trim()).toBe(project.path("one/a.css"));
    const all = await run(["find", "a.css", "--all"], project.dir);
    expect(all.stdout).toContain(`${project.path("two/a.css")}  (hidden)`);
    const none = await run(["find", "b.css"], project.dir);
    expect(none.code).toBe(1);
    expect((await run(["find"], project.dir)).code).toBe(2);
  });

  it("check reports a missing source folder and a root inside a source", async () => {
    project = await makeProject({
      "stowage.config.json": JSON.stringify({
        static: { dirs: ["gone", "assets"], root: "assets/out" },
      }),
      "assets/a.css": "a",
    });
    const result = await run(["check"], project.dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("static.dirs[0]: the folder");
    expect(result.stdout).toMatch(/static\.root .* is inside static\.dirs\[1\]/);
  });

  it("check turns a bad config into a problem naming the key", async () => {
    project = await makeProject({
      "stowage.config.json": JSON.stringify({ static: { dirs: [{ prefix: "v/", dir: "x" }] } }),
    });
    const result = await run(["check", "--json"], project.dir);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).problems[0]).toMatchObject({ key: "static.dirs[0].prefix" });
  });

  it("runs as a real process and exits with the command's code", async () => {
    project = await makeProject({ "static/site.css": "a { b: url(missing.png) }" });
    const bin = path.resolve("src/cli/bin.ts");
    const tsx = path.resolve("node_modules/.bin/tsx");
    const failure = await promisify(execFile)(tsx, [bin, "collect"], { cwd: project.dir }).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toContain("missing.png");
    await expect(readFile(project.path("staticfiles/staticfiles.json"))).rejects.toThrow();
  });
});
