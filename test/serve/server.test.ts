import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import type { ServeHandler } from "../../src/serve/core.js";
import { createStandaloneServer } from "../../src/serve/server.js";
import { request } from "../helpers/raw-http.js";

describe("the standalone server", () => {
  it("answers 500 to a handler that fails, and reports the error", async () => {
    const failing: ServeHandler = {
      respond: (req) =>
        req.target === "/sync"
          ? (() => {
              throw new Error("storage unreachable (sync)");
            })()
          : Promise.reject(new Error("storage unreachable (async)")),
    };
    const reported: string[] = [];
    const server = createStandaloneServer(failing, {
      onError: (error, req) => reported.push(`${req.url} ${(error as Error).message}`),
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      for (const target of ["/sync", "/async"]) {
        const response = await request(port, "GET", target);
        expect(response.status).toBe(500);
        expect(response.body.toString()).not.toContain("unreachable");
      }
      expect(reported).toEqual([
        "/sync storage unreachable (sync)",
        "/async storage unreachable (async)",
      ]);
    } finally {
      server.close();
    }
  });

  it("answers 404 to what no handler serves", async () => {
    const server = createStandaloneServer({ respond: () => null });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      expect((await request(port, "GET", "/x")).status).toBe(404);
      const head = await request(port, "HEAD", "/x");
      expect(head.status).toBe(404);
      expect(head.body.length).toBe(0);
    } finally {
      server.close();
    }
  });
});
