import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/config/resolve.js";
import { cacheDirOf, collect } from "../../src/static/collect/index.js";
import { builtPath } from "../helpers/build-sources.js";
import { makeProject } from "../helpers/project.js";
import {
  inconsistentVariants,
  listFiles,
  originalsMatch,
  startChild,
  writeSite,
} from "./collect-crash-site.js";

let project: Awaited<ReturnType<typeof makeProject>>;
afterEach(async () => {
  await project?.remove();
});

const SPEED = { workers: 1, brotliQuality: 4 };

async function site() {
  project = await makeProject();
  await writeSite(project.path("static"), 1);
  return resolveConfig({}, project.dir).static;
}

const lockFile = (root: string) => path.join(cacheDirOf(root), "collect.lock");

/** The contents of every file under `dir`, by name. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of await listFiles(dir)) {
    files[name] = (await readFile(path.join(dir, name))).toString("base64");
  }
  return files;
}

describe("collect lock", () => {
  it("fails a second collect into the same root with E_COLLECT_LOCKED, naming the running one, and writes nothing", async () => {
    const config = await site();
    const first = startChild({
      module: builtPath("src/static/collect/index.ts"),
      options: { static: config, ...SPEED },
      pauseAfter: 60,
    });
    await first.paused;
    const before = await snapshot(config.root);
    await expect(collect({ static: config, ...SPEED })).rejects.toMatchObject({
      code: "E_COLLECT_LOCKED",
      holder: { pid: first.pid, hostname: os.hostname() },
      message: expect.stringContaining(`Another collect (pid ${first.pid},`),
    });
    expect(await snapshot(config.root)).toEqual(before);

    first.resume();
    expect(await first.done).toMatchObject({ code: 0, summary: { files: 280 } });
    expect(await inconsistentVariants(config.root)).toEqual([]);
    expect(await originalsMatch(config.root, project.path("static"))).toEqual([]);
    expect(existsSync(lockFile(config.root))).toBe(false);
  });

  it("lets one of two collects started at once in one process run, and fails the other", async () => {
    const config = await site();
    const outcomes = await Promise.allSettled([
      collect({ static: config, ...SPEED }),
      collect({ static: config, ...SPEED }),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(["fulfilled", "rejected"]);
    const failure = outcomes.find((o) => o.status === "rejected") as PromiseRejectedResult;
    expect(failure.reason).toMatchObject({
      code: "E_COLLECT_LOCKED",
      holder: { pid: process.pid },
    });
    expect(await inconsistentVariants(config.root)).toEqual([]);
  });

  it("takes over the lock of a collect whose process is gone", async () => {
    const config = await site();
    const gone = spawnSync(process.execPath, ["-e", "process.pid"]).pid!;
    const stale = {
      pid: gone,
      hostname: os.hostname(),
      since: "2024-01-01T00:00:00Z",
      token: "dead",
    };
    await mkdir(cacheDirOf(config.root), { recursive: true });
    await writeFile(lockFile(config.root), JSON.stringify(stale));
    const summary = await collect({ static: config, ...SPEED });
    expect(summary.collected).toBe(280);
    expect(existsSync(lockFile(config.root))).toBe(false);
  });

  it("never judges a lock from another machine stale, and says how to clear it", async () => {
    const config = await site();
    const remote = {
      pid: 1,
      hostname: "build-7.example",
      since: "2024-01-01T00:00:00Z",
      token: "x",
    };
    await mkdir(cacheDirOf(config.root), { recursive: true });
    await writeFile(lockFile(config.root), JSON.stringify(remote));
    await expect(collect({ static: config, ...SPEED })).rejects.toMatchObject({
      code: "E_COLLECT_LOCKED",
      message: expect.stringMatching(
        /pid 1 on build-7\.example.*If no collect is running, delete .*collect\.lock/,
      ),
    });
    expect(await listFiles(config.root)).toEqual([]);
    expect(JSON.parse(await readFile(lockFile(config.root), "utf8"))).toEqual(remote);
  });

  it("takes no lock for a dry run", async () => {
    const config = await site();
    const remote = {
      pid: 1,
      hostname: "build-7.example",
      since: "2024-01-01T00:00:00Z",
      token: "x",
    };
    await mkdir(cacheDirOf(config.root), { recursive: true });
    await writeFile(lockFile(config.root), JSON.stringify(remote));
    const summary = await collect({ static: config, dryRun: true, ...SPEED });
    expect(summary.written.length).toBeGreaterThan(280);
  });
});
