import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseDatabaseUrl } from "../../src/config/database-url.js";
import { resolveConfig } from "../../src/config/resolve.js";
import { formatDuration, parseDuration } from "../../src/media/duration.js";
import { createMedia } from "../../src/media/index.js";
import { createStorage } from "../../src/storage/index.js";

const base = path.resolve("/srv/app");
const resolve = (media: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) =>
  resolveConfig({ media }, base, { env });

function configError(run: () => unknown): { key?: string; message: string } {
  try {
    run();
  } catch (error) {
    return error as { key?: string; message: string };
  }
  throw new Error("expected a ConfigError");
}

describe("media.database", () => {
  it("resolves sqlite:PATH from the config's folder and keeps postgres URLs", () => {
    expect(resolve({ database: "sqlite:var/app.db" }).media.database).toBe(
      `sqlite:${path.join(base, "var/app.db")}`,
    );
    expect(resolve({ database: "sqlite:///data/app.db" }).media.database).toBe(
      "sqlite:/data/app.db",
    );
    expect(resolve({ database: "sqlite::memory:" }).media.database).toBe("sqlite::memory:");
    const url = "postgres://app:pw@db.internal:5432/app?sslmode=require";
    expect(resolve({ database: url }).media.database).toBe(url);
    expect(resolve({}).media.database).toBeUndefined();
  });

  it("is overridden by STOWAGE_DATABASE_URL", () => {
    const resolved = resolve(
      { database: "sqlite:var/app.db" },
      { STOWAGE_DATABASE_URL: "postgres://u@h/db" },
    );
    expect(resolved.media.database).toBe("postgres://u@h/db");
  });

  it.each([
    ["mysql://u@h/db", "only"],
    ["", "not a non-empty string"],
    [42, "not a non-empty string"],
    ["sqlite:", "no file path"],
    ["postgres://", "not a valid URL|no host"],
    ["var/app.db", "only"],
  ])("refuses %j naming the key", (value, reason) => {
    const error = configError(() => resolve({ database: value }));
    expect(error.key).toBe("media.database");
    expect(error.message).toMatch(
      /^Config key "media.database" must be "sqlite:PATH" or a "postgres:\/\/" URL/,
    );
    expect(error.message).toMatch(new RegExp(reason));
  });

  it("describes a refused value whatever the caller's key", () => {
    expect(() => parseDatabaseUrl("redis://x", { key: "database" })).toThrow(
      /Config key "database"/,
    );
  });
});

describe("media.references", () => {
  it("takes columns (storage optional) or a function", () => {
    const media = resolve({
      storages: { private: "memory://" },
      references: [
        { table: "documents", column: "file" },
        { table: "contracts", column: "pdf", storage: "private" },
      ],
    }).media;
    expect(media.references).toEqual([
      { table: "documents", column: "file" },
      { table: "contracts", column: "pdf", storage: "private" },
    ]);
    const names = async function* () {
      yield "a.txt";
    };
    expect(resolve({ references: names }).media.references).toBe(names);
    expect(resolve({}).media.references).toEqual([]);
  });

  it.each([
    [{ references: "documents.file" }, "media.references"],
    [{ references: [{ table: "documents", colum: "file" }] }, "media.references[0].colum"],
    [{ references: [{ table: "documents" }] }, "media.references[0].column"],
    [{ references: [{ table: "", column: "file" }] }, "media.references[0].table"],
    [
      { references: [{ table: "t", column: "c", storage: "privat" }] },
      "media.references[0].storage",
    ],
    [{ references: ["documents"] }, "media.references[0]"],
  ])("refuses %j naming %s", (media, key) => {
    const error = configError(() => resolve({ storages: { private: "memory://" }, ...media }));
    expect(error.key).toBe(key);
  });

  it("names the storages a reference may use", () => {
    const error = configError(() =>
      resolve({
        storages: { private: "memory://" },
        references: [{ table: "t", column: "c", storage: "x" }],
      }),
    );
    expect(error.message).toContain('one of the configured storages ("default", "private")');
  });
});

describe("option objects", () => {
  const storages = { default: createStorage("memory://") };

  it("createMedia refuses an unknown option, naming it", () => {
    expect(() => createMedia({ storages, refrences: [] } as never)).toThrow(
      'Unknown option "refrences" for createMedia(). Known options: storages, database, references, onDeleteError.',
    );
    expect(() => createMedia({} as never)).toThrow(/needs `storages` with a "default" storage/);
  });

  it("cleanup refuses an unknown option, naming it", async () => {
    const media = createMedia({ storages, references: [] });
    await expect(media.cleanup({ olderthan: "1h" } as never)).rejects.toThrow(
      'Unknown option "olderthan" for cleanup().',
    );
  });
});

describe("durations", () => {
  it.each([
    ["90s", 90_000],
    ["30m", 1_800_000],
    ["2h", 7_200_000],
    ["7d", 604_800_000],
    ["250ms", 250],
    ["1.5h", 5_400_000],
    ["0", 0],
    [" 2h ", 7_200_000],
    [0, 0],
    [1500, 1500],
  ])("%j is %d ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(["soon", "", "30", "1 h", "-1h", "2w", "h", "1e3s", -5, Number.NaN, null])(
    "%j is refused with a message showing the forms that work",
    (value) => {
      expect(() => parseDuration(value)).toThrow(
        /is not a duration: use milliseconds or a number with s, m, h or d/,
      );
    },
  );

  it("formats back to the largest whole unit", () => {
    expect([3_600_000, 90_000, 5_400_000, 604_800_000, 1500].map(formatDuration)).toEqual([
      "1h",
      "90s",
      "90m",
      "7d",
      "1500ms",
    ]);
  });
});
