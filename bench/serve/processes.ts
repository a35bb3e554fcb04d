/** Start and stop the servers under test, each in its own process. */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { renderNginxServer } from "../../src/deploy/nginx.js";
import { freePort, startNginx } from "../../test/deploy/support/nginx.js";

const here = path.dirname(fileURLToPath(import.meta.url));

export interface Server {
  name: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

function waitForLine(child: ChildProcess, text: string, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stdout?.on("data", (chunk) => {
      out += chunk;
      if (out.includes(text)) resolve();
    });
    child.stderr?.on("data", (chunk) => {
      err += chunk;
    });
    child.once("exit", (code) => reject(new Error(`${name} exited with ${code}: ${err}`)));
  });
}

async function waitForHttp(port: number, name: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      http
        .get({ host: "127.0.0.1", port, path: "/" }, (res) => {
          res.resume();
          resolve(true);
        })
        .once("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${name} did not start on ${port}`);
}

function stopper(child: ChildProcess): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  };
}

/**
 * Bundle server.ts to plain JS, so the servers run without the tsx loader and
 * their RSS is their own. esbuild comes with tsx; without it, fall back to tsx.
 */
async function nodeServerCommand(): Promise<string[]> {
  const outfile = path.join(here, "..", ".work", "serve", "server.mjs");
  try {
    const esbuild = (await import("esbuild")) as typeof import("esbuild");
    await esbuild.build({
      entryPoints: [path.join(here, "server.ts")],
      outfile,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      packages: "external",
      logLevel: "error",
    });
    return [outfile];
  } catch (error) {
    process.stderr.write(
      `esbuild unavailable (${(error as Error).message}): node servers run under tsx and their RSS includes it\n`,
    );
    return ["--import", "tsx", path.join(here, "server.ts")];
  }
}

let serverCommand: string[] | undefined;

export async function startNode(kind: string, root: string): Promise<Server> {
  const port = await freePort();
  serverCommand ??= await nodeServerCommand();
  const child = spawn(process.execPath, [...serverCommand, kind, root, String(port)], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NODE_ENV: "production" },
  });
  await waitForLine(child, "ready", kind);
  return { name: kind, port, pid: child.pid!, stop: stopper(child) };
}

export async function startWhiteNoise(root: string, work: string): Promise<Server> {
  const port = await freePort();
  const app = path.join(work, "wsgi");
  mkdirSync(app, { recursive: true });
  writeFileSync(
    path.join(app, "app.py"),
    [
      "from whitenoise import WhiteNoise",
      "def not_found(environ, start_response):",
      "    start_response('404 Not Found', [('Content-Type', 'text/plain')])",
      "    return [b'not found']",
      `application = WhiteNoise(not_found, root=${JSON.stringify(root)}, prefix='static/', immutable_file_test=r'\\.[0-9a-f]{12}\\.')`,
      "",
    ].join("\n"),
  );
  const child = spawn(
    "/usr/bin/gunicorn",
    [
      "-w",
      "1",
      "-b",
      `127.0.0.1:${port}`,
      "--chdir",
      app,
      "--log-level",
      "warning",
      "app:application",
    ],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  await waitForHttp(port, "whitenoise");
  return { name: "whitenoise (gunicorn, 1 worker)", port, pid: child.pid!, stop: stopper(child) };
}

export async function startNginxServer(root: string): Promise<Server> {
  const port = await freePort();
  const nginx = await startNginx(
    renderNginxServer({ listen: `127.0.0.1:${port}`, staticUrl: "/static/", staticRoot: root }),
    port,
  );
  return { name: "nginx (1 worker)", port, pid: nginx.process.pid!, stop: nginx.stop };
}
