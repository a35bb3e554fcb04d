import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterEach, expect, it } from "vitest";
import { openDatabase } from "../../src/media/index.js";

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

it("creates a sqlite file's missing folder, as a fresh checkout needs", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "stowage-db-"));
  made.push(dir);
  const db = await openDatabase("sqlite:var/app/records.db", { baseDir: dir });
  await sql`select 1`.execute(db);
  await db.destroy();
  expect(existsSync(path.join(dir, "var/app/records.db"))).toBe(true);
});

it("creates nothing when the file must exist, and says so", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "stowage-db-"));
  made.push(dir);
  await expect(
    openDatabase("sqlite:var/records.db", { baseDir: dir, mustExist: true }),
  ).rejects.toMatchObject({ message: expect.stringContaining("Could not open the database") });
  expect(existsSync(path.join(dir, "var"))).toBe(false);
});
