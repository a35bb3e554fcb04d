/**
 * Drives a README app block as a visitor would: the block starts its server
 * on PORT (0 in the harness), and this module finds that server, asks it for
 * a collected static file, posts an upload, posts two refused ones (a file
 * in another field, a form without the photo), and closes it. It is copied
 * into the block's folder and imported from there, so it uses only Node's
 * own modules.
 */
import { once } from "node:events";
import { readdir, readFile } from "node:fs/promises";
import { Server } from "node:net";
import path from "node:path";

/** What to ask of the app besides a static file and one good and one refused upload. */
export interface WebAppChecks {
  /** The bytes of a small JPEG, posted as `cat.jpg` in the field `photo`. */
  jpeg: Uint8Array;
  /** GET / must answer a page that links the hashed CSS and holds a multipart form. */
  page: boolean;
  /** The stored upload must be served back under /media/. */
  media: boolean;
}

/** Servers started since `watchServers()` was called, in order. */
export function watchServers(): Server[] {
  const servers: Server[] = [];
  const listen = Server.prototype.listen;
  Server.prototype.listen = function (this: Server, ...args: unknown[]) {
    servers.push(this);
    return listen.apply(this, args as never);
  } as typeof listen;
  return servers;
}

function fail(message: string): never {
  throw new Error(`README app check: ${message}`);
}

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
    .sort();
}

async function expectStatus(response: Response, wanted: (status: number) => boolean, what: string) {
  if (!wanted(response.status)) {
    fail(`${what} answered ${response.status}: ${(await response.text()).slice(0, 2000)}`);
  }
}

function form(field: string, filename: string, bytes: Uint8Array, type: string): FormData {
  const body = new FormData();
  body.append(field, new Blob([Buffer.from(bytes)], { type }), filename);
  return body;
}

/**
 * Runs the checks against the one server the block started, then closes
 * it. The fixture's config: `static.root` is `staticfiles`, the default
 * media storage is the folder `media`.
 */
export async function checkWebApp(servers: Server[], checks: WebAppChecks): Promise<void> {
  if (servers.length !== 1) fail(`the block started ${servers.length} servers; it must start one.`);
  const server = servers[0];
  if (!server.listening) {
    const timeout = setTimeout(
      () => server.emit("error", new Error("not listening after 30 s")),
      30_000,
    );
    await once(server, "listening");
    clearTimeout(timeout);
  }
  const address = server.address();
  if (address === null || typeof address === "string") fail("the server has no TCP address.");
  if (address.address !== "127.0.0.1") {
    fail(`the server listens on ${address.address}; examples bind 127.0.0.1.`);
  }
  const base = `http://127.0.0.1:${address.port}`;
  try {
    const manifest = JSON.parse(await readFile("staticfiles/staticfiles.json", "utf8")) as {
      paths: Record<string, string>;
    };
    const hashed =
      manifest.paths["css/site.css"] ?? fail("the fixture's manifest lacks css/site.css.");
    const css = await fetch(`${base}/static/${hashed}`);
    await expectStatus(css, (status) => status === 200, `GET /static/${hashed}`);
    if (!css.headers.get("cache-control")?.includes("immutable")) {
      fail(`/static/${hashed} came with Cache-Control ${css.headers.get("cache-control")}.`);
    }
    if ((await css.text()) !== (await readFile(`staticfiles/${hashed}`, "utf8"))) {
      fail(`/static/${hashed} did not send the collected file.`);
    }

    if (checks.page) {
      const page = await fetch(`${base}/`);
      await expectStatus(page, (status) => status === 200, "GET /");
      const html = await page.text();
      if (!html.includes(`/static/${hashed}`))
        fail(`the page does not link /static/${hashed}:\n${html}`);
      if (!/enctype="multipart\/form-data"/.test(html))
        fail(`the page has no multipart form:\n${html}`);
    }

    const before = await filesUnder("media");
    const upload = await fetch(`${base}/upload`, {
      method: "POST",
      body: form("photo", "cat.jpg", checks.jpeg, "image/jpeg"),
      redirect: "manual",
    });
    await expectStatus(upload, (status) => status < 400, "POST /upload with a JPEG in photo");
    await upload.arrayBuffer();
    const after = await filesUnder("media");
    const added = after.filter((name) => !before.includes(name));
    if (added.length !== 1) fail(`the upload stored ${added.length} files (${added.join(", ")}).`);
    const stored = await readFile(path.join("media", added[0]));
    if (!stored.equals(checks.jpeg)) fail(`media/${added[0]} does not hold the uploaded bytes.`);

    if (checks.media) {
      const url = `/media/${added[0].split(path.sep).map(encodeURIComponent).join("/")}`;
      const served = await fetch(`${base}${url}`);
      await expectStatus(served, (status) => status === 200, `GET ${url}`);
      if (!Buffer.from(await served.arrayBuffer()).equals(checks.jpeg)) {
        fail(`${url} did not send the uploaded bytes.`);
      }
    }

    const refused = await fetch(`${base}/upload`, {
      method: "POST",
      body: form("document", "notes.txt", new TextEncoder().encode("not a photo"), "text/plain"),
      redirect: "manual",
    });
    const answer = await refused.text();
    if (refused.status !== 400 || !answer.includes("Unexpected file in field")) {
      fail(
        `a file in the field "document" got ${refused.status} "${answer.slice(0, 2000)}"; expected 400 from the \`files\` allowlist (E_UNEXPECTED_FILE).`,
      );
    }
    const empty = new FormData();
    empty.append("title", "no photo");
    const missing = await fetch(`${base}/upload`, {
      method: "POST",
      body: empty,
      redirect: "manual",
    });
    const said = await missing.text();
    if (missing.status !== 400 || !said.includes("No file was sent in")) {
      fail(
        `a form without a photo got ${missing.status} "${said.slice(0, 2000)}"; expected 400 from the \`files\` allowlist marking photo required (E_MISSING_FILE).`,
      );
    }
    const last = await filesUnder("media");
    if (last.join("\n") !== after.join("\n")) fail("the refused uploads left files in media/.");
  } finally {
    server.close();
    if ("closeAllConnections" in server)
      (server as { closeAllConnections(): void }).closeAllConnections();
  }
}
