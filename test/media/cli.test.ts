import { mkdir, utimes, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { openDatabase } from "../../src/media/database.js";
import { captureOutput, makeProject } from "../helpers/project.js";
import { type PostgresCluster, postgresMissing, startPostgres } from "../support/postgres.js";
import { REFERENCES } from "./fixtures.js";

/*
 * `stowage cleanup` end to end: a project folder with a config file, fs
 * storages and a real database, run in-process. Every bad input ends with one
 * line on stderr naming the cause, exit 1 (2 for bad usage), and every file
 * still on disk.
 */
const postgresSkip = postgresMissing();
let postgres: PostgresCluster | undefined;
beforeAll(async () => {
  if (!postgresSkip) postgres = await startPostgres();
}, 120_000);
afterAll(() => postgres?.stop());

type Project = Awaited<ReturnType<typeof makeProject>>;
let project: Project | undefined;
afterEach(async () => {
  await project?.remove();
  project = undefined;
});

async function run(args: string[], options: { env?: NodeJS.ProcessEnv; isTTY?: boolean } = {}) {
  const stdout = captureOutput();
  const stderr = captureOutput();
  const code = await main(args, {
    cwd: project!.dir,
    env: options.env ?? {},
    stdout,
    stderr,
    isTTY: options.isTTY ?? false,
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

const HOUR = 3_600_000;

/** A media file `ageMs` old (its mtime set back), in `media/` or `private/`. */
async function stored(name: string, ageMs = 2 * HOUR, folder = "media", content = name) {
  const file = project!.path(folder, name);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content);
  const when = new Date(Date.now() - ageMs);
  await utimes(file, when, when);
}

async function onDisk(folder = "media"): Promise<string[]> {
  const { readdir } = await import("node:fs/promises");
  const entries = await readdir(project!.path(folder), { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) =>
      path
        .relative(project!.path(folder), path.join(entry.parentPath, entry.name))
        .split(path.sep)
        .join("/"),
    )
    .sort();
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * A project with the reference tables in a SQLite file or a fresh
 * PostgreSQL database, and `rows` inserted.
 */
async function site(
  kind: "sqlite" | "postgres",
  rows: { table: string; column: string; value: string }[] = [],
  media: Record<string, unknown> = {},
) {
  project = await makeProject();
  const url =
    kind === "sqlite" ? `sqlite:${project.path("var/app.db")}` : await postgres!.createDatabase();
  await mkdir(project.path("var"), { recursive: true });
  const db = await openDatabase(url);
  try {
    for (const { table, column } of REFERENCES) {
      await db.schema
        .createTable(table)
        .addColumn("id", kind === "postgres" ? "serial" : "integer", (col) => col.primaryKey())
        .addColumn(column, "text")
        .execute();
    }
    for (const row of rows)
      await db
        .insertInto(row.table)
        .values({ [row.column]: row.value })
        .execute();
  } finally {
    await db.destroy();
  }
  await project.write({
    "stowage.config.json": JSON.stringify({
      media: {
        storage: { driver: "fs", root: "media" },
        storages: { private: { driver: "fs", root: "private" } },
        database: kind === "sqlite" ? "sqlite:var/app.db" : url,
        references: REFERENCES,
        ...media,
      },
    }),
  });
  await mkdir(project.path("media"), { recursive: true });
  await mkdir(project.path("private"), { recursive: true });
  return url;
}

describe("stowage cleanup", () => {
  it("--dry-run prints the count, the size and the first ten names, then '... and N more'", async () => {
    await site("sqlite", [{ table: "documents", column: "file", value: "docs/kept.pdf" }]);
    await stored("docs/kept.pdf");
    for (let index = 0; index < 13; index++)
      await stored(`old/${String(index).padStart(2, "0")}.txt`);
    await stored("fresh.txt", 1000);
    const before = await onDisk();
    const result = await run(["cleanup", "--dry-run"]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe(
      "Dry run: 13 orphaned files older than 1h, 130 bytes; nothing was deleted.",
    );
    expect(lines.slice(1, 11)).toEqual(
      Array.from({ length: 10 }, () => expect.stringMatching(/^ {2}default:old\/\d\d\.txt$/)),
    );
    expect(lines[11]).toBe("  ... and 3 more");
    expect(lines[12]).toBe("Left alone: 1 file younger than that.");
    expect(await onDisk()).toEqual(before);
  });

  it("deletes old orphans with their variants and keeps young files and referenced ones", async () => {
    await site("sqlite", [{ table: "avatars", column: "image", value: "me.jpg" }]);
    await stored("me.jpg");
    await stored("me.jpg.thumb-1a2b3c4d.webp");
    await stored("old.jpg");
    await stored("old.jpg.thumb-1a2b3c4d.webp");
    await stored("new.jpg", 10_000);
    const result = await run(["cleanup"]);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toContain("Deleted 2 orphaned files older than 1h");
    expect(await onDisk()).toEqual(["me.jpg", "me.jpg.thumb-1a2b3c4d.webp", "new.jpg"]);
  });

  it("--json prints one document with orphans, bytes, deleted and names", async () => {
    await site("sqlite");
    await stored("a.txt", 2 * HOUR, "media", "12345");
    await stored("b.txt", 2 * HOUR, "private", "123");
    const result = await run(["cleanup", "--json", "--older-than", "90m"]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      orphans: 2,
      bytes: 8,
      deleted: 2,
      dryRun: false,
      olderThan: 5_400_000,
    });
    expect(report.names.sort()).toEqual(["default:a.txt", "private:b.txt"]);
    expect(Object.keys(report.storages).sort()).toEqual(["default", "private"]);
  });

  it("--older-than keeps files younger than the given age", async () => {
    await site("sqlite");
    await stored("three-hours.txt", 3 * HOUR);
    await stored("one-hour.txt", 1 * HOUR);
    const result = await run(["cleanup", "--older-than", "2h", "--json"]);
    expect(JSON.parse(result.stdout)).toMatchObject({ deleted: 1, young: 1 });
    expect(await onDisk()).toEqual(["one-hour.txt"]);
  });

  it("--storage sweeps one storage; an unknown one is bad usage (exit 2)", async () => {
    await site("sqlite");
    await stored("a.txt");
    await stored("b.txt", 2 * HOUR, "private");
    const result = await run(["cleanup", "--storage", "private", "--json"]);
    expect(JSON.parse(result.stdout)).toMatchObject({ deleted: 1, names: ["b.txt"] });
    expect(await onDisk()).toEqual(["a.txt"]);
    const unknown = await run(["cleanup", "--storage", "privat"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--storage: no storage is named "privat"');
    expect(await onDisk()).toEqual(["a.txt"]);
  });

  it("an --older-than that does not parse is bad usage: exit 2, nothing deleted", async () => {
    await site("sqlite");
    await stored("a.txt");
    const result = await run(["cleanup", "--older-than", "soon"]);
    expect(result.code).toBe(2);
    expect(result.stderr.split("\n")[0]).toBe(
      '--older-than: "soon" is not a duration: use milliseconds or a number with s, m, h or d ("90s", "30m", "2h", "7d"). Run "stowage cleanup --help".',
    );
    expect(await onDisk()).toEqual(["a.txt"]);
  });

  it("refuses to run without references (every file would look orphaned)", async () => {
    await site("sqlite", [], { references: [] });
    await stored("a.txt");
    const result = await run(["cleanup"]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain("No media.references are configured");
    expect(await onDisk()).toEqual(["a.txt"]);
  });

  it("draws progress on a terminal only", async () => {
    await site("sqlite");
    await stored("a.txt");
    const quiet = await run(["cleanup", "--dry-run"]);
    expect(quiet.stderr).toBe("");
    await stored("a.txt");
    const shown = await run(["cleanup"], { isTTY: true });
    expect(shown.code).toBe(0);
    expect(shown.stderr).toContain("listing default");
    expect(shown.stderr).toContain("deleting");
  });

  it("STOWAGE_DATABASE_URL overrides media.database", async () => {
    const url = await site("sqlite", [{ table: "documents", column: "file", value: "a.txt" }]);
    await stored("a.txt");
    // The file's database references a.txt; the environment's is empty and wins.
    const other = path.join(project!.dir, "var/other.db");
    const db = await openDatabase(`sqlite:${other}`);
    for (const { table, column } of REFERENCES) {
      await db.schema.createTable(table).addColumn(column, "text").execute();
    }
    await db.destroy();
    expect(url).toContain("app.db");
    const result = await run(["cleanup", "--json"], {
      env: { STOWAGE_DATABASE_URL: "sqlite:var/other.db" },
    });
    expect(JSON.parse(result.stdout)).toMatchObject({ deleted: 1 });
    expect(await onDisk()).toEqual([]);
  });
});

describe.each(["sqlite", "postgres"] as const)("stowage cleanup on bad input (%s)", (kind) => {
  const skip = kind === "postgres" && postgresSkip !== undefined;

  /** Exit 1, one line naming the cause, every file still there. */
  async function failsCleanly(args: string[], message: RegExp) {
    const before = [...(await onDisk()), ...(await onDisk("private"))];
    const result = await run(["cleanup", "--older-than", "0", ...args]);
    expect(result.code).toBe(1);
    const lines = result.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect([...(await onDisk()), ...(await onDisk("private"))]).toEqual(before);
  }

  it.skipIf(skip)(
    "an unreachable database: exit 1, the database named, nothing deleted",
    async () => {
      const port = await freePort();
      const url =
        kind === "postgres"
          ? `postgres://postgres:secret@127.0.0.1:${port}/app`
          : "sqlite:var/missing.db";
      await site(kind, [], { database: url });
      await stored("a.txt");
      await failsCleanly(
        [],
        kind === "postgres"
          ? new RegExp(
              `^error: Could not open the database postgres://postgres:\\*\\*\\*@127.0.0.1:${port}/app: .*ECONNREFUSED`,
            )
          : /^error: Could not open the database sqlite:\/.*\/var\/missing.db: unable to open database file/,
      );
    },
  );

  it.skipIf(skip)("a configured table that does not exist: exit 1, the table named", async () => {
    await site(kind, [], {
      references: [...REFERENCES, { table: "attachments", column: "file" }],
    });
    await stored("a.txt");
    await failsCleanly(
      [],
      /^error: Cleanup stopped; nothing was deleted: media.references names the table "attachments", which the database does not have \(tables: .*documents/,
    );
  });

  it.skipIf(skip)("a configured column that does not exist: exit 1, the column named", async () => {
    await site(kind, [], { references: [{ table: "documents", column: "path" }] });
    await stored("a.txt");
    await failsCleanly(
      [],
      /media.references names the column "path", which the table "documents" does not have \(columns: id, file\)/,
    );
  });

  it.skipIf(skip)(
    "a reference holding a traversal name: exit 1, the value named, nothing deleted",
    async () => {
      await site(kind, [
        { table: "documents", column: "file", value: "a.txt" },
        { table: "avatars", column: "image", value: "../etc/passwd" },
      ]);
      await stored("a.txt");
      await stored("orphan.txt");
      await failsCleanly(
        [],
        /^error: Cleanup stopped; nothing was deleted: The reference avatars.image holds "..\/etc\/passwd", which cannot be a stored name \(.*leaves the root\)/,
      );
    },
  );

  it.skipIf(skip)("a reference holding an absolute path or a URL is refused too", async () => {
    await site(kind, [{ table: "documents", column: "file", value: "/var/www/media/a.txt" }]);
    await stored("orphan.txt");
    await failsCleanly([], /The reference documents.file holds "\/var\/www\/media\/a.txt"/);
  });
});
