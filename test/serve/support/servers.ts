/** Every adapter mounted in its framework on 127.0.0.1:0, each with a plain 404 for what it does not serve. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import { stowageFastify } from "../../../src/serve/adapters/fastify.js";
import { fetchHandler } from "../../../src/serve/adapters/fetch.js";
import { nodeHandler } from "../../../src/serve/adapters/node.js";
import type { StaticFiles } from "../../../src/serve/files.js";
import { createStaticServer } from "../../../src/serve/server.js";

export interface Running {
  name: string;
  port: number;
  close(): Promise<void>;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)),
  );
}

function closer(server: Server): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
}

type Starter = (files: StaticFiles) => Promise<Running>;

/** `node:http` is mounted bare (no `next`), so it has no app route behind it. */
export const adapters: Record<string, Starter> = {
  async standalone(files) {
    const server = createStaticServer(files, {
      fallback: (req, res, next) => (req.url === "/app" ? res.end("app route") : next?.()),
    });
    return { name: "standalone", port: await listen(server), close: closer(server) };
  },
  async "node:http"(files) {
    const server = createServer(nodeHandler(files));
    return { name: "node:http", port: await listen(server), close: closer(server) };
  },
  async express(files) {
    const app = express();
    app.use(nodeHandler(files));
    app.get("/app", (_req, res) => {
      res.send("app route");
    });
    app.use((_req, res) => {
      res.status(404).type("text/plain").send("express 404");
    });
    const server = createServer(app);
    return { name: "express", port: await listen(server), close: closer(server) };
  },
  async fastify(files) {
    const app = Fastify();
    await app.register(stowageFastify, { files });
    app.get("/app", async () => "app route");
    await app.listen({ port: 0, host: "127.0.0.1" });
    return {
      name: "fastify",
      port: (app.server.address() as AddressInfo).port,
      close: async () => {
        app.server.closeAllConnections();
        await app.close();
      },
    };
  },
  async hono(files) {
    const handle = fetchHandler(files);
    const app = new Hono();
    app.use("*", async (c, next) => (await handle(c.req.raw)) ?? next());
    app.get("/app", (c) => c.text("app route"));
    app.notFound((c) => c.text("hono 404", 404));
    const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }) as Server;
    await new Promise<void>((resolve) =>
      server.listening ? resolve() : server.once("listening", () => resolve()),
    );
    return { name: "hono", port: (server.address() as AddressInfo).port, close: closer(server) };
  },
};
