import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "../helpers/raw-http.js";
import { cases } from "./support/cases.js";
import { fixtureHandler, makeFixture } from "./support/fixture.js";
import { adapters, type Running, WITH_APP } from "./support/servers.js";

// Built while collecting, so each row of the table becomes its own named test.
const fixture = await makeFixture();
const handler = fixtureHandler(fixture);
afterAll(() => fixture.cleanup());

describe.each(Object.keys(adapters))("the %s adapter", (name) => {
  let running: Running;
  beforeAll(async () => {
    running = await adapters[name]!(handler);
  });
  afterAll(() => running.close());

  it.each(cases(fixture))("$name", async (row) => {
    const response = await request(running.port, row.method ?? "GET", row.target, row.headers);
    expect(response.status).toBe(row.status);
    for (const [header, value] of Object.entries(row.expect ?? {})) {
      expect(response.headers[header], header).toBe(value ?? undefined);
    }
    if (row.body !== undefined) expect(response.body.equals(Buffer.from(row.body))).toBe(true);
  });

  it.runIf(WITH_APP.has(name))("hands what it does not serve to the app", async () => {
    const response = await request(running.port, "GET", "/app");
    expect(response.body.toString()).toBe("app route");
  });
});
