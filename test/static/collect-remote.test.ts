import { GetObjectCommand, HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/config/resolve.js";
import { collect } from "../../src/static/collect/index.js";
import { readManifestSync } from "../../src/static/manifest.js";
import { createStorage } from "../../src/storage/index.js";
import { makeProject } from "../helpers/project.js";
import { type Service, s3rverClient, startS3rver } from "../storage/services/start.js";

const BUCKET = "static-test";
let s3rver: Service;
let client: S3Client;
let project: Awaited<ReturnType<typeof makeProject>>;

beforeAll(async () => {
  s3rver = await startS3rver([BUCKET]);
  client = s3rverClient(s3rver.endpoint);
});
afterAll(async () => {
  client?.destroy();
  await s3rver?.stop();
});
afterEach(async () => {
  await project?.remove();
});

async function head(key: string) {
  return client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
}

describe("collect into S3 (s3rver)", () => {
  it("uploads hashed files immutable with their type, originals short-lived, the manifest last", async () => {
    project = await makeProject({
      "static/css/site.css": "body { background: url(../img/a.png) }\n",
      "static/img/a.png": new Uint8Array([0x89, 0x50, 0x4e, 0x47, 9, 9]),
    });
    const config = resolveConfig({}, project.dir).static;
    const location = `run-${Date.now()}`;
    const storage = createStorage({ driver: "s3", bucket: BUCKET, location, client });
    const order: string[] = [];
    const spy = {
      exists: (name: string) => storage.exists(name),
      save: async (...args: Parameters<typeof storage.save>) => {
        order.push(args[0]);
        return storage.save(args[0], args[1], args[2]);
      },
    };
    await collect({ static: config, storage: spy, workers: 1 });
    const manifest = readManifestSync(config.root)!;
    const hashedCss = manifest.paths["css/site.css"];
    const css = await head(`${location}/${hashedCss}`);
    expect(css.CacheControl).toBe("public, max-age=315360000, immutable");
    expect(css.ContentType).toBe("text/css; charset=utf-8");
    const original = await head(`${location}/css/site.css`);
    expect(original.CacheControl).toBe("public, max-age=60");
    const png = await head(`${location}/${manifest.paths["img/a.png"]}`);
    expect(png.ContentType).toBe("image/png");
    expect(order.at(-1)).toBe("staticfiles.json");
    const remoteManifest = await client.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: `${location}/staticfiles.json` }),
    );
    expect(JSON.parse(await remoteManifest.Body!.transformToString()).paths).toEqual(
      manifest.paths,
    );

    // A second run with a fresh state skips hashed objects that are already there.
    order.length = 0;
    await collect({ static: config, storage: spy, workers: 1, clear: true });
    expect(order.filter((name) => /\.[0-9a-f]{12}\./.test(name))).toEqual([]);
    expect(order).toContain("staticfiles.json");
  });
});
