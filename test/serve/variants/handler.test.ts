import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { defineVariants, variantName } from "../../../src/images/index.js";
import type { ServeResponse } from "../../../src/serve/core.js";
import { createVariantHandler } from "../../../src/serve/variants/handler.js";
import { declaredVariant } from "../../../src/serve/variants/names.js";
import { createStorage } from "../../../src/storage/index.js";
import type { Storage } from "../../../src/storage/types.js";
import { photoJpeg } from "../../images/fixtures.js";

const variants = defineVariants({
  thumb: { cover: [64, 64], format: "webp" },
  large: { fit: [200, 200] },
});
const THUMB = variantName("photos/cat.jpg", "thumb", variants.thumb);

/** A memory storage that counts saves and reads, to prove what was rendered. */
async function setup(): Promise<{ storage: Storage; saves: string[]; reads: string[] }> {
  const inner = createStorage("memory://");
  await inner.save("photos/cat.jpg", await photoJpeg(400, 300));
  await inner.save(".hidden.jpg", await photoJpeg(40, 30));
  const saves: string[] = [];
  const reads: string[] = [];
  const storage: Storage = Object.create(inner);
  storage.save = (name, content, options) => {
    saves.push(name);
    return inner.save(name, content, options);
  };
  storage.read = (name) => {
    reads.push(name);
    return inner.read(name);
  };
  return { storage, saves, reads };
}

async function bodyOf(response: ServeResponse | null): Promise<Buffer> {
  const body = response?.body ?? null;
  if (body === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(body)) return body;
  const chunks: Buffer[] = [];
  for await (const chunk of body.stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const get = (target: string, method = "GET") => ({ method, target });

describe("declaredVariant", () => {
  it.each([
    [THUMB, true],
    ["photos/cat.jpg.thumb-00000000.webp", false],
    ["photos/cat.jpg.huge-12345678.webp", false],
    ["photos/cat.jpg", false],
    [`${THUMB}${THUMB.slice("photos/cat.jpg".length)}`, false],
  ])("%s -> declared: %s", (name, expected) => {
    expect(declaredVariant(name, variants) !== null).toBe(expected);
  });

  it("knows a declared name with another extension is not the one it renders", () => {
    expect(declaredVariant(THUMB.replace(/webp$/, "png"), variants)).toMatchObject({
      exact: false,
    });
  });
});

describe("createVariantHandler", () => {
  it("renders a declared variant on first request, stores it, then serves the stored copy", async () => {
    const { storage, saves } = await setup();
    const handler = createVariantHandler({ storage, variants });
    const first = await handler.respond(get(`/media/${THUMB}`));
    expect(first).toMatchObject({ status: 200 });
    expect(first!.headers).toMatchObject({
      "Content-Type": "image/webp",
      "Cache-Control": "public, max-age=315360000, immutable",
      "X-Content-Type-Options": "nosniff",
    });
    const bytes = await bodyOf(first);
    expect(await sharp(bytes).metadata()).toMatchObject({ format: "webp", width: 64, height: 64 });
    expect(saves).toEqual([THUMB]);
    const second = await handler.respond(get(`/media/${THUMB}`));
    expect((await bodyOf(second)).equals(bytes)).toBe(true);
    expect(second!.headers["Content-Length"]).toBe(String(bytes.byteLength));
    // The first answer already carried the stored copy's validator.
    expect(second!.headers.ETag).toBe(first!.headers.ETag);
    expect(saves).toHaveLength(1);
  });

  it("renders once for many concurrent first requests", async () => {
    const { storage, saves } = await setup();
    const handler = createVariantHandler({ storage, variants });
    const responses = await Promise.all(
      Array.from({ length: 6 }, () => handler.respond(get(`/media/${THUMB}`))),
    );
    const bodies = await Promise.all(responses.map((response) => bodyOf(response)));
    expect(responses.every((response) => response!.status === 200)).toBe(true);
    expect(bodies.every((body) => body.equals(bodies[0]!))).toBe(true);
    expect(saves).toEqual([THUMB]);
  });

  it("ignores query parameters: no request can choose a size", async () => {
    const { storage } = await setup();
    const handler = createVariantHandler({ storage, variants });
    const response = await handler.respond(get(`/media/${THUMB}?width=5000&height=5000`));
    expect((await sharp(await bodyOf(response)).metadata()).width).toBe(64);
  });

  it("answers ranges and HEAD of a variant just rendered", async () => {
    const { storage } = await setup();
    const handler = createVariantHandler({ storage, variants });
    const range = await handler.respond({ ...get(`/media/${THUMB}`), range: "bytes=0-3" });
    expect(range?.status).toBe(206);
    expect((await bodyOf(range)).toString("latin1")).toBe("RIFF");
    const head = await handler.respond(get(`/media/${THUMB}`, "HEAD"));
    expect(head?.body).toBeNull();
  });

  it.each([
    ["an undeclared variant", "/media/photos/cat.jpg.huge-12345678.webp"],
    ["a stale spec hash", "/media/photos/cat.jpg.thumb-00000000.webp"],
    ["the wrong extension", `/media/${THUMB.replace(/webp$/, "png")}`],
    ["the original itself", "/media/photos/cat.jpg"],
    ["another prefix", `/static/${THUMB}`],
    ["a variant of a variant", `/media/${THUMB}${THUMB.slice("photos/cat.jpg".length)}`],
  ])("passes on %s without rendering", async (_, target) => {
    const { storage, saves, reads } = await setup();
    const handler = createVariantHandler({ storage, variants });
    expect(await handler.respond(get(target))).toBeNull();
    expect(saves).toEqual([]);
    expect(reads).toEqual([]);
  });

  it.each([
    ["an encoded slash", `/media/photos%2Fcat.jpg${THUMB.slice("photos/cat.jpg".length)}`],
    ["a dotfile", `/media/.hidden.jpg${THUMB.slice("photos/cat.jpg".length)}`],
    ["a control character", `/media/photos/c%01at.jpg${THUMB.slice("photos/cat.jpg".length)}`],
    ["a traversal", `/media/photos/../cat.jpg${THUMB.slice("photos/cat.jpg".length)}`],
    ["a backslash", `/media/photos%5Ccat.jpg${THUMB.slice("photos/cat.jpg".length)}`],
  ])("answers 404 to %s, like static files, rendering nothing", async (_, target) => {
    const { storage, saves, reads } = await setup();
    const handler = createVariantHandler({ storage, variants });
    expect(await handler.respond(get(target))).toMatchObject({ status: 404 });
    expect(saves).toEqual([]);
    expect(reads).toEqual([]);
  });

  it("answers 404 for a variant of a missing original, saving nothing", async () => {
    const { storage, saves } = await setup();
    const handler = createVariantHandler({ storage, variants });
    const target = `/media/${variantName("photos/dog.jpg", "thumb", variants.thumb)}`;
    expect(await handler.respond(get(target))).toMatchObject({ status: 404 });
    expect(saves).toEqual([]);
  });

  it("answers 422 with the reason when the original is not a usable image, saving nothing", async () => {
    const { storage, saves } = await setup();
    await storage.save("notes.jpg", "plain text");
    saves.length = 0;
    const handler = createVariantHandler({ storage, variants });
    const response = await handler.respond(
      get(`/media/${variantName("notes.jpg", "large", variants.large)}`),
    );
    expect(response?.status).toBe(422);
    expect((await bodyOf(response)).toString()).toContain("not an image");
    expect(saves).toEqual([]);
  });

  it("answers 405 with Allow for other methods", async () => {
    const { storage } = await setup();
    const response = await createVariantHandler({ storage, variants }).respond(
      get(`/media/${THUMB}`, "DELETE"),
    );
    expect(response).toMatchObject({ status: 405, headers: { Allow: "GET, HEAD" } });
  });

  it("serves under the path of a CDN media.url", async () => {
    const { storage } = await setup();
    const handler = createVariantHandler({
      storage,
      variants,
      prefix: "https://cdn.example.com/media/",
    });
    expect((await handler.respond(get(`/media/${THUMB}`)))?.status).toBe(200);
  });

  it("refuses an option it does not read, naming it", async () => {
    const { storage } = await setup();
    expect(() => createVariantHandler({ storage, variants, cacheControl: "x" } as never)).toThrow(
      /Unknown option "cacheControl" for createVariantHandler/,
    );
  });
});
