/**
 * Runs the README's `stowage cleanup` block against a project with a SQLite
 * database and two referenced columns: it seeds files of known ages (some
 * referenced, some orphaned, one image variant of each kind), runs each
 * command of the block, and checks what it deleted and what it printed
 * against what the command's flags and comment promise. Copied into the
 * block's folder and run from there; better-sqlite3 comes from the app.
 */
import { execFile } from "node:child_process";
import { mkdir, stat, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";

const run = promisify(execFile);

/** The config the block runs with: the fixture's storages, this database and its references. */
export const CLEANUP_CONFIG = `import { readFileSync } from "node:fs";
const base = JSON.parse(readFileSync(new URL("./stowage.config.json", import.meta.url), "utf8"));
export default {
  ...base,
  media: {
    ...base.media,
    database: "sqlite:var/app.db",
    references: [
      { table: "users", column: "avatar" },
      { table: "contracts", column: "pdf", storage: "private" },
    ],
  },
};
`;

/** Folder of each storage of the fixture's config. */
const ROOTS: Record<string, string> = { default: "media", private: "private-media" };

const DAY = 24 * 3600 * 1000;

interface Seeded {
  storage: string;
  name: string;
  /** Age in ms at the start. */
  age: number;
  size: number;
  /** Named by a reference column. */
  referenced: boolean;
  /** The original this file is an image variant of. */
  variantOf?: string;
}

const VARIANT = ".thumb-1a2b3c4d.webp";

/** The files the sweep meets: orphans old and recent, referenced files, variants of each. */
function plan(): Seeded[] {
  const files: Seeded[] = [];
  const add = (storage: string, name: string, age: number, referenced = false) => {
    files.push({ storage, name, age, size: 100 + files.length, referenced });
  };
  add("default", "avatars/1.jpg", 30 * DAY, true);
  for (let i = 1; i <= 12; i++)
    add("default", `photos/old-${String(i).padStart(2, "0")}.jpg`, 30 * DAY);
  add("default", "photos/recent-1.jpg", 2 * DAY);
  add("default", "photos/recent-2.jpg", 2 * DAY);
  add("default", "photos/just-uploaded.jpg", 0);
  add("private", "contracts/signed.pdf", 30 * DAY, true);
  add("private", "contracts/old.pdf", 30 * DAY);
  add("private", "contracts/recent.pdf", 2 * DAY);
  for (const original of ["avatars/1.jpg", "photos/old-01.jpg"]) {
    files.push({
      storage: "default",
      name: `${original}${VARIANT}`,
      age: 30 * DAY,
      size: 50,
      referenced: false,
      variantOf: original,
    });
  }
  return files;
}

/** Writes the files with their ages and the database that references some of them. */
export async function seedProject(): Promise<Seeded[]> {
  const files = plan();
  const now = Date.now();
  for (const file of files) {
    const target = path.join(ROOTS[file.storage], file.name);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, Buffer.alloc(file.size, 1));
    const when = new Date(now - file.age);
    await utimes(target, when, when);
  }
  await mkdir("var", { recursive: true });
  const db = new Database("var/app.db");
  db.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, avatar TEXT)");
  db.exec("CREATE TABLE contracts (id INTEGER PRIMARY KEY, pdf TEXT)");
  const insert = {
    default: "INSERT INTO users (avatar) VALUES (?)",
    private: "INSERT INTO contracts (pdf) VALUES (?)",
  };
  for (const file of files.filter((each) => each.referenced)) {
    db.prepare(insert[file.storage as keyof typeof insert]).run(file.name);
  }
  db.prepare("INSERT INTO users (avatar) VALUES (NULL)").run();
  db.close();
  return files;
}

function fail(message: string): never {
  throw new Error(`README cleanup check: ${message}`);
}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: DAY };

/** The flags of one command line, as the README documents them. */
function flagsOf(line: string) {
  const words = line.replace(/#.*$/, "").trim().split(/\s+/);
  const value = (flag: string) => {
    const at = words.indexOf(flag);
    return at === -1 ? undefined : words[at + 1];
  };
  const age = /^(\d+)([smhd])$/.exec(value("--older-than") ?? "1h") ?? fail(`bad age in ${line}`);
  return {
    dryRun: words.includes("--dry-run"),
    json: words.includes("--json"),
    storage: value("--storage"),
    olderThan: Number(age[1]) * UNITS[age[2]],
    comment: /#(.*)$/.exec(line)?.[1]?.trim() ?? "",
  };
}

async function present(files: Seeded[]): Promise<Seeded[]> {
  const out: Seeded[] = [];
  for (const file of files) {
    const there = await stat(path.join(ROOTS[file.storage], file.name)).then(
      () => true,
      () => false,
    );
    if (there) out.push(file);
  }
  return out;
}

/** What a sweep with these flags must find: unreferenced, old enough, in a swept storage. */
function expectedOrphans(files: Seeded[], flags: ReturnType<typeof flagsOf>): Seeded[] {
  const referenced = new Set(
    files.filter((f) => f.referenced).map((f) => `${f.storage}:${f.name}`),
  );
  return files.filter(
    (file) =>
      !file.referenced &&
      !(file.variantOf && referenced.has(`${file.storage}:${file.variantOf}`)) &&
      file.age > flags.olderThan &&
      (flags.storage === undefined || file.storage === flags.storage),
  );
}

const key = (file: Seeded) => `${file.storage}:${file.name}`;

/** Runs each command of `block` in order and checks it; throws with the command's output on a mismatch. */
export async function checkCleanupBlock(block: string, files: Seeded[]): Promise<void> {
  const lines = block
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
  if (lines.length === 0) fail("the block has no command.");
  for (const line of lines) {
    const flags = flagsOf(line);
    const before = await present(files);
    const orphans = expectedOrphans(before, flags);
    const { stdout } = await run("sh", ["-c", line]).catch((error) =>
      fail(`"${line}" failed: ${error.stderr || error.message}`),
    );
    const after = await present(files);
    const gone = before
      .filter((file) => !after.includes(file))
      .map(key)
      .sort();
    const wanted = flags.dryRun ? [] : orphans.map(key).sort();
    if (gone.join() !== wanted.join()) {
      fail(`"${line}" deleted [${gone.join(", ")}]; expected [${wanted.join(", ")}].\n${stdout}`);
    }
    const bytes = orphans.reduce((sum, file) => sum + file.size, 0);
    const qualified = (file: Seeded) =>
      flags.storage === undefined ? `${file.storage}:${file.name}` : file.name;
    if (flags.json) {
      const report = JSON.parse(stdout) as Record<string, unknown>;
      const promised = /\{([^}]*)\}/.exec(flags.comment)?.[1] ?? "";
      for (const name of promised.split(",").map((each) => each.trim())) {
        if (/^\w+$/.test(name) && !(name in report)) {
          fail(`"${line}" printed no "${name}", which the block's comment promises:\n${stdout}`);
        }
      }
      const shown = report.names as string[];
      const expected = {
        orphans: orphans.length,
        bytes,
        deleted: flags.dryRun ? 0 : orphans.length,
        more: orphans.length - shown.length,
      };
      for (const [name, value] of Object.entries(expected)) {
        if (report[name] !== value)
          fail(`"${line}" reported ${name} ${report[name]}, not ${value}.`);
      }
      const names = new Set(orphans.map(qualified));
      if (shown.length !== Math.min(10, orphans.length) || !shown.every((n) => names.has(n))) {
        fail(`"${line}" named ${shown.join(", ")}; the orphans are ${[...names].join(", ")}.`);
      }
    } else if (flags.dryRun) {
      const listed = stdout
        .split("\n")
        .filter((each) => each.startsWith("  ") && !each.includes("... and"))
        .map((each) => each.trim());
      const names = new Set(orphans.map(qualified));
      if (!stdout.startsWith(`Dry run: ${orphans.length} orphaned files`)) {
        fail(`"${line}" does not give the count ${orphans.length} first:\n${stdout}`);
      }
      if (listed.length !== 10 || !listed.every((name) => names.has(name))) {
        fail(`"${line}" does not list ten of the orphans' names:\n${stdout}`);
      }
      if (!stdout.includes(`  ... and ${orphans.length - 10} more`)) {
        fail(`"${line}" does not say "... and ${orphans.length - 10} more":\n${stdout}`);
      }
    } else if (!stdout.startsWith(`Deleted ${orphans.length} orphaned file`)) {
      fail(`"${line}" does not say it deleted ${orphans.length}:\n${stdout}`);
    }
  }
}
