import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderNginxServer } from "../../src/deploy/nginx.js";
import { combineHandlers } from "../../src/serve/core.js";
import { mediaOptionsFromConfig } from "../../src/serve/media/config.js";
import { createMediaHandler } from "../../src/serve/media/handler.js";
import { createStaticFiles } from "../../src/serve/static/files.js";
import { buildRequest, type RawResponse, request, sendRaw } from "../helpers/raw-http.js";
import { tagOf } from "../serve/support/cases.js";
import {
  BIG_SIZE,
  HASHED_CSS,
  makeFixture,
  mediaConfig,
  SECRET,
  THUMB,
  THUMB_SUFFIX,
  VARIANTS,
} from "../serve/support/fixture.js";
import {
  HOSTILE_TARGETS,
  hostileTargetsUnder,
  NORMALISED_BY_URL_PARSERS,
} from "../serve/support/hostile.js";
import { adapters, type Running } from "../serve/support/servers.js";
import { freePort, nginxMissing, type RunningNginx, startNginx } from "./support/nginx.js";

const missing = nginxMissing();
if (missing) console.warn(`Skipping the nginx comparison: ${missing}.`);

/** Headers that must agree between nginx and Stowage for the same request. */
const COMPARED = ["cache-control", "content-encoding", "vary", "content-range", "allow"];
/** Headers that must agree on successful answers (nginx's error pages carry their own). */
const COMPARED_ON_SUCCESS = [
  "content-type",
  "x-content-type-options",
  "access-control-allow-origin",
  "content-disposition",
  "content-security-policy",
];

const css = `/static/${HASHED_CSS}`;
const FUTURE = "Wed, 01 Jan 2098 00:00:00 GMT";
const fixture = await makeFixture();
afterAll(() => fixture.cleanup());
// Files an app should never have, named so the policy must still get them right.
const STALE = "photos/cat.jpg.thumb-00000000.webp";
const CHAINED = `${THUMB}${THUMB_SUFFIX}`;
writeFileSync(path.join(fixture.mediaRoot, STALE), "stale");
writeFileSync(path.join(fixture.mediaRoot, CHAINED), "chained");
const SAME_ANSWERS: ReadonlyArray<[string, string, string, Record<string, string>]> = [
  ["hashed file, br accepted", "GET", css, { "Accept-Encoding": "br, gzip" }],
  ["hashed file, gzip accepted", "GET", css, { "Accept-Encoding": "gzip" }],
  ["hashed file, no Accept-Encoding", "GET", css, {}],
  ["hashed file, br refused", "GET", css, { "Accept-Encoding": "br;q=0, gzip" }],
  ["HEAD of a hashed file", "HEAD", css, { "Accept-Encoding": "br" }],
  ["unhashed file", "GET", "/static/css/app.css", { "Accept-Encoding": "br, gzip" }],
  ["file in memory", "GET", "/static/js/app.js", {}],
  [
    "matching If-None-Match",
    "GET",
    "/static/js/app.js",
    { "If-None-Match": tagOf(fixture.js.length) },
  ],
  ["weak If-None-Match", "GET", "/static/big.bin", { "If-None-Match": `W/${tagOf(BIG_SIZE)}` }],
  ["If-Modified-Since in the future", "GET", "/static/js/app.js", { "If-Modified-Since": FUTURE }],
  ["range 0-0", "GET", "/static/big.bin", { Range: "bytes=0-0" }],
  ["suffix range", "GET", "/static/big.bin", { Range: "bytes=-5" }],
  ["open range", "GET", "/static/big.bin", { Range: "bytes=9990-" }],
  ["range past the end", "GET", "/static/big.bin", { Range: "bytes=10000-" }],
  ["POST on a file", "POST", "/static/js/app.js", {}],
  ["precompressed sibling", "GET", `${css}.br`, {}],
  ["manifest", "GET", "/static/staticfiles.json", {}],
  ["dotfile", "GET", "/static/.env", {}],
  ["dot folder", "GET", "/static/.git/config", {}],
  ["lone archive", "GET", "/static/data.tar.gz", {}],
  ["empty file", "GET", "/static/empty.txt", {}],
  ["unknown file", "GET", "/static/nope.css", {}],
  ["public media", "GET", "/media/photo.png", {}],
  ["HEAD of public media", "HEAD", "/media/photo.png", {}],
  ["uploaded HTML", "GET", "/media/page.html", {}],
  ["uploaded SVG", "GET", "/media/logo.svg", {}],
  ["uploaded text", "GET", "/media/notes.txt", {}],
  ["media range", "GET", "/media/photo.png", { Range: "bytes=2-4" }],
  ["media range past the end", "GET", "/media/photo.png", { Range: "bytes=10-" }],
  [
    "media If-Modified-Since in the future",
    "GET",
    "/media/photo.png",
    { "If-Modified-Since": FUTURE },
  ],
  ["large media file", "GET", "/media/big.bin", {}],
  ["declared image variant", "GET", `/media/${THUMB}`, {}],
  ["file named with a stale variant hash", "GET", `/media/${STALE}`, {}],
  ["file named as a variant of a variant", "GET", `/media/${CHAINED}`, {}],
  ["DELETE on media", "DELETE", "/media/photo.png", {}],
  ["media dotfile", "GET", "/media/.hidden", {}],
  ["unknown media", "GET", "/media/nope.png", {}],
];

describe.skipIf(missing !== undefined)("the generated nginx config", () => {
  let nginx: RunningNginx;
  let stowage: Running;

  beforeAll(async () => {
    const port = await freePort();
    const block = renderNginxServer({
      listen: `127.0.0.1:${port}`,
      staticUrl: "/static/",
      staticRoot: fixture.root,
      media: { url: "/media/", root: fixture.mediaRoot, variants: VARIANTS },
    });
    nginx = await startNginx(block, port);
    stowage = await adapters.standalone!(
      combineHandlers(
        createStaticFiles({ root: fixture.root }),
        createMediaHandler(mediaOptionsFromConfig(mediaConfig(fixture), fixture.storages)),
      ),
    );
  });
  afterAll(async () => {
    await nginx?.stop();
    await stowage?.close();
  });

  const pick = (response: RawResponse, target: string) => {
    const success = response.status < 300;
    const compared = success ? [...COMPARED, ...COMPARED_ON_SUCCESS] : COMPARED;
    return {
      status: response.status,
      ...Object.fromEntries(compared.map((name) => [name, response.headers[name]])),
      // The fs storage's validator is its own; static files use nginx's format.
      etag: target.startsWith("/static/") ? response.headers.etag : undefined,
      // Bodies are compared by length: nginx and Stowage send the same bytes for the same variant.
      "content-length": success ? response.headers["content-length"] : undefined,
    };
  };

  it.each(SAME_ANSWERS)("answers like Stowage: %s", async (_label, method, target, headers) => {
    const fromNginx = await request(nginx.port, method, target, headers);
    const fromStowage = await request(stowage.port, method, target, headers);
    expect(pick(fromNginx, target)).toEqual(pick(fromStowage, target));
  });

  it("proves the media rows send the media policy", async () => {
    for (const server of [nginx.port, stowage.port]) {
      const html = await request(server, "GET", "/media/page.html");
      expect(html.headers["content-disposition"]).toBe("attachment");
      expect(html.headers["content-security-policy"]).toBe("default-src 'none'; sandbox");
      expect(html.headers["access-control-allow-origin"]).toBeUndefined();
      const variant = await request(server, "GET", `/media/${THUMB}`);
      expect(variant.headers["cache-control"]).toBe("public, max-age=315360000, immutable");
      const chained = await request(server, "GET", `/media/${CHAINED}`);
      expect(chained.headers["cache-control"]).toBe("public, max-age=60");
    }
  });

  it("proves the conditional rows really are 304 on both", async () => {
    for (const server of [nginx.port, stowage.port]) {
      const response = await request(server, "GET", "/static/js/app.js", {
        "If-None-Match": tagOf(fixture.js.length),
      });
      expect(response.status).toBe(304);
    }
  });

  it("adds charset to text types, nosniff and CORS like Stowage", async () => {
    const response = await request(nginx.port, "GET", css);
    expect(response.headers["content-type"]).toBe("text/css; charset=utf-8");
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.headers["access-control-allow-origin"]).toBe("*");
  });

  it.each([
    ["static", HOSTILE_TARGETS],
    ["media", hostileTargetsUnder("/media/")],
  ] as const)(
    "never sends a byte from outside the %s root, symlinks included",
    async (set, targets) => {
      for (const [label, target] of targets) {
        const response = await sendRaw(nginx.port, buildRequest("GET", target));
        expect(response.raw.includes(SECRET), `${label} leaked the secret`).toBe(false);
        // nginx resolves `.` segments itself, to a file inside the root.
        if (set === "static" && NORMALISED_BY_URL_PARSERS.has(label)) continue;
        expect(response.status, label).toBeGreaterThanOrEqual(400);
      }
    },
  );
});
