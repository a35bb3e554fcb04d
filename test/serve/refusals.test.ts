/**
 * `nodeHandler(handler, { refusals: "next" })`: the handler's refusals go
 * to the app's error handler (its own pages), everything else is served as
 * before.
 */
import type { AddressInfo } from "node:net";
import express from "express";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fastifyPlugin, nodeHandler, RequestRefusedError } from "../../src/serve/index.js";
import { fixtureHandler, makeFixture } from "./support/fixture.js";

const fixture = await makeFixture();
const handler = fixtureHandler(fixture);
afterAll(() => fixture.cleanup());

let base: string;
let close: () => Promise<void>;
const seen: unknown[] = [];

beforeAll(async () => {
  const app = express();
  app.use(nodeHandler(handler, { refusals: "next" }));
  app.use((_req, res) => void res.status(404).send("the app's own 404 page"));
  app.use((error: unknown, _req: express.Request, res: express.Response, _next: unknown) => {
    seen.push(error);
    const status = (error as { status?: number }).status ?? 500;
    res.status(status).send(`the app's page for ${status}: ${(error as Error).message}`);
  });
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((resolve) => server.close(() => resolve()));
});
afterAll(() => close());

describe('nodeHandler with refusals: "next"', () => {
  it("hands a tampered signed link to the app's error handler as a 403 with the reason", async () => {
    seen.length = 0;
    const tampered = fixture.signedDoc.replace(/signature=[^&]+/, "signature=AAAA");
    const response = await fetch(base + tampered);
    expect(response.status).toBe(403);
    const text = await response.text();
    expect(text).toMatch(/^the app's page for 403: /);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(RequestRefusedError);
    expect(seen[0]).toMatchObject({ code: "E_REQUEST_REFUSED", status: 403 });
    expect((seen[0] as Error).message.length).toBeGreaterThan(10);
  });

  it("hands a method files do not take to the app as a 405", async () => {
    seen.length = 0;
    const response = await fetch(`${base}/static/${"css/app.0123456789ab.css"}`, {
      method: "DELETE",
    });
    expect(response.status).toBe(405);
    expect(await response.text()).toBe("the app's page for 405: Method Not Allowed");
  });

  it("still serves what it serves, and passes on what it does not", async () => {
    const served = await fetch(base + fixture.signedDoc);
    expect(served.status).toBe(200);
    const other = await fetch(`${base}/elsewhere`);
    expect(other.status).toBe(404);
    expect(await other.text()).toBe("the app's own 404 page");
  });

  it("answers the refusal itself when there is no next (a bare node:http server)", async () => {
    const { createServer } = await import("node:http");
    const serve = nodeHandler(handler, { refusals: "next" });
    const server = createServer((req, res) => serve(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const tampered = fixture.signedDoc.replace(/signature=[^&]+/, "signature=AAAA");
      const response = await fetch(`http://127.0.0.1:${port}${tampered}`);
      expect(response.status).toBe(403);
      expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("refuses an unknown option or value, naming it", () => {
    expect(() => nodeHandler(handler, { refusal: "next" } as never)).toThrow(/refusal.*refusals/s);
    expect(() => nodeHandler(handler, { refusals: "render" } as never)).toThrow(
      'nodeHandler\'s refusals must be "answer" or "next", not "render".',
    );
  });
});

describe('fastifyPlugin with refusals: "next"', () => {
  it("hands a tampered signed link to Fastify's error handler as a 403 with the reason", async () => {
    const app = Fastify();
    const errors: unknown[] = [];
    app.setErrorHandler((error, _request, reply) => {
      errors.push(error);
      void reply
        .code((error as { status?: number }).status ?? 500)
        .send(`the app's page: ${(error as Error).message}`);
    });
    await app.register(fastifyPlugin(handler, { refusals: "next" }));
    app.get("/elsewhere", async () => "the app's route");
    try {
      const tampered = fixture.signedDoc.replace(/signature=[^&]+/, "signature=AAAA");
      const refused = await app.inject({ method: "GET", url: tampered });
      expect(refused.statusCode).toBe(403);
      expect(refused.body).toMatch(/^the app's page: /);
      expect(errors[0]).toBeInstanceOf(RequestRefusedError);
      expect((await app.inject({ method: "GET", url: fixture.signedDoc })).statusCode).toBe(200);
      expect((await app.inject({ method: "GET", url: "/elsewhere" })).body).toBe("the app's route");
    } finally {
      await app.close();
    }
  });

  it("refuses an unknown option, naming it", () => {
    expect(() => fastifyPlugin(handler, { refusal: "next" } as never)).toThrow(
      /refusal.*refusals/s,
    );
  });
});
