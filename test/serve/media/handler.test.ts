import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import express from "express";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createMediaHandler,
  fastifyMedia,
  fetchMediaHandler,
  mediaMountsFromConfig,
  nodeMediaMiddleware,
} from "../../../src/serve/media/index.js";
import { createStoragesFromConfig } from "../../../src/storage/index.js";

const SECRET = "media-test-secret";
let parent: string;
let storages: ReturnType<typeof createStoragesFromConfig>;
let servers: { name: string; base: string; close: () => Promise<void> }[] = [];

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  parent = await mkdtemp(path.join(tmpdir(), "stowage-media-"));
  await writeFile(path.join(parent, "outside.txt"), "outside the root");
  const config = {
    secret: SECRET,
    media: {
      url: "/media/",
      storage: { driver: "fs", root: path.join(parent, "public") },
      storages: { private: { driver: "fs", root: path.join(parent, "private") } },
    },
  };
  storages = createStoragesFromConfig(config);
  await storages.default.save("photo.png", Buffer.from("0123456789"));
  await storages.default.save("page.html", "<script>alert(1)</script>");
  await storages.default.save("logo.svg", "<svg onload=alert(1)></svg>");
  await storages.default.save(".hidden", "dot");
  await storages.private.save("doc.txt", "private words");
  await storages.private.save("other.txt", "other words");
  const handler = createMediaHandler({
    mounts: mediaMountsFromConfig(config, storages),
    secret: SECRET,
  });

  const nodeServer = createServer(nodeMediaMiddleware(handler));
  const app = express();
  app.use(nodeMediaMiddleware(handler));
  app.use((_req, res) => res.status(404).send("express fallthrough"));
  const expressServer = createServer(app);
  const fastify = Fastify();
  await fastify.register(fastifyMedia, { handler, prefixes: ["/media/", "/media-private/"] });
  await fastify.listen({ port: 0, host: "127.0.0.1" });
  const fetchHandler = fetchMediaHandler(handler);
  const fetchServer = createServer(async (req, res) => {
    const request = new Request(`http://localhost${req.url}`, {
      method: req.method,
      headers: req.headers as Record<string, string>,
    });
    const response =
      (await fetchHandler(request)) ?? new Response("fetch fallthrough", { status: 404 });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  const closeServer = (server: Server) => () =>
    new Promise<void>((resolve) => server.close(() => resolve()));
  servers = [
    { name: "node", base: await listen(nodeServer), close: closeServer(nodeServer) },
    { name: "express", base: await listen(expressServer), close: closeServer(expressServer) },
    {
      name: "fastify",
      base: `http://127.0.0.1:${(fastify.server.address() as AddressInfo).port}`,
      close: () => fastify.close(),
    },
    { name: "fetch", base: await listen(fetchServer), close: closeServer(fetchServer) },
  ];
});

afterAll(async () => {
  for (const server of servers) await server.close();
  await rm(parent, { recursive: true, force: true });
});

const adapters = ["node", "express", "fastify", "fetch"];
const base = (name: string) => servers.find((server) => server.name === name)!.base;

describe.each(adapters)("media handler through the %s adapter", (adapter) => {
  it("serves public media with type, length, validators and nosniff", async () => {
    const response = await fetch(`${base(adapter)}/media/photo.png`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("0123456789");
    expect(response.headers.get("content-type")).toBe("image/png");
    expect(response.headers.get("content-length")).toBe("10");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("etag")).toBeTruthy();
    expect(response.headers.get("last-modified")).toBeTruthy();
    expect(response.headers.get("content-disposition")).toBeNull();
  });

  it("sends HTML and SVG as attachments", async () => {
    for (const name of ["page.html", "logo.svg"]) {
      const response = await fetch(`${base(adapter)}/media/${name}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-disposition")).toBe("attachment");
      expect(response.headers.get("content-security-policy")).toContain("sandbox");
    }
  });

  it("answers ranges with 206 and unsatisfiable ones with 416", async () => {
    const partial = await fetch(`${base(adapter)}/media/photo.png`, {
      headers: { Range: "bytes=2-4" },
    });
    expect(partial.status).toBe(206);
    expect(await partial.text()).toBe("234");
    expect(partial.headers.get("content-range")).toBe("bytes 2-4/10");
    const suffix = await fetch(`${base(adapter)}/media/photo.png`, {
      headers: { Range: "bytes=-3" },
    });
    expect(await suffix.text()).toBe("789");
    const bad = await fetch(`${base(adapter)}/media/photo.png`, {
      headers: { Range: "bytes=10-" },
    });
    expect(bad.status).toBe(416);
    expect(bad.headers.get("content-range")).toBe("bytes */10");
  });

  it("answers 304 to a matching If-None-Match, and HEAD without a body", async () => {
    const first = await fetch(`${base(adapter)}/media/photo.png`);
    await first.arrayBuffer();
    const again = await fetch(`${base(adapter)}/media/photo.png`, {
      headers: { "If-None-Match": first.headers.get("etag")! },
    });
    expect(again.status).toBe(304);
    const head = await fetch(`${base(adapter)}/media/photo.png`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe("10");
    expect(await head.text()).toBe("");
  });

  it("refuses other methods with 405", async () => {
    const response = await fetch(`${base(adapter)}/media/photo.png`, { method: "DELETE" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD");
  });

  it("answers 404 to traversal, encoded separators, NUL and dotfiles, never a byte from outside", async () => {
    for (const attempt of [
      "/media/%2e%2e/outside.txt",
      "/media/..%2foutside.txt",
      "/media/%2e%2e%2foutside.txt",
      "/media/..%5coutside.txt",
      "/media/photo.png%00",
      "/media/.hidden",
      "/media-private/%2e%2e/outside.txt",
    ]) {
      const response = await fetch(`${base(adapter)}${attempt}`);
      const text = await response.text();
      expect([403, 404], attempt).toContain(response.status);
      expect(text).not.toContain("outside the root");
    }
  });

  it("passes a missing file on to the next handler", async () => {
    const response = await fetch(`${base(adapter)}/media/missing.png`);
    expect(response.status).toBe(404);
  });

  it("serves private media with a valid signature and its disposition", async () => {
    const url = await storages.private.signedUrl("doc.txt", {
      expiresIn: 60,
      disposition: "attachment",
    });
    const response = await fetch(`${base(adapter)}${url}`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("private words");
    expect(response.headers.get("content-disposition")).toBe("attachment");
    expect(response.headers.get("cache-control")).toBe("private, no-store");
  });

  it("answers 403 to unsigned, tampered and expired private links", async () => {
    const url = new URL(await storages.private.signedUrl("doc.txt", { expiresIn: 60 }), "http://x");
    const variants: [string, (u: URL) => void][] = [
      ["no query", (u) => (u.search = "")],
      ["other name", (u) => (u.pathname = "/media-private/other.txt")],
      [
        "later expiry",
        (u) => u.searchParams.set("expires", String(Number(u.searchParams.get("expires")) + 1)),
      ],
      ["other disposition", (u) => u.searchParams.set("disposition", "attachment")],
      [
        "changed signature",
        (u) => u.searchParams.set("signature", `A${u.searchParams.get("signature")!.slice(1)}`),
      ],
    ];
    for (const [label, change] of variants) {
      const tampered = new URL(url);
      change(tampered);
      const response = await fetch(`${base(adapter)}${tampered.pathname}${tampered.search}`);
      expect(response.status, label).toBe(403);
      expect(await response.text()).not.toContain("words");
    }
  });
});

describe("media handler expiry", () => {
  it("answers 403 once a signed link has expired", async () => {
    const handler = createMediaHandler({
      mounts: [{ prefix: "/media-private/", storage: storages.private, signed: true }],
      secret: SECRET,
      now: () => Date.now() + 61_000,
    });
    const url = await storages.private.signedUrl("doc.txt", { expiresIn: 60 });
    const response = await handler({ method: "GET", url, header: () => undefined });
    expect(response?.status).toBe(403);
    expect(response?.body).toMatch(/expired/);
  });

  it("refuses a signed mount without a secret", () => {
    expect(() =>
      createMediaHandler({ mounts: [{ prefix: "/p/", storage: storages.private, signed: true }] }),
    ).toThrow(expect.objectContaining({ code: "E_CONFIG" }));
  });

  it("leaves no stray file in the storage roots after serving", async () => {
    expect((await readdir(path.join(parent, "private"))).sort()).toEqual(["doc.txt", "other.txt"]);
  });
});
