import { randomUUID } from "node:crypto";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { createStorage } from "../../src/storage/index.js";
import { captureOutput, makeProject } from "../helpers/project.js";
import { azuriteConnectionString } from "../storage/services/start.js";
import {
  type DatabaseFixture,
  type DatabaseKind,
  REFERENCES,
  Services,
  storedNames,
  variantOf,
} from "./fixtures.js";

/*
 * `stowage cleanup` end to end on the clouds: a config file whose media
 * storages are S3 on s3rver and Azure on Azurite (pages of two entries, so
 * every listing paginates), references in SQLite and PostgreSQL, the CLI run
 * in-process. Objects on a cloud cannot be backdated, so the sweeps that must
 * find orphans run with `--older-than 0`, and the default of 1h is shown to
 * leave the same fresh objects alone. A listing that fails half way is a
 * real connection cut, between the CLI and s3rver, at the second page.
 */
type CloudKind = "s3" | "azure";
const CLOUDS: CloudKind[] = ["s3", "azure"];
const DATABASES: DatabaseKind[] = ["sqlite", "postgres"];
const services = new Services();

beforeAll(() => services.start({ storages: CLOUDS, databases: DATABASES }), 120_000);
afterAll(() => services.stop());

type Project = Awaited<ReturnType<typeof makeProject>>;
let project: Project | undefined;
let data: DatabaseFixture | undefined;
afterEach(async () => {
  await data?.remove();
  await project?.remove();
  data = undefined;
  project = undefined;
});

async function run(args: string[]) {
  const stdout = captureOutput();
  const stderr = captureOutput();
  const code = await main(args, { cwd: project!.dir, env: {}, stdout, stderr, isTTY: false });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** A storage spec as a config file holds it, for one cloud under a fresh location. */
function cloudSpec(kind: CloudKind, location: string, endpoint?: string): Record<string, unknown> {
  if (kind === "s3") {
    return {
      driver: "s3",
      bucket: "media",
      location,
      endpoint: endpoint ?? services.s3rver!.endpoint,
      forcePathStyle: true,
      accessKeyId: "S3RVER",
      secretAccessKey: "S3RVER",
      // s3rver ignores If-None-Match.
      conditionalPut: false,
      pageSize: 2,
    };
  }
  return {
    driver: "azure",
    container: "media",
    location,
    connectionString: azuriteConnectionString(services.azurite!.endpoint),
    pageSize: 2,
  };
}

/**
 * A project whose config names `default` and `private` storages on one
 * cloud and a fresh database with the reference tables; returns the two
 * storages, built from the same specs, to seed and inspect them.
 */
async function site(kind: CloudKind, database: DatabaseKind, endpoint?: string) {
  const location = `cli-${randomUUID()}`;
  const specs = {
    default: cloudSpec(kind, `${location}/public`, endpoint),
    private: cloudSpec(kind, `${location}/private`, endpoint),
  };
  data = await services.database(database);
  project = await makeProject({
    "stowage.config.json": JSON.stringify({
      media: {
        storage: specs.default,
        storages: { private: specs.private },
        database: data.url,
        references: REFERENCES,
      },
    }),
  });
  // The test's own view of the storages talks to the peer directly, past any proxy.
  const own = (name: "public" | "private") =>
    createStorage(cloudSpec(kind, `${location}/${name}`) as Parameters<typeof createStorage>[0]);
  return { default: own("public"), private: own("private") };
}

type Storages = Awaited<ReturnType<typeof site>>;

/** Referenced files (one with a variant), orphans (one with a variant), a private orphan. */
async function seed(storages: Storages) {
  const insert = (table: string, row: Record<string, unknown>) =>
    data!.db.insertInto(table).values(row).execute();
  await storages.default.save("docs/kept.pdf", "kept");
  await storages.default.save("photos/cat.jpg", "cat");
  await storages.default.save(variantOf("photos/cat.jpg"), "cat thumb");
  await insert("documents", { id: 1, file: "docs/kept.pdf" });
  await insert("avatars", { id: 1, image: "photos/cat.jpg" });
  await storages.default.save("docs/orphan.pdf", "orphan!");
  await storages.default.save("photos/gone.jpg", "gone");
  await storages.default.save(variantOf("photos/gone.jpg"), "gone thumb");
  await storages.private.save("secret.pdf", "s");
  await insert("private_files", { id: 1, file: "secret.pdf" });
  await storages.private.save("stale.pdf", "stale");
}

const ORPHANS = [
  "default:docs/orphan.pdf",
  "default:photos/gone.jpg",
  `default:${variantOf("photos/gone.jpg")}`,
  "private:stale.pdf",
];
const ORPHAN_BYTES = "orphan!".length + "gone".length + "gone thumb".length + "stale".length;
const KEPT = ["docs/kept.pdf", "photos/cat.jpg", variantOf("photos/cat.jpg")];
const ALL_DEFAULT = [...KEPT, "docs/orphan.pdf", "photos/gone.jpg", variantOf("photos/gone.jpg")];

async function everything(storages: Storages) {
  return {
    default: await storedNames(storages.default),
    private: await storedNames(storages.private),
  };
}

const combos = CLOUDS.flatMap((storage) => DATABASES.map((database) => ({ storage, database })));

describe.each(combos)(
  "stowage cleanup on $storage storage, $database database",
  ({ storage, database }) => {
    const skip = database === "postgres" && services.postgresSkip !== undefined;

    it.skipIf(skip)(
      "--dry-run counts the orphans and their size, names them, and deletes nothing",
      async () => {
        const storages = await site(storage, database);
        await seed(storages);
        const before = await everything(storages);
        expect(before.default).toEqual([...ALL_DEFAULT].sort());

        const text = await run(["cleanup", "--dry-run", "--older-than", "0"]);
        expect(text).toMatchObject({ code: 0, stderr: "" });
        const lines = text.stdout.trimEnd().split("\n");
        expect(lines[0]).toBe(
          `Dry run: 4 orphaned files older than 0ms, ${ORPHAN_BYTES} bytes; nothing was deleted.`,
        );
        expect(
          lines
            .slice(1)
            .map((line) => line.trim())
            .sort(),
        ).toEqual(ORPHANS);

        const json = await run(["cleanup", "--dry-run", "--older-than", "0", "--json"]);
        expect(json.code).toBe(0);
        const report = JSON.parse(json.stdout);
        expect(report).toMatchObject({
          orphans: 4,
          bytes: ORPHAN_BYTES,
          deleted: 0,
          dryRun: true,
          olderThan: 0,
          more: 0,
        });
        expect([...report.names].sort()).toEqual(ORPHANS);
        expect(report.storages.default).toMatchObject({ listed: 6, orphans: 3, deleted: 0 });
        expect(report.storages.private).toMatchObject({ listed: 2, orphans: 1, deleted: 0 });
        expect(await everything(storages)).toEqual(before);
      },
    );

    it.skipIf(skip)(
      "deletes each orphan with its image variant and keeps referenced files with theirs (--json)",
      async () => {
        const storages = await site(storage, database);
        await seed(storages);
        const result = await run(["cleanup", "--older-than", "0s", "--json"]);
        expect(result).toMatchObject({ code: 0, stderr: "" });
        const report = JSON.parse(result.stdout);
        expect(report).toMatchObject({
          orphans: 4,
          bytes: ORPHAN_BYTES,
          deleted: 4,
          kept: 0,
          young: 0,
          dryRun: false,
          olderThan: 0,
        });
        expect([...report.names].sort()).toEqual(ORPHANS);
        expect(Object.keys(report.storages).sort()).toEqual(["default", "private"]);
        expect(report.storages.default).toMatchObject({ listed: 6, orphans: 3, deleted: 3 });
        expect(await everything(storages)).toEqual({ default: KEPT, private: ["secret.pdf"] });

        // Nothing is left to find.
        const again = await run(["cleanup", "--older-than", "0"]);
        expect(again).toMatchObject({ code: 0, stderr: "" });
        expect(again.stdout).toBe("No orphaned files older than 0ms (4 files listed).\n");
      },
    );

    it.skipIf(skip)("prints what it deleted, and --storage sweeps one storage only", async () => {
      const storages = await site(storage, database);
      await seed(storages);
      const one = await run(["cleanup", "--older-than", "0", "--storage", "private", "--json"]);
      expect(JSON.parse(one.stdout)).toMatchObject({ deleted: 1, names: ["stale.pdf"] });
      expect(await everything(storages)).toEqual({
        default: [...ALL_DEFAULT].sort(),
        private: ["secret.pdf"],
      });
      const rest = await run(["cleanup", "--older-than", "0"]);
      expect(rest).toMatchObject({ code: 0, stderr: "" });
      expect(rest.stdout).toBe(
        `Deleted 3 orphaned files older than 0ms, ${ORPHAN_BYTES - "stale".length} bytes found.\n`,
      );
      expect(await everything(storages)).toEqual({ default: KEPT, private: ["secret.pdf"] });
    });

    it.skipIf(skip)(
      "the default --older-than (1h) leaves freshly uploaded orphans alone",
      async () => {
        const storages = await site(storage, database);
        await seed(storages);
        const before = await everything(storages);
        const result = await run(["cleanup", "--json"]);
        expect(result).toMatchObject({ code: 0, stderr: "" });
        expect(JSON.parse(result.stdout)).toMatchObject({
          orphans: 0,
          deleted: 0,
          young: 8,
          olderThan: 3_600_000,
        });
        expect(await everything(storages)).toEqual(before);
      },
    );
  },
);

/**
 * A loopback HTTP proxy in front of s3rver that cuts the connection of every
 * request for a listing's second page (one carrying a continuation token),
 * as a network outage half way through a listing would, and passes the rest.
 */
async function cuttingProxy(
  target: string,
): Promise<{ endpoint: string; cuts: () => number; server: Server }> {
  const upstream = new URL(target);
  let cuts = 0;
  const server = createServer((req, res) => {
    if (new URL(req.url!, "http://x").searchParams.has("continuation-token")) {
      cuts += 1;
      req.socket.destroy();
      return;
    }
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on("error", () => req.socket.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}`, cuts: () => cuts, server };
}

describe("stowage cleanup when a cloud listing fails half way", () => {
  let proxy: Awaited<ReturnType<typeof cuttingProxy>> | undefined;
  afterEach(async () => {
    if (proxy) {
      proxy.server.closeAllConnections();
      await new Promise((resolve) => proxy!.server.close(resolve));
    }
    proxy = undefined;
  });

  it("exits 1 with one line naming the storage and the cause, and deletes nothing (s3rver)", async () => {
    proxy = await cuttingProxy(services.s3rver!.endpoint);
    const storages = await site("s3", "sqlite", proxy.endpoint);
    await seed(storages);
    const before = await everything(storages);
    // The default storage's six objects take three pages; the second is cut.
    const result = await run(["cleanup", "--older-than", "0", "--storage", "default"]);
    expect(proxy.cuts()).toBeGreaterThan(0);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    const lines = result.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^error: Cleanup stopped; nothing was deleted: Listing the storage "default" failed after 2 files: The s3 storage failed to list "": socket hang up$/,
    );
    expect(await everything(storages)).toEqual(before);
  });
});
