import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import Fastify from "fastify";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { defineVariants, variantName } from "../../../src/images/index.js";
import {
  createVariantHandler,
  nameFromTarget,
  variantFastify,
  variantFetchHandler,
  variantNodeHandler,
} from "../../../src/serve/variants/index.js";
import { createStorage } from "../../../src/storage/index.js";
import type { Storage } from "../../../src/storage/types.js";
import { photoJpeg } from "../../images/fixtures.js";

const variants = defineVariants({
  thumb: { cover: [64, 64], format: "webp" },
  large: { fit: [200, 200] },
});
const THUMB = variantName("photos/cat.jpg", "thumb", variants.thumb);

/** A memory storage that counts saves, to prove concurrent first requests render once. */
async function setup(): Promise<{ storage: Storage; saves: string[] }> {
  const inner = createStorage("memory://");
  await inner.save("photos/cat.jpg", await photoJpeg(400, 300));
  const saves: string[] = [];
  const storage: Storage = Object.create(inner);
  storage.save = (name, content, options) => {
    saves.push(name);
    return inner.save(name, content, options);
  };
  return { storage, saves };
}

async function bodyOf(body: unknown): Promise<Buffer> {
  if (Buffer.isBuffer(body)) return body;
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe("nameFromTarget", () => {
  it.each([
    ["/media/photos/a.jpg", "photos/a.jpg"],
    ["/media/photos/a%20b.jpg?x=1", "photos/a b.jpg"],
    ["/static/a.jpg", null],
    ["/media/", null],
    ["/media/../etc/passwd", null],
    ["/media/photos/%2e%2e/x.jpg", null],
    ["/media/a//b.jpg", null],
    ["/media/a%5Cb.jpg", null],
    ["/media/a%00.jpg", null],
    ["/media/%E0%A4%A", null],
  ])("%s -> %s", (target, expected) => {
    expect(nameFromTarget(target, "/media/")).toBe(expected);
  });
});

describe("createVariantHandler", () => {
  it("renders a declared variant on first request, caches it in storage, then serves the stored copy", async () => {
    const { storage, saves } = await setup();
    const handle = createVariantHandler({ storage, variants });
    const first = await handle({ method: "GET", target: `/media/${THUMB}` });
    expect(first).toMatchObject({ status: 200 });
    expect(first!.headers).toMatchObject({
      "content-type": "image/webp",
      "cache-control": "public, max-age=31536000, immutable",
    });
    const bytes = await bodyOf(first!.body);
    expect(await sharp(bytes).metadata()).toMatchObject({ format: "webp", width: 64, height: 64 });
    expect(saves).toEqual([THUMB]);
    const second = await handle({ method: "GET", target: `/media/${THUMB}` });
    expect((await bodyOf(second!.body)).equals(bytes)).toBe(true);
    expect(second!.headers["content-length"]).toBe(String(bytes.byteLength));
    expect(saves).toHaveLength(1);
  });

  it("renders once for many concurrent first requests", async () => {
    const { storage, saves } = await setup();
    const handle = createVariantHandler({ storage, variants });
    const responses = await Promise.all(
      Array.from({ length: 6 }, () => handle({ method: "GET", target: `/media/${THUMB}` })),
    );
    const bodies = await Promise.all(responses.map((response) => bodyOf(response!.body)));
    expect(responses.every((response) => response!.status === 200)).toBe(true);
    expect(bodies.every((body) => body.equals(bodies[0]))).toBe(true);
    expect(saves).toEqual([THUMB]);
  });

  it("ignores query parameters: no request can choose a size", async () => {
    const { storage } = await setup();
    const handle = createVariantHandler({ storage, variants });
    const response = await handle({
      method: "GET",
      target: `/media/${THUMB}?width=5000&height=5000`,
    });
    expect((await sharp(await bodyOf(response!.body)).metadata()).width).toBe(64);
  });

  it.each([
    ["an undeclared variant", "/media/photos/cat.jpg.huge-12345678.webp"],
    ["a stale spec hash", "/media/photos/cat.jpg.thumb-00000000.webp"],
    ["the wrong extension", `/media/${THUMB.replace(/webp$/, "png")}`],
    ["the original itself", "/media/photos/cat.jpg"],
    ["another prefix", `/static/${THUMB}`],
  ])("passes on %s without touching storage", async (_, target) => {
    const { storage, saves } = await setup();
    const handle = createVariantHandler({ storage, variants });
    expect(await handle({ method: "GET", target })).toBeNull();
    expect(saves).toEqual([]);
  });

  it("answers 404 for a variant of a missing original, saving nothing", async () => {
    const { storage, saves } = await setup();
    const handle = createVariantHandler({ storage, variants });
    const target = `/media/${variantName("photos/dog.jpg", "thumb", variants.thumb)}`;
    expect(await handle({ method: "GET", target })).toMatchObject({ status: 404 });
    expect(saves).toEqual([]);
  });

  it("answers 422 with the reason when the original is not a usable image, saving nothing", async () => {
    const { storage, saves } = await setup();
    await storage.save("notes.jpg", "plain text");
    saves.length = 0;
    const handle = createVariantHandler({ storage, variants });
    const response = await handle({
      method: "GET",
      target: `/media/${variantName("notes.jpg", "large", variants.large)}`,
    });
    expect(response?.status).toBe(422);
    expect(response?.body).toContain("not an image");
    expect(saves).toEqual([]);
  });

  it("answers 405 with Allow for other methods", async () => {
    const { storage } = await setup();
    const response = await createVariantHandler({ storage, variants })({
      method: "DELETE",
      target: `/media/${THUMB}`,
    });
    expect(response).toMatchObject({ status: 405, headers: { allow: "GET, HEAD" } });
  });
});

describe("adapters", () => {
  it("node: serves variants and hands everything else to next()", async () => {
    const { storage } = await setup();
    const middleware = variantNodeHandler({ storage, variants });
    const server = createServer((req, res) =>
      middleware(req, res, () => {
        res.writeHead(418).end("next");
      }),
    );
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const hit = await fetch(`${base}/media/${THUMB}`);
      expect(hit.status).toBe(200);
      expect(hit.headers.get("content-type")).toBe("image/webp");
      expect((await sharp(Buffer.from(await hit.arrayBuffer())).metadata()).width).toBe(64);
      const cached = await fetch(`${base}/media/${THUMB}`);
      expect(cached.status).toBe(200);
      expect((await cached.arrayBuffer()).byteLength).toBeGreaterThan(0);
      expect((await fetch(`${base}/media/photos/cat.jpg`)).status).toBe(418);
    } finally {
      server.close();
    }
  });

  it("fetch: a Response for variants, null otherwise", async () => {
    const { storage } = await setup();
    const handle = variantFetchHandler({ storage, variants });
    const response = await handle(new Request(`http://x/media/${THUMB}`));
    expect(response?.status).toBe(200);
    expect((await sharp(Buffer.from(await response!.arrayBuffer())).metadata()).format).toBe(
      "webp",
    );
    expect(await handle(new Request("http://x/media/photos/cat.jpg"))).toBeNull();
  });

  it("fastify: answers variants before routing, leaves other routes alone", async () => {
    const { storage } = await setup();
    const app = Fastify();
    await app.register(variantFastify, { storage, variants });
    app.get("/media/*", async () => "route");
    try {
      const hit = await app.inject({ method: "GET", url: `/media/${THUMB}` });
      expect(hit.statusCode).toBe(200);
      expect(hit.headers["content-type"]).toBe("image/webp");
      expect((await sharp(hit.rawPayload).metadata()).width).toBe(64);
      const again = await app.inject({ method: "GET", url: `/media/${THUMB}` });
      expect(again.rawPayload.equals(hit.rawPayload)).toBe(true);
      expect((await app.inject({ method: "GET", url: "/media/photos/cat.jpg" })).body).toBe(
        "route",
      );
    } finally {
      await app.close();
    }
  });
});
