// A large photo uploaded from Chromium straight to local-disk storage through
// Stowage's endpoint with stowage/client, the progress bar moving as it goes.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { Transform } from "node:stream";
import sharp from "sharp";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStorage } from "../../src/storage/index.js";
import type { Storage } from "../../src/storage/types.js";
import { receiveDirectUpload } from "../../src/uploads/direct/endpoint.js";
import { createDirectUploads, type DirectUploads } from "../../src/uploads/direct/index.js";
import { imageDimensions, MB } from "../../src/uploads/index.js";
import { chromiumAvailable, launchChromium } from "../e2e/support/browser.js";
import { startUploadApp } from "./app.js";
import { SECRET, sha256 } from "./support.js";

const here = path.dirname(new URL(import.meta.url).pathname);
const clientDir = path.resolve(here, "../../src/client");

/** The client module as the browser gets it: its TypeScript turned into plain JS. */
async function serveClient(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const name = path.basename(req.url ?? "").replace(/\.js$/, ".ts");
  const source = await readFile(path.join(clientDir, name), "utf8");
  const js = ts.transpileModule(source, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  }).outputText;
  res.writeHead(200, { "Content-Type": "text/javascript" }).end(js);
}

/** Lets the bytes through at about `bytesPerSecond`, so the browser reports progress on loopback. */
function slowly(bytesPerSecond: number): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      setTimeout(() => done(null, chunk), (chunk.length / bytesPerSecond) * 1000);
    },
  });
}

describe.skipIf(!chromiumAvailable())("direct upload from Chromium", () => {
  let base: string;
  let storage: Storage;
  let direct: DirectUploads;
  let app: Awaited<ReturnType<typeof startUploadApp>>;

  beforeAll(async () => {
    base = await mkdtemp(path.join(tmpdir(), "stowage-browser-"));
    storage = createStorage({ driver: "fs", root: path.join(base, "media") });
    direct = createDirectUploads({
      storages: { default: storage },
      secret: SECRET,
      fields: {
        photo: {
          maxSize: 50 * MB,
          extensions: ["jpg", "jpeg", "png"],
          uploadTo: "photos/{uuid}.{ext}",
          validators: [imageDimensions({ maxWidth: 8000, maxHeight: 8000 })],
        },
      },
    });
    const page = await readFile(path.join(here, "page/index.html"));
    app = await startUploadApp(direct, undefined, (req, res) => {
      if (req.url === "/") {
        res.writeHead(200, { "Content-Type": "text/html" }).end(page);
        return true;
      }
      if (req.url?.startsWith("/client/")) {
        void serveClient(req, res);
        return true;
      }
      if (req.method === "PUT" && req.url?.startsWith(direct.options.endpoint)) {
        const url = new URL(req.url, "http://app");
        void receiveDirectUpload(direct.options, {
          method: "PUT",
          path: url.pathname,
          query: url.searchParams,
          contentLength: req.headers["content-length"],
          body: req.pipe(slowly(20 * MB)),
        }).then((reply) => res.writeHead(reply.status).end(JSON.stringify(reply.body)));
        return true;
      }
      return false;
    });
  });
  afterAll(async () => {
    await app?.close();
    await rm(base, { recursive: true, force: true });
  });

  it("uploads a large photo with the progress bar moving, and confirms it", async () => {
    // A 6000 x 4000 photo of noise: tens of megabytes, more than loopback's socket buffers hold.
    const noise = Buffer.alloc(6000 * 4000 * 3);
    for (let i = 0; i < noise.length; i += 1) noise[i] = (i * 2654435761) >>> 24;
    const photo = await sharp(noise, { raw: { width: 6000, height: 4000, channels: 3 } })
      .jpeg({ quality: 95 })
      .toBuffer();
    expect(photo.length).toBeGreaterThan(16 * MB);
    const file = path.join(base, "holiday.jpg");
    await writeFile(file, photo);

    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on("pageerror", (error) => problems.push(error.message));
      await page.goto(`${app.base}/`);
      await page.setInputFiles("#file", file);
      await page.waitForFunction(
        () => document.getElementById("status")?.textContent !== "",
        undefined,
        { timeout: 60_000 },
      );
      const status = await page.textContent("#status");
      expect(status).toMatch(/^stored photos\/[0-9a-f-]{36}\.jpg$/);
      const seen = (await page.evaluate(
        () => (window as unknown as { progressSeen: number[] }).progressSeen,
      )) as number[];
      const between = seen.filter((value) => value > 0 && value < 1);
      expect(between.length).toBeGreaterThanOrEqual(3);
      expect(between).toEqual([...between].sort((a, b) => a - b));
      expect(
        await page.evaluate(() => (document.getElementById("bar") as HTMLProgressElement).value),
      ).toBe(1);
      expect(problems).toEqual([]);
      const name = (status as string).replace("stored ", "");
      expect(sha256(await storage.read(name))).toBe(sha256(photo));
    } finally {
      await browser.close();
    }
  });
});
