import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { StowageError } from "../../errors.js";
import {
  closeGracefully,
  combineHandlers,
  createMediaHandler,
  createStandaloneServer,
  createStaticFiles,
  createVariantHandler,
  formatLogLine,
  mediaOptionsFromConfig,
  type ServeHandler,
  staticOptionsFromConfig,
  variantOptionsFromConfig,
} from "../../serve/index.js";
import { mountPath } from "../../serve/path.js";
import { createStoragesFromConfig } from "../../storage/create.js";
import { type Command, UsageError } from "../command.js";

export class ListenError extends StowageError {
  constructor(address: string, options: { cause: unknown }) {
    const code = (options.cause as NodeJS.ErrnoException).code;
    const reason =
      code === "EADDRINUSE"
        ? "the port is already in use; pick another with --port"
        : code === "EACCES"
          ? "permission denied; ports below 1024 need privileges, pick another with --port"
          : (code ?? "unknown error");
    super("E_LISTEN", `Cannot listen on ${address}: ${reason}.`, options);
  }
}

function parsePort(value: unknown): number {
  if (value === undefined) return 8000;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535 || String(value).trim() === "") {
    throw new UsageError(
      `--port must be a whole number from 0 to 65535, not ${JSON.stringify(value)}.`,
    );
  }
  return port;
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(new ListenError(`${host}:${port}`, { cause: error }));
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

export const serveCommand: Command = {
  name: "serve",
  usage: `Usage: stowage serve [options]

A production-style server for the collected static.root: files are scanned
into memory at start-up, hashed names are cached for ten years, others for
60 s. With --dev it serves straight from static.dirs and static.apps instead,
picking up changes, with Cache-Control: no-cache (no collect needed).
Media is served too: the default storage at media.url (with the declared
image variants, made on first request), named storages at their own
prefix, signed-only unless public (--no-media to leave it out). A CDN URL
in static.url or media.url is served under its path.
Stops gracefully on SIGINT/SIGTERM. Logs one line per request on a terminal.

Options:
  --host HOST      Address to listen on (default 127.0.0.1)
  --port PORT      Port to listen on; 0 picks a free one (default 8000)
  --dev            Serve from the source folders, no collect needed
  --no-media       Serve static files only
  --config PATH    Use this config file`,
  options: {
    host: { type: "string" },
    port: { type: "string" },
    dev: { type: "boolean" },
    media: { type: "boolean" },
  },
  async run(ctx) {
    const port = parsePort(ctx.values.port);
    const host = (ctx.values.host as string | undefined) ?? "127.0.0.1";
    const config = await ctx.config();
    const dev = ctx.values.dev === true;
    const files = createStaticFiles(staticOptionsFromConfig(config, { dev }));
    const handlers: ServeHandler[] = [files];
    const media = ctx.values.media !== false;
    if (media) {
      const storages = createStoragesFromConfig(config);
      if (Object.keys(config.images.variants).length > 0) {
        handlers.push(createVariantHandler(variantOptionsFromConfig(config, storages.default)));
      }
      handlers.push(createMediaHandler(mediaOptionsFromConfig(config, storages)));
    }
    const server = createStandaloneServer(combineHandlers(...handlers), {
      onResponse: ctx.isTTY
        ? (req, res, ms) => ctx.stderr.write(`${formatLogLine(req, res, ms)}\n`)
        : undefined,
      onError: (error, req) =>
        ctx.stderr.write(
          `${req.method} ${req.url} failed: ${error instanceof Error ? error.message : String(error)}\n`,
        ),
    });
    const address = await listen(server, port, host);
    const shown = address.family === "IPv6" ? `[${address.address}]` : address.address;
    const what = dev
      ? "the static source folders (dev mode)"
      : `${config.static.root} (${files.count} files)`;
    const origin = `http://${shown}:${address.port}`;
    ctx.stdout.write(`Serving ${what} at ${origin}${files.prefix}\n`);
    if (media) {
      ctx.stdout.write(`Serving media at ${origin}${mountPath(config.media.url, "media.url")}\n`);
    }
    if (!ctx.signal.aborted) {
      await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve, { once: true }));
    }
    await closeGracefully(server);
    ctx.stdout.write("Stopped.\n");
    return 0;
  },
};
