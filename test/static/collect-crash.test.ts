import { cp, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/config/resolve.js";
import type { ResolvedConfig } from "../../src/config/types.js";
import { collect } from "../../src/static/collect/index.js";
import { builtPath } from "../helpers/build-sources.js";
import { makeProject } from "../helpers/project.js";
import {
  inconsistentVariants,
  listFiles,
  originalsMatch,
  startChild,
  writeSite,
} from "./collect-crash-site.js";

const COLLECT_MODULE = builtPath("src/static/collect/index.ts");
// Fast settings: the test is about the order of changes to the root, not the ratio.
const SPEED = { workers: 1, brotliQuality: 4 };
/** Where each kill lands, as a fraction of the changes a whole collect makes. */
const KILL_POINTS = [0, 0.02, 0.1, 0.25, 0.45, 0.65, 0.85, 0.999];

let project: Awaited<ReturnType<typeof makeProject>>;
let config: ResolvedConfig["static"];
/** Everything a collect leaves in the project besides the sources, by name. */
let leftBehind: string[];
let manifestV1: string;
let totalChanges: number;

const saved = (name: string) => project.path("saved", name);

/** Puts the project back as collect of version 1 left it. */
async function restoreVersion1(): Promise<void> {
  for (const name of leftBehind) {
    await rm(project.path(name), { recursive: true, force: true });
    await cp(saved(name), project.path(name), { recursive: true });
  }
}

beforeAll(async () => {
  project = await makeProject();
  await writeSite(project.path("static"), 1);
  config = resolveConfig({ static: { compress: ["br", "gzip"] } }, project.dir).static;
  await collect({ static: config, ...SPEED });
  manifestV1 = await readFile(path.join(config.root, "staticfiles.json"), "utf8");
  leftBehind = (await listFiles(project.dir, ""))
    .map((name) => name.split("/")[0])
    .filter((name, i, all) => name !== "static" && all.indexOf(name) === i);
  for (const name of leftBehind) await cp(project.path(name), saved(name), { recursive: true });

  // One whole collect of version 2 counts the changes it makes to the root.
  await writeSite(project.path("static"), 2);
  const whole = await startChild({ module: COLLECT_MODULE, options: { static: config, ...SPEED } })
    .done;
  expect(whole).toMatchObject({ code: 0, summary: { files: 280 } });
  totalChanges = whole.changes!;
  expect(totalChanges).toBeGreaterThan(500);
}, 120_000);

afterAll(async () => {
  await project?.remove();
});

describe("collect killed with SIGKILL", () => {
  it.each(KILL_POINTS)(
    "at %f of the way leaves no variant that disagrees with its file, and the next collect restores the root",
    async (fraction) => {
      await restoreVersion1();
      await writeSite(project.path("static"), 2);
      const killAfter = Math.max(1, Math.round(fraction * totalChanges));
      const killed = await startChild({
        module: COLLECT_MODULE,
        options: { static: config, ...SPEED },
        killAfter,
      }).done;
      expect(killed.signal).toBe("SIGKILL");

      const manifest = JSON.parse(
        await readFile(path.join(config.root, "staticfiles.json"), "utf8"),
      );
      const present = new Set(await listFiles(config.root));
      const afterKill = {
        staleVariants: (await inconsistentVariants(config.root)).length,
        manifestNamesMissing: Object.values<string>(manifest.paths).filter((n) => !present.has(n))
          .length,
      };

      // Roll the sources back to version 1, exactly as they were, and collect again.
      await writeSite(project.path("static"), 1);
      await collect({ static: config, ...SPEED });
      const afterRollback = {
        staleVariants: (await inconsistentVariants(config.root)).length,
        wrongOriginals: (await originalsMatch(config.root, project.path("static"))).length,
        manifestIsVersion1:
          (await readFile(path.join(config.root, "staticfiles.json"), "utf8")) === manifestV1,
        tempFiles: (await listFiles(config.root)).filter((name) => name.endsWith(".tmp")).length,
      };
      expect({ killAfter, afterKill, afterRollback }).toEqual({
        killAfter,
        afterKill: { staleVariants: 0, manifestNamesMissing: 0 },
        afterRollback: {
          staleVariants: 0,
          wrongOriginals: 0,
          manifestIsVersion1: true,
          tempFiles: 0,
        },
      });
    },
    60_000,
  );
});
