import { readdir } from "node:fs/promises";
import { afterAll, describe, expect, it } from "vitest";
import type { ServeRequest, ServeResponse } from "../../../src/serve/core.js";
import { CACHE_IMMUTABLE } from "../../../src/serve/headers.js";
import { mediaOptionsFromConfig } from "../../../src/serve/media/config.js";
import { createMediaHandler } from "../../../src/serve/media/handler.js";
import { createVariantHandler } from "../../../src/serve/variants/handler.js";
import {
  LARGE,
  makeFixture,
  mediaConfig,
  SIGNING_SECRET,
  THUMB,
  VARIANTS,
} from "../support/fixture.js";

const fixture = await makeFixture();
afterAll(() => fixture.cleanup());

const get = (target: string): ServeRequest => ({ method: "GET", target });

async function text(response: ServeResponse | null): Promise<string> {
  const body = response?.body;
  if (body === null || body === undefined) return "";
  if (Buffer.isBuffer(body)) return body.toString();
  const chunks: Buffer[] = [];
  for await (const chunk of body.stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

describe("the media handler", () => {
  it("answers 403 once a signed link has expired", async () => {
    const handler = createMediaHandler({
      mounts: [{ prefix: "/media-private/", storage: fixture.storages.private!, signed: true }],
      secret: SIGNING_SECRET,
      now: () => Date.now() + 3601_000,
    });
    const response = await handler.respond(get(fixture.signedDoc));
    expect(response?.status).toBe(403);
    expect(await text(response)).toMatch(/expired/);
  });

  it("refuses a signed mount without a secret", () => {
    expect(() =>
      createMediaHandler({
        mounts: [{ prefix: "/p/", storage: fixture.storages.private!, signed: true }],
      }),
    ).toThrow(expect.objectContaining({ code: "E_CONFIG", key: "secret" }));
  });

  it.each([
    [{ mounts: [], secrett: "x" }, /Unknown option "secrett" for createMediaHandler/],
    [
      { mounts: [{ prefix: "/m/", storage: {} as never, sign: true }] },
      /Unknown option "sign" for media mount 0/,
    ],
    [{ mounts: [{ prefix: "media", storage: {} as never }] }, /must be a path starting and ending/],
  ])("refuses bad options with the key named: %j", (options, message) => {
    expect(() => createMediaHandler(options as never)).toThrow(message);
  });

  it("serves under the path of a CDN media.url", async () => {
    const config = mediaConfig(fixture);
    config.media.url = "https://cdn.example.com/media/";
    const handler = createMediaHandler(mediaOptionsFromConfig(config, fixture.storages));
    expect(await text(await handler.respond(get("/media/photo.png")))).toBe("0123456789");
    const signed = await handler.respond(get(fixture.signedDoc));
    expect(signed?.status).toBe(200);
    expect(await handler.respond(get("/elsewhere/photo.png"))).toBeNull();
  });

  it("caches a variant made at upload time like one made on first request: immutable", async () => {
    // The media handler alone, as an app that makes every variant at upload time mounts it.
    const media = createMediaHandler(
      mediaOptionsFromConfig(mediaConfig(fixture), fixture.storages),
    );
    const variants = createVariantHandler({
      storage: fixture.storages.default,
      variants: VARIANTS,
    });
    const eager = await media.respond(get(`/media/${THUMB}`));
    const lazy = await variants.respond(get(`/media/${LARGE}`));
    expect(eager?.headers["Cache-Control"]).toBe(CACHE_IMMUTABLE);
    expect(lazy?.headers["Cache-Control"]).toBe(CACHE_IMMUTABLE);
    // Once stored, the lazy one is an ordinary stored file to the media handler: still immutable.
    expect((await media.respond(get(`/media/${LARGE}`)))?.headers["Cache-Control"]).toBe(
      CACHE_IMMUTABLE,
    );
    for (const response of [eager, lazy]) await text(response);
  });

  it("caches a file named like a variant of an undeclared spec for a minute only", async () => {
    await fixture.storages.default.save("photos/cat.jpg.thumb-00000000.webp", "stale");
    const media = createMediaHandler(
      mediaOptionsFromConfig(mediaConfig(fixture), fixture.storages),
    );
    const response = await media.respond(get("/media/photos/cat.jpg.thumb-00000000.webp"));
    expect(response?.headers["Cache-Control"]).toBe("public, max-age=60");
    await text(response);
  });

  it("signs a named storage whose URL only mentions public=true inside another parameter", () => {
    const config = mediaConfig(fixture);
    const storages = {
      quoted: "s3://bucket?endpoint=http://127.0.0.1:9000/?public=true",
      open: "s3://bucket?public=true",
    };
    const options = mediaOptionsFromConfig({ ...config, media: { ...config.media, storages } });
    const signed = Object.fromEntries(options.mounts.map((mount) => [mount.prefix, mount.signed]));
    expect(signed).toEqual({ "/media/": undefined, "/media-quoted/": true, "/media-open/": false });
  });

  it("leaves no stray file in the private root after serving", async () => {
    expect((await readdir(fixture.privateRoot)).sort()).toEqual(["doc.txt", "other.txt"]);
  });
});
