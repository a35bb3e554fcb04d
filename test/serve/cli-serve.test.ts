import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { defineVariants, makeVariants, variantName } from "../../src/images/index.js";
import { createStorage } from "../../src/storage/index.js";
import { captureOutput, makeProject } from "../helpers/project.js";
import { connectSocket, request } from "../helpers/raw-http.js";
import { photoJpeg } from "../images/fixtures.js";

let project: Awaited<ReturnType<typeof makeProject>> | undefined;
afterEach(async () => {
  await project?.remove();
  project = undefined;
});

async function waitFor(read: () => string, pattern: RegExp): Promise<RegExpMatchArray> {
  for (let i = 0; i < 200; i++) {
    const match = read().match(pattern);
    if (match) return match;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`never printed ${pattern}: ${JSON.stringify(read())}`);
}

function start(args: string[], cwd: string, isTTY: boolean) {
  const stdout = captureOutput();
  const stderr = captureOutput();
  const controller = new AbortController();
  const exit = main(["serve", "--port", "0", ...args], {
    cwd,
    env: {},
    stdout,
    stderr,
    isTTY,
    signal: controller.signal,
  });
  return { stdout, stderr, controller, exit };
}

const CONFIG = JSON.stringify({ static: { dirs: ["assets"], root: "public" } });

describe("stowage serve", () => {
  it("serves static.root, logs each request on a terminal and stops on abort", async () => {
    project = await makeProject({
      "stowage.config.json": CONFIG,
      "public/site.css": "body{}",
    });
    const run = start([], project.dir, true);
    const [, port] = await waitFor(
      () => run.stdout.text,
      /at http:\/\/127\.0\.0\.1:(\d+)\/static\/\n/,
    );
    const response = await request(Number(port), "GET", "/static/site.css");
    expect(response.status).toBe(200);
    expect(response.headers["cache-control"]).toBe("public, max-age=60");
    expect((await request(Number(port), "GET", "/nothing")).status).toBe(404);
    await waitFor(() => run.stderr.text, /GET \/static\/site\.css 200 [\d.]+ms\n/);
    expect(run.stderr.text).toMatch(/GET \/nothing 404/);
    run.controller.abort("SIGTERM");
    expect(await run.exit).toBe(0);
    expect(run.stdout.text).toContain("Stopped.");
  });

  it("serves public media from media.url unless --no-media", async () => {
    project = await makeProject({
      "stowage.config.json": CONFIG,
      "public/site.css": "body{}",
      "media/photos/cat.txt": "meow",
    });
    const run = start([], project.dir, false);
    const [, port] = await waitFor(
      () => run.stdout.text,
      /media at http:\/\/127\.0\.0\.1:(\d+)\/media\//,
    );
    const response = await request(Number(port), "GET", "/media/photos/cat.txt");
    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe("meow");
    run.controller.abort();
    expect(await run.exit).toBe(0);

    const without = start(["--no-media"], project.dir, false);
    const [, other] = await waitFor(() => without.stdout.text, /:(\d+)\/static\//);
    expect((await request(Number(other), "GET", "/media/photos/cat.txt")).status).toBe(404);
    without.controller.abort();
    expect(await without.exit).toBe(0);
    expect(without.stdout.text).not.toContain("Serving media");
  });

  it("serves under the paths of a CDN static.url and media.url", async () => {
    project = await makeProject({
      "stowage.config.json": JSON.stringify({
        static: { dirs: ["assets"], root: "public", url: "https://cdn.example.com/assets/" },
        media: { url: "https://cdn.example.com/uploads/" },
      }),
      "public/site.css": "body{}",
      "media/a.txt": "uploaded",
    });
    const run = start([], project.dir, false);
    const [, port] = await waitFor(
      () => run.stdout.text,
      /media at http:\/\/127\.0\.0\.1:(\d+)\/uploads\/\n/,
    );
    expect(run.stdout.text).toContain(`:${port}/assets/\n`);
    expect((await request(Number(port), "GET", "/assets/site.css")).body.toString()).toBe("body{}");
    expect((await request(Number(port), "GET", "/uploads/a.txt")).body.toString()).toBe("uploaded");
    run.controller.abort();
    expect(await run.exit).toBe(0);
  });

  it("serves image variants made at upload time and on first request alike: immutable", async () => {
    const variants = {
      thumb: { cover: [32, 32], format: "webp" },
      large: { fit: [100, 100] },
    };
    project = await makeProject({
      "stowage.config.json": JSON.stringify({ ...JSON.parse(CONFIG), images: { variants } }),
      "public/site.css": "body{}",
      "media/photos/cat.jpg": await photoJpeg(200, 150),
    });
    const storage = createStorage({ driver: "fs", root: project.path("media") });
    const specs = defineVariants(variants);
    await makeVariants(storage, "photos/cat.jpg", specs, { only: ["thumb"] });
    const run = start([], project.dir, false);
    const [, port] = await waitFor(() => run.stdout.text, /media at http:\/\/127\.0\.0\.1:(\d+)\//);
    for (const variant of ["thumb", "large"] as const) {
      const name = variantName("photos/cat.jpg", variant, specs[variant]!);
      const response = await request(Number(port), "GET", `/media/${name}`);
      expect(response.status, variant).toBe(200);
      expect(response.headers["cache-control"], variant).toBe(
        "public, max-age=315360000, immutable",
      );
    }
    const original = await request(Number(port), "GET", "/media/photos/cat.jpg");
    expect(original.headers["cache-control"]).toBe("public, max-age=60");
    run.controller.abort();
    expect(await run.exit).toBe(0);
  });

  it("prints no request log when not on a terminal", async () => {
    project = await makeProject({ "stowage.config.json": CONFIG, "public/site.css": "body{}" });
    const run = start([], project.dir, false);
    const [, port] = await waitFor(() => run.stdout.text, /:(\d+)\/static\//);
    await request(Number(port), "GET", "/static/site.css");
    run.controller.abort();
    expect(await run.exit).toBe(0);
    expect(run.stderr.text).toBe("");
  });

  it("serves the source folders with --dev, without a collect", async () => {
    project = await makeProject({ "stowage.config.json": CONFIG, "assets/app.js": "1;" });
    const run = start(["--dev"], project.dir, false);
    const [, port] = await waitFor(() => run.stdout.text, /:(\d+)\/static\//);
    const response = await request(Number(port), "GET", "/static/app.js");
    expect(response.status).toBe(200);
    expect(response.headers["cache-control"]).toBe("no-cache");
    run.controller.abort();
    expect(await run.exit).toBe(0);
  });

  it("stops promptly with an idle keep-alive connection open", async () => {
    project = await makeProject({ "stowage.config.json": CONFIG, "public/a.txt": "a" });
    const run = start([], project.dir, false);
    const [, port] = await waitFor(() => run.stdout.text, /:(\d+)\/static\//);
    const socket = await connectSocket(Number(port));
    socket.write("GET /static/a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
    await new Promise((resolve) => socket.once("data", resolve));
    const closed = new Promise((resolve) => socket.once("close", resolve));
    run.controller.abort();
    expect(await run.exit).toBe(0);
    await closed;
  });

  it("fails with exit 1 and a hint when static.root was never collected", async () => {
    project = await makeProject({ "stowage.config.json": CONFIG });
    const run = start([], project.dir, false);
    expect(await run.exit).toBe(1);
    expect(run.stderr.text).toMatch(/static\.root .*public does not exist.*stowage collect/);
  });

  it("fails with exit 1 when the port is taken", async () => {
    project = await makeProject({ "stowage.config.json": CONFIG, "public/a.txt": "a" });
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const taken = (blocker.address() as net.AddressInfo).port;
    const stdout = captureOutput();
    const stderr = captureOutput();
    const code = await main(["serve", "--port", String(taken)], {
      cwd: project.dir,
      env: {},
      stdout,
      stderr,
      isTTY: false,
    });
    blocker.close();
    expect(code).toBe(1);
    expect(stderr.text).toContain(
      `Cannot listen on 127.0.0.1:${taken}: the port is already in use`,
    );
  });

  it.each(["abc", "-1", "70000", "1.5", ""])("exits 2 for --port %j", async (port) => {
    const stdout = captureOutput();
    const stderr = captureOutput();
    const code = await main(["serve", `--port=${port}`], {
      cwd: process.cwd(),
      env: {},
      stdout,
      stderr,
      isTTY: false,
    });
    expect(code).toBe(2);
    expect(stderr.text).toContain("--port must be a whole number from 0 to 65535");
  });
});
