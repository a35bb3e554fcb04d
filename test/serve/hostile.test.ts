import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtureFiles, makeFixture, SECRET } from "./support/fixture.js";
import { HOSTILE_TARGETS, NORMALISED_BY_URL_PARSERS } from "./support/hostile.js";
import { buildRequest, request, sendRaw } from "./support/raw-http.js";
import { adapters, type Running } from "./support/servers.js";

const fixture = makeFixture();
const files = fixtureFiles(fixture);
afterAll(() => fixture.cleanup());

describe.each(Object.keys(adapters))("the %s adapter under hostile input", (name) => {
  let running: Running;
  beforeAll(async () => {
    running = await adapters[name]!(files);
  });
  afterAll(() => running.close());

  it(`answers ${HOSTILE_TARGETS.length} hostile targets with 404 or 400 and never a secret byte`, async () => {
    expect(HOSTILE_TARGETS.length).toBeGreaterThanOrEqual(40);
    for (const [label, target] of HOSTILE_TARGETS) {
      for (const method of ["GET", "HEAD"]) {
        const response = await sendRaw(running.port, buildRequest(method, target));
        expect(response.raw.includes(SECRET), `${method} ${label} leaked the secret`).toBe(false);
        if (name === "hono" && NORMALISED_BY_URL_PARSERS.has(label) && response.status === 200) {
          expect(response.headers["content-length"]).toBe(String(fixture.js.length));
          continue;
        }
        expect([400, 404], `${method} ${label}`).toContain(response.status);
      }
    }
  });

  it("stays up after the hostile targets", async () => {
    const response = await request(running.port, "GET", "/static/js/app.js");
    expect(response.status).toBe(200);
    expect(response.body.equals(fixture.js)).toBe(true);
  });
});
