import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderNginxServer } from "../../src/deploy/nginx.js";
import { createStaticFiles } from "../../src/serve/files.js";
import { tagOf } from "../serve/support/cases.js";
import { BIG_SIZE, HASHED_CSS, makeFixture, SECRET } from "../serve/support/fixture.js";
import { HOSTILE_TARGETS, NORMALISED_BY_URL_PARSERS } from "../serve/support/hostile.js";
import { buildRequest, type RawResponse, request, sendRaw } from "../serve/support/raw-http.js";
import { adapters, type Running } from "../serve/support/servers.js";
import { freePort, nginxMissing, type RunningNginx, startNginx } from "./support/nginx.js";

const missing = nginxMissing();
if (missing) console.warn(`Skipping the nginx comparison: ${missing}.`);

/** Headers that must agree between nginx and Stowage for the same request. */
const COMPARED = ["cache-control", "content-encoding", "vary", "etag", "content-range", "allow"];

const css = `/static/${HASHED_CSS}`;
const FUTURE = "Wed, 01 Jan 2098 00:00:00 GMT";
const fixture = makeFixture();
afterAll(() => fixture.cleanup());
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
    });
    nginx = await startNginx(block, port);
    stowage = await adapters.standalone!(createStaticFiles({ root: fixture.root }));
  });
  afterAll(async () => {
    await nginx?.stop();
    await stowage?.close();
  });

  const pick = (response: RawResponse) => ({
    status: response.status,
    ...Object.fromEntries(COMPARED.map((name) => [name, response.headers[name]])),
    // Bodies are compared by length: nginx and Stowage send the same bytes for the same variant.
    "content-length": response.status < 300 ? response.headers["content-length"] : undefined,
  });

  it.each(SAME_ANSWERS)("answers like Stowage: %s", async (_label, method, target, headers) => {
    const fromNginx = await request(nginx.port, method, target, headers);
    const fromStowage = await request(stowage.port, method, target, headers);
    expect(pick(fromNginx)).toEqual(pick(fromStowage));
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

  it("never sends a byte from outside the root, symlinks included", async () => {
    for (const [label, target] of HOSTILE_TARGETS) {
      const response = await sendRaw(nginx.port, buildRequest("GET", target));
      expect(response.raw.includes(SECRET), `${label} leaked the secret`).toBe(false);
      // nginx resolves `.` segments itself, to a file inside the root.
      if (NORMALISED_BY_URL_PARSERS.has(label)) continue;
      expect(response.status, label).toBeGreaterThanOrEqual(400);
    }
  });
});
