/** Every adapter mounted in its framework on 127.0.0.1:0, each with a plain 404 for what it does not serve. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import express from "express";
import Fastify from "fastify";
import Fastify4 from "fastify4";
import { Hono } from "hono";
import { fastifyPlugin } from "../../../src/serve/adapters/fastify.js";
import { type FetchHandlerOptions, fetchHandler } from "../../../src/serve/adapters/fetch.js";
import { nodeHandler } from "../../../src/serve/adapters/node.js";
import type { ServeHandler } from "../../../src/serve/core.js";
import { createStandaloneServer } from "../../../src/serve/server.js";

export interface Running {
  name: string;
  port: number;
  /** The node:http server underneath, whatever the framework. */
  server: Server;
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

type Starter = (handler: ServeHandler, fetchOptions?: FetchHandlerOptions) => Promise<Running>;

/** Adapters with an app behind them: what the handler does not serve reaches the app's `/app` route. */
export const WITH_APP = new Set(["express", "fastify", "fastify 4", "hono"]);

/** The Fastify app of one major version with the plugin registered, listening on 127.0.0.1:0. */
async function onFastify(
  name: string,
  app: ReturnType<typeof Fastify> | ReturnType<typeof Fastify4>,
): Promise<Running> {
  await app.listen({ port: 0, host: "127.0.0.1" });
  return {
    name,
    port: (app.server.address() as AddressInfo).port,
    server: app.server,
    close: async () => {
      app.server.closeAllConnections();
      await app.close();
    },
  };
}

/** The standalone server and bare `node:http` have no app route behind them. */
export const adapters: Record<string, Starter> = {
  async standalone(handler) {
    const server = createStandaloneServer(handler);
    return { name: "standalone", port: await listen(server), server, close: closer(server) };
  },
  async "node:http"(handler) {
    const server = createServer(nodeHandler(handler));
    return { name: "node:http", port: await listen(server), server, close: closer(server) };
  },
  async express(handler) {
    const app = express();
    app.use(nodeHandler(handler));
    app.get("/app", (_req, res) => {
      res.send("app route");
    });
    app.use((_req, res) => {
      res.status(404).type("text/plain").send("express 404");
    });
    const server = createServer(app);
    return { name: "express", port: await listen(server), server, close: closer(server) };
  },
  async fastify(handler) {
    const app = Fastify();
    await app.register(fastifyPlugin(handler));
    app.get("/app", async () => "app route");
    return onFastify("fastify", app);
  },
  // The same plugin on the previous major version, whose types it must fit too.
  async "fastify 4"(handler) {
    const app = Fastify4();
    await app.register(fastifyPlugin(handler));
    app.get("/app", async () => "app route");
    return onFastify("fastify 4", app);
  },
  async hono(handler, fetchOptions) {
    const handle = fetchHandler(handler, fetchOptions);
    const app = new Hono();
    app.use("*", async (c, next) => (await handle(c.req.raw)) ?? next());
    app.get("/app", (c) => c.text("app route"));
    app.notFound((c) => c.text("hono 404", 404));
    const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }) as Server;
    await new Promise<void>((resolve) =>
      server.listening ? resolve() : server.once("listening", () => resolve()),
    );
    return {
      name: "hono",
      port: (server.address() as AddressInfo).port,
      server,
      close: closer(server),
    };
  },
};
