import { readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRequest, request, sendRaw } from "../helpers/raw-http.js";
import { fixtureHandler, makeFixture, SECRET, THUMB_SUFFIX } from "./support/fixture.js";
import {
  HOSTILE_TARGETS,
  hostileTargetsUnder,
  NORMALISED_BY_URL_PARSERS,
} from "./support/hostile.js";
import { adapters, type Running } from "./support/servers.js";

const fixture = await makeFixture();
const handler = fixtureHandler(fixture);
afterAll(() => fixture.cleanup());

/** Every file under the media root (links not followed): a hostile request must not make one (no render, no save). */
function mediaFiles(dir = fixture.mediaRoot, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? mediaFiles(path.join(dir, entry.name), `${prefix}${entry.name}/`)
      : [prefix + entry.name],
  );
}

const SETS: ReadonlyArray<[string, ReadonlyArray<[string, Buffer]>]> = [
  ["static", HOSTILE_TARGETS],
  ["media", hostileTargetsUnder("/media/")],
  ["signed media", hostileTargetsUnder("/media-private/")],
  ["image variant", hostileTargetsUnder("/media/", THUMB_SUFFIX)],
];

describe.each(Object.keys(adapters))("the %s adapter under hostile input", (name) => {
  let running: Running;
  beforeAll(async () => {
    running = await adapters[name]!(handler);
  });
  afterAll(() => running.close());

  it.each(SETS)(
    "answers every hostile %s target with 404 or 400 and never a secret byte",
    async (set, targets) => {
      expect(targets.length).toBeGreaterThanOrEqual(50);
      const before = mediaFiles();
      for (const [label, target] of targets) {
        for (const method of ["GET", "HEAD"]) {
          const response = await sendRaw(running.port, buildRequest(method, target));
          expect(response.raw.includes(SECRET), `${method} ${label} leaked the secret`).toBe(false);
          if (
            set === "static" &&
            name === "hono" &&
            NORMALISED_BY_URL_PARSERS.has(label) &&
            response.status === 200
          ) {
            expect(response.headers["content-length"]).toBe(String(fixture.js.length));
            continue;
          }
          // A signed mount refuses a well-formed name without a signature before anything else.
          const allowed = set === "signed media" ? [400, 403, 404] : [400, 404];
          expect(allowed, `${method} ${label}`).toContain(response.status);
        }
      }
      expect(mediaFiles()).toEqual(before);
    },
  );

  it("stays up after the hostile targets", async () => {
    const response = await request(running.port, "GET", "/static/js/app.js");
    expect(response.status).toBe(200);
    expect(response.body.equals(fixture.js)).toBe(true);
  });
});
