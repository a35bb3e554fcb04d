import { mkdir, symlink } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ConfigProblem } from "../../src/config/types.js";
import { makeProject, runCli } from "../helpers/project.js";

let project: Awaited<ReturnType<typeof makeProject>> | undefined;
afterEach(async () => {
  await project?.remove();
  project = undefined;
});

const S3_PACKAGES = ["@aws-sdk/client-s3", "@aws-sdk/lib-storage", "@aws-sdk/s3-request-presigner"];

/** A project whose config file is `config`, with a static folder so only the tested keys matter. */
async function projectWith(config: object, options: { packages?: boolean } = {}) {
  project = await makeProject({
    "stowage.config.json": JSON.stringify({ static: { dirs: ["assets"] }, ...config }),
    "assets/a.css": "a {}",
  });
  // The repository's node_modules holds every cloud SDK (they are dev dependencies here).
  if (options.packages) await symlink(path.resolve("node_modules"), project.path("node_modules"));
  return project;
}

async function check(dir: string, args: string[] = []) {
  const result = await runCli(["check", "--json", ...args], dir);
  const problems = JSON.parse(result.stdout).problems as ConfigProblem[];
  return { code: result.code, problems, errors: problems.filter((p) => p.level === "error") };
}

describe("stowage check: storages", () => {
  it("names an unknown driver", async () => {
    const dir = (await projectWith({ media: { storage: { driver: "ftp", root: "x" } } })).dir;
    const { code, errors } = await check(dir);
    expect(code).toBe(1);
    expect(errors).toEqual([
      {
        level: "error",
        key: "media.storage.driver",
        message: expect.stringMatching(
          /^media\.storage: Unknown storage driver "ftp"; use one of fs, memory, s3, azure, gcs\.$/,
        ),
      },
    ]);
  });

  it("names an fs storage without a root", async () => {
    const dir = (
      await projectWith({ media: { storages: { private: { driver: "fs" } } }, secret: "s" })
    ).dir;
    const { code, errors } = await check(dir);
    expect(code).toBe(1);
    expect(errors).toHaveLength(1);
    expect(errors[0].key).toBe("media.storages.private.root");
    expect(errors[0].message).toMatch(/^media\.storages\.private: The fs storage needs "root"/);
  });

  it("names every package a cloud driver needs that the app lacks, with the install command", async () => {
    const dir = (
      await projectWith({
        media: {
          storage: "s3://media/uploads?region=eu-west-1",
          storages: { docs: { driver: "azure", container: "docs", public: true } },
        },
        static: { dirs: ["assets"], storage: "gs://assets/static" },
      })
    ).dir;
    const { code, errors } = await check(dir);
    expect(code).toBe(1);
    const byKey = Object.fromEntries(errors.map((p) => [p.key, p.message]));
    expect(byKey["media.storage"]).toBe(
      `media.storage uses the s3 driver, which needs ${S3_PACKAGES.map((n) => `"${n}"`).join(", ")}, not installed in ${dir}. Install with: npm install ${S3_PACKAGES.join(" ")}`,
    );
    expect(byKey["media.storages.docs"]).toContain(
      'azure driver, which needs "@azure/storage-blob"',
    );
    expect(byKey["static.storage"]).toContain("npm install @google-cloud/storage");
  });

  it("resolves driver packages from the config file's folder, not the working directory", async () => {
    const dir = (await projectWith({ media: { storage: "s3://media" } })).dir;
    // The working directory (the repository) has the SDKs; the app's folder does not.
    const result = await check(process.cwd(), ["--config", path.join(dir, "stowage.config.json")]);
    expect(result.errors.map((p) => p.key)).toContain("media.storage");
    const withPackages = (
      await projectWith({ media: { storage: "s3://media" } }, { packages: true })
    ).dir;
    expect((await check(withPackages)).errors).toEqual([]);
  });

  it("warns, without failing, when a package only direct uploads need is missing", async () => {
    const dir = (await projectWith({ media: { storage: "s3://media?region=eu-west-1" } })).dir;
    // The driver's own SDKs are there; the presigned-post package is not.
    for (const name of S3_PACKAGES) {
      await mkdir(path.dirname(path.join(dir, "node_modules", name)), { recursive: true });
      await symlink(path.resolve("node_modules", name), path.join(dir, "node_modules", name));
    }
    const { code, problems } = await check(dir);
    expect(code).toBe(0);
    expect(problems.filter((p) => p.key === "media.storage")).toEqual([
      {
        level: "warning",
        key: "media.storage",
        message: `media.storage uses the s3 driver: "@aws-sdk/s3-presigned-post", which it needs for direct uploads only, is not installed in ${dir}. Before using direct uploads, install with: npm install @aws-sdk/s3-presigned-post`,
      },
    ]);
    const text = await runCli(["check"], dir);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("npm install @aws-sdk/s3-presigned-post");
  });

  it("does not ask for a secret for a private cloud storage: the clouds sign their own URLs", async () => {
    const dir = (
      await projectWith(
        {
          media: {
            storages: {
              s3: "s3://private/docs",
              azure: { driver: "azure", container: "private" },
              gcs: { driver: "gcs", bucket: "private" },
            },
          },
        },
        { packages: true },
      )
    ).dir;
    const { code, errors } = await check(dir);
    expect(errors).toEqual([]);
    expect(code).toBe(0);
  });

  it("asks for a secret for signed fs and memory storages only, and not for public ones", async () => {
    const dir = (
      await projectWith({
        media: {
          storages: {
            invoices: { driver: "fs", root: "private" },
            scratch: "memory://",
            avatars: { driver: "fs", root: "avatars", public: true },
            banners: "file://./banners?public=true",
          },
        },
      })
    ).dir;
    const { code, errors } = await check(dir);
    expect(code).toBe(1);
    expect(errors.map((p) => p.message)).toEqual([
      'media.storages.invoices is served with signed URLs, which the fs driver makes with a secret, but none is set; set "secret" or STOWAGE_SECRET (or mark the storage public: true).',
      'media.storages.scratch is served with signed URLs, which the memory driver makes with a secret, but none is set; set "secret" or STOWAGE_SECRET (or mark the storage public: true).',
    ]);
    expect(errors.every((p) => p.key === "secret")).toBe(true);
  });

  it("reports a bad storage URL under its key", async () => {
    const dir = (await projectWith({ media: { storage: "ftp://host/x" } })).dir;
    const { errors } = await check(dir);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ key: "media.storage" });
    expect(errors[0].message).toMatch(
      /^media\.storage: The storage URL ftp:\/\/host\/x has an unknown scheme/,
    );
  });

  it("reports the reserved storage name default", async () => {
    const dir = (await projectWith({ media: { storages: { default: "memory://?public=true" } } }))
      .dir;
    const { errors } = await check(dir);
    expect(errors.map((p) => p.message)).toEqual([
      expect.stringContaining('"default" is reserved for media.storage'),
    ]);
  });
});

describe("stowage check: images and uploads", () => {
  it("names each invalid image variant and key, through the images validator", async () => {
    const dir = (
      await projectWith({
        images: {
          variants: {
            thumb: { cover: [200, 200], format: "webp" },
            hero: { fit: [0, 600] },
            card: { cover: [300, 200], format: "tiff" },
            "bad name!": { fit: [10, 10] },
          },
        },
      })
    ).dir;
    const { code, errors } = await check(dir);
    expect(code).toBe(1);
    expect(errors.map((p) => [p.key, p.message])).toEqual([
      [
        "images.variants.hero.fit",
        'Image variant "hero": "fit" must be [width, height] in whole pixels above 0; found [0,600].',
      ],
      [
        "images.variants.card.format",
        'Image variant "card": "format" must be one of jpeg, webp, avif, png, gif; found "tiff".',
      ],
      ["images.variants.bad name!", expect.stringContaining('Image variant name "bad name!"')],
    ]);
  });

  it("names a misspelt upload option with the closest known one", async () => {
    const dir = (await projectWith({ media: { uploads: { maxFilesize: 5_000_000 } } })).dir;
    const { code, errors } = await check(dir);
    expect(code).toBe(1);
    expect(errors).toHaveLength(1);
    expect(errors[0].key).toBe("media.uploads.maxFilesize");
    expect(errors[0].message).toMatch(
      /^Unknown config key "media\.uploads\.maxFilesize"\. Did you mean "media\.uploads\.maxFileSize"\? Known: maxFileSize, /,
    );
  });

  it("names a bad upload option value, through the uploads resolver", async () => {
    const dir = (await projectWith({ media: { uploads: { maxFileSize: -1 } } })).dir;
    const { errors } = await check(dir);
    expect(errors).toEqual([
      {
        level: "error",
        key: "media.uploads.maxFileSize",
        message: expect.stringMatching(
          /^Config key "media\.uploads\.maxFileSize" must be a number of bytes/,
        ),
      },
    ]);
    const filenames = (await projectWith({ media: { uploads: { filenames: "keep" } } })).dir;
    expect((await check(filenames)).errors[0]).toMatchObject({
      key: "media.uploads.filenames",
      message: 'Config key "media.uploads.filenames" must be "reject" or "basename"; found "keep".',
    });
  });
});

describe("stowage check: a good config", () => {
  it("finds no problems in a config that uses every checked key correctly", async () => {
    const dir = (
      await projectWith(
        {
          media: {
            storage: { driver: "fs", root: "media" },
            storages: { private: "file://./private", docs: "s3://docs?region=eu-west-1" },
            uploads: { maxFileSize: 5_000_000, filenames: "basename" },
          },
          images: { variants: { thumb: { cover: [200, 200], format: "webp" } } },
          secret: "not-a-real-secret",
        },
        { packages: true },
      )
    ).dir;
    expect((await runCli(["collect"], dir)).code).toBe(0);
    const result = await runCli(["check"], dir);
    expect(result.stdout).toBe("No problems found.\n");
    expect(result.code).toBe(0);
  });
});

describe("stowage check: the database of the record helpers and the sweep", () => {
  const references = [{ table: "documents", column: "file" }];

  it("names column references without a database", async () => {
    const dir = (await projectWith({ media: { references } })).dir;
    const { code, errors } = await check(dir);
    expect(code).toBe(1);
    expect(errors).toEqual([
      {
        level: "error",
        key: "media.database",
        message: expect.stringMatching(
          /^media\.references names columns, but media\.database is not set/,
        ),
      },
    ]);
  });

  it("names the database driver the app lacks, with the install command", async () => {
    const dir = (
      await projectWith({ media: { database: "postgres://db.example/app", references } })
    ).dir;
    const { code, errors } = await check(dir);
    expect(code).toBe(1);
    expect(errors).toHaveLength(1);
    expect(errors[0].key).toBe("media.database");
    expect(errors[0].message).toMatch(/"pg", "better-sqlite3", not installed in /);
    expect(errors[0].message).toMatch(/Install with: npm install pg better-sqlite3$/);
  });

  it("finds nothing to report when the drivers are installed", async () => {
    const dir = (
      await projectWith(
        { media: { database: "sqlite:var/app.db", references } },
        { packages: true },
      )
    ).dir;
    const { errors } = await check(dir);
    expect(errors).toEqual([]);
  });
});
