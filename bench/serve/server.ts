/**
 * One server under test, in its own process so its RSS and CPU are its own:
 *   node bench/.work/serve/server.mjs KIND ROOT PORT   (bundled by run.ts)
 * Prints "ready" once listening. Every server mounts the root at /static/.
 * Frameworks are imported only by the server that uses them, so each one's
 * RSS is its own.
 */
import { createServer, type RequestListener } from "node:http";
import { fastifyPlugin, fetchHandler, nodeHandler, StaticFiles } from "../../src/serve/index.js";

const [kind, root, portText] = process.argv.slice(2);
const port = Number(portText);
if (!kind || !root || !Number.isInteger(port)) {
  process.stderr.write("usage: server.ts KIND ROOT PORT\n");
  process.exit(2);
}

function listenNode(handler: RequestListener): void {
  createServer(handler).listen(port, "127.0.0.1", () => process.stdout.write("ready\n"));
}

const notFound: RequestListener = (_req, res) => {
  res.statusCode = 404;
  res.end();
};

const files = () => new StaticFiles({ root: root!, prefix: "/static/" });

async function startExpress(): Promise<void> {
  const { default: express } = await import("express");
  const app = express();
  if (kind === "express-constant") {
    app.get("/{*any}", (_req, res) => {
      res.send("ok");
    });
  } else if (kind === "stowage-express") {
    app.use(nodeHandler(files()));
  } else if (kind === "serve-static") {
    const { default: serveStatic } = await import("serve-static");
    app.use("/static", serveStatic(root!));
  } else {
    const { default: expressStaticGzip } = await import("express-static-gzip");
    app.use(
      "/static",
      expressStaticGzip(root!, { enableBrotli: true, orderPreference: ["br", "gzip"] }),
    );
  }
  listenNode(app);
}

async function startFastify(): Promise<void> {
  const { default: Fastify } = await import("fastify");
  const app = Fastify();
  if (kind === "fastify-constant") {
    app.get("/*", async () => "ok");
  } else if (kind === "stowage-fastify") {
    await app.register(fastifyPlugin(files()));
  } else {
    const { default: fastifyStatic } = await import("@fastify/static");
    await app.register(fastifyStatic, { root: root!, prefix: "/static/", preCompressed: true });
  }
  await app.listen({ port, host: "127.0.0.1" });
  process.stdout.write("ready\n");
}

async function startHono(): Promise<void> {
  const { serve } = await import("@hono/node-server");
  const { Hono } = await import("hono");
  const app = new Hono();
  if (kind === "hono-constant") {
    const body = new Uint8Array(Buffer.from("ok"));
    app.get("*", (c) => c.body(body));
  } else {
    const handle = fetchHandler(files());
    app.use("*", async (c, next) => (await handle(c.req.raw)) ?? next());
  }
  serve({ fetch: app.fetch, port, hostname: "127.0.0.1" }, () => process.stdout.write("ready\n"));
}

async function startSirv(): Promise<void> {
  const { default: sirv } = await import("sirv");
  const handler = sirv(root!, { brotli: true, gzip: true, etag: true });
  listenNode((req, res) => {
    // sirv serves from the URL root; strip the /static prefix as polka would.
    if (!req.url?.startsWith("/static/")) return notFound(req, res);
    req.url = req.url.slice("/static".length);
    handler(req, res, () => notFound(req, res));
  });
}

switch (kind) {
  case "constant": {
    const body = Buffer.from("ok");
    listenNode((_req, res) => res.end(body));
    break;
  }
  case "stowage-node":
    listenNode(nodeHandler(files()) as RequestListener);
    break;
  case "stowage-express":
  case "express-constant":
  case "serve-static":
  case "express-static-gzip":
    await startExpress();
    break;
  case "stowage-fastify":
  case "fastify-constant":
  case "@fastify/static":
    await startFastify();
    break;
  case "stowage-hono":
  case "hono-constant":
    await startHono();
    break;
  case "sirv":
    await startSirv();
    break;
  default:
    process.stderr.write(`unknown server kind ${kind}\n`);
    process.exit(2);
}
