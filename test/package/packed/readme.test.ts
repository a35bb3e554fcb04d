/**
 * Every fenced code block of README.md runs here, against the packed
 * package (see setup.ts), so a snippet can never crash unnoticed.
 *
 * How a block runs is chosen by an HTML comment on the line right before
 * its opening fence:
 *
 *   <!-- snippet: NAME -->     run it in the harness NAME
 *   <!-- snippet: not run: REASON -->   do not run it, for the reason given
 *
 * Without a comment, a ts/js block runs as a complete program, an sh block
 * runs as `stowage` commands (anything else must be marked not run), a json
 * block must parse, and a `text` block is prose. A block with no language,
 * an unknown language or an unknown harness fails.
 *
 * The harnesses (test/package/readme/harnesses.ts) say what each provides:
 * `config`, `serving` (`app`, `fastify`), `storage`, `upload-handler`
 * (`req`, `res`, `media`), `images`, `signed-links` (`app`, `pdfBytes`;
 * the block leaves `link`), `config-file`, `program`, `cli`, `json`, and
 * `quick-start` and `web-app` for blocks that are whole apps: the block
 * starts its server on PORT (0 here), and the harness requests a static
 * file, posts an upload and two refused ones, checks the answers and what was
 * stored (web-app-check.ts), then closes it. Blocks that need more than
 * the fixture get it from their harness and are checked by what they
 * promise: `unit-of-work` (a SQLite `users` table, `photo`, `user`; the new
 * avatar stored, the old one and its variant deleted), `cleanup` (a SQLite
 * database, references and files of known ages; each command's deletions
 * and output, cleanup-check.ts), `tus` (one upload carried across the
 * fetch, Express and Fastify mounts, tus-check.ts) and `browser` (the block
 * as a page's script in Chromium, browser-check.ts; skipped with a message
 * without Chromium, failed in CI). To add one, add an entry there: a
 * program template with IMPORTS and SNIPPET where the block's imports and
 * the rest of it go.
 *
 * Each block runs with tsx (or sh) in a fresh copy of a fixture project:
 * a stowage.config.json with static/ (CSS, an SVG, a Vite build), fs media,
 * a private fs storage and an image variant, already collected; `stowage`
 * on PATH; STOWAGE_SECRET set; express, fastify, hono and better-sqlite3
 * importable. The package is installed with the optional peers the blocks
 * need (better-sqlite3, @tus/server, @tus/file-store; see setup.ts), once
 * per run; a harness that needs other settings writes a stowage.config.mjs,
 * which is found before the fixture's JSON and extends it.
 *
 * tsx runs TypeScript without checking its types, so the TypeScript blocks
 * are also type-checked together, as their harnesses prepare them, against
 * the packed package's declarations (strict, as an app would).
 */
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { chromiumAvailable } from "../../e2e/support/browser.js";
import { writeTree } from "../../helpers/project.js";
import { codeBlocks, planBlock } from "../readme/blocks.js";
import { HARNESSES, type Harness } from "../readme/harnesses.js";

const run = promisify(execFile);
const app = inject("readmeApp");
const repo = path.resolve(".");
const tsx = path.join(repo, "node_modules/.bin/tsx");

const FIXTURE = {
  "package.json": '{ "type": "module", "private": true }\n',
  "stowage.config.json": JSON.stringify({
    static: { dirs: ["static"] },
    media: {
      storage: { driver: "fs", root: "media" },
      storages: { private: { driver: "fs", root: "private-media" } },
    },
    images: { variants: { thumb: { cover: [64, 64], format: "webp" } } },
  }),
  "static/css/site.css": 'body { background: url("../img/logo.svg") }\n',
  "static/img/logo.svg": '<svg xmlns="http://www.w3.org/2000/svg"/>\n',
  "static/dist/.vite/manifest.json": JSON.stringify({
    "src/main.ts": {
      file: "assets/main-B2x9Qk1a.js",
      src: "src/main.ts",
      isEntry: true,
      css: ["assets/main-C8d7Ew3f.css"],
    },
  }),
  "static/dist/assets/main-B2x9Qk1a.js": 'console.log("main");\n',
  "static/dist/assets/main-C8d7Ew3f.css": "main { color: red }\n",
};

/** Packages a block may import besides stowage: from the packed app, or this repository's. */
const MODULES: Record<string, string> = {
  stowage: path.join(app, "node_modules/stowage"),
  express: path.join(app, "node_modules/express"),
  "better-sqlite3": path.join(app, "node_modules/better-sqlite3"),
  fastify: path.join(repo, "node_modules/fastify"),
  hono: path.join(repo, "node_modules/hono"),
  "@hono/node-server": path.join(repo, "node_modules/@hono/node-server"),
  "@types/express": path.join(app, "node_modules/@types/express"),
  "@types/node": path.join(app, "node_modules/@types/node"),
};

const env = {
  ...process.env,
  PATH: `${path.join(app, "node_modules/.bin")}${path.delimiter}${process.env.PATH}`,
  STOWAGE_SECRET: "readme-snippets-secret",
};

let work: string;
let fixture: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "stowage-readme-"));
  const modules = path.join(work, "modules");
  for (const [name, target] of Object.entries(MODULES)) {
    await mkdir(path.dirname(path.join(modules, name)), { recursive: true });
    await symlink(target, path.join(modules, name), "dir");
  }
  fixture = path.join(work, "fixture");
  await writeTree(fixture, FIXTURE);
  await symlink(modules, path.join(fixture, "node_modules"), "dir");
  await run("stowage", ["collect"], { cwd: fixture, env });
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

/** Runs one block in a fresh copy of the fixture; rejects with the block's output on failure. */
async function runBlock(index: number, harness: Harness, code: string, language: string) {
  const dir = path.join(work, `block-${index}`);
  await cp(fixture, dir, { recursive: true, verbatimSymlinks: true });
  const prepared = harness.prepare!(code, language as never);
  for (const [name, text] of Object.entries(prepared.files)) {
    await writeFile(path.join(dir, name), text);
  }
  const [runner, file] = prepared.command;
  try {
    await run(runner === "tsx" ? tsx : "sh", [file], { cwd: dir, env, timeout: 90_000 });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    const program = await readFile(path.join(dir, file), "utf8");
    throw new Error(
      `The block failed in ${dir}.\n--- ${file}\n${program}\n--- stdout\n${stdout ?? ""}\n--- stderr\n${stderr ?? (error as Error).message}`,
    );
  }
}

/** Compiler options of the type check: a strict app on Node's ES modules. */
const TYPECHECK_OPTIONS = {
  target: "ES2022",
  module: "NodeNext",
  moduleResolution: "NodeNext",
  lib: ["ES2023", "DOM"],
  types: ["node"],
  strict: true,
  noEmit: true,
  // Harnesses import their check modules by file name (`./__web-app-check.ts`), as tsx runs them.
  allowImportingTsExtensions: true,
  // The declarations of fastify, hono and express are theirs to check; the
  // packed package's own are checked with skipLibCheck off in consumer.test.ts.
  skipLibCheck: true,
};

/** Writes every TypeScript block as its harness prepares it, and runs tsc over them all at once. */
async function typecheckBlocks(runnable: typeof blocks): Promise<number> {
  const dir = path.join(work, "typecheck");
  let count = 0;
  for (const { block, plan } of runnable) {
    if (!("run" in plan) || plan.language !== "ts") continue;
    const harness: Harness = HARNESSES[plan.run];
    if (!harness.prepare) continue;
    const prepared = harness.prepare(block.code, "ts");
    const blockDir = path.join(dir, `block-line-${block.line}`);
    await mkdir(blockDir, { recursive: true });
    for (const [name, text] of Object.entries(prepared.files)) {
      await writeFile(path.join(blockDir, name), text);
    }
    count += 1;
  }
  await writeFile(path.join(dir, "package.json"), '{ "type": "module", "private": true }\n');
  await writeFile(
    path.join(dir, "tsconfig.json"),
    JSON.stringify({ compilerOptions: TYPECHECK_OPTIONS, include: ["block-line-*/**/*.ts"] }),
  );
  await symlink(path.join(work, "modules"), path.join(dir, "node_modules"), "dir");
  const tsc = path.join(app, "node_modules/typescript/bin/tsc");
  try {
    await run(process.execPath, [tsc, "-p", dir], { cwd: dir, timeout: 110_000 });
  } catch (error) {
    const { stdout } = error as { stdout?: string };
    // tsc names each file as block-line-N/..., N being the README line of the block's fence.
    throw new Error(`README TypeScript blocks do not type-check (in ${dir}):\n${stdout ?? error}`);
  }
  return count;
}

const readme = await readFile(path.join(repo, "README.md"), "utf8");
const blocks = codeBlocks(readme).map((block, index) => ({ block, index, plan: planBlock(block) }));

describe("README.md code blocks", () => {
  it("has blocks to run", () => {
    expect(blocks.filter(({ plan }) => "run" in plan).length).toBeGreaterThanOrEqual(5);
  });

  it("has TypeScript blocks that type-check against the packed package", async () => {
    expect(await typecheckBlocks(blocks)).toBeGreaterThanOrEqual(5);
  });

  for (const { block, index, plan } of blocks) {
    const title = `README.md:${block.line} (${block.lang || "no language"})`;
    if ("skip" in plan) {
      it.skip(`${title}: not run: ${plan.skip}`, () => {});
    } else if ("error" in plan) {
      it(`${title} has a way to run`, () => {
        throw new Error(plan.error);
      });
    } else {
      const harness: Harness = HARNESSES[plan.run];
      // Locally without Chromium: skipped with a message; in CI: fails.
      const runnable = !harness.needsChromium || chromiumAvailable();
      it.runIf(runnable)(`${title} runs in the "${plan.run}" harness`, async () => {
        if (harness.check) harness.check(block.code);
        else await runBlock(index, harness, block.code, plan.language);
      });
    }
  }
});
