/**
 * Checks the README's signed-link example against the app it set up: the
 * link opens the file, and a changed, unsigned or expired link gets 403.
 * Copied into the block's folder and imported from there, so it uses only
 * Node's own modules; `signQuery` comes from the packed package.
 */
import { once } from "node:events";
import type { Server } from "node:net";

export interface SignedLinkChecks {
  /** The link the block made (`storage.signedUrl(...)`), relative to the app. */
  link: unknown;
  /** The bytes the block saved under the link's name. */
  bytes: Uint8Array;
  secret: string;
  signQuery(
    secret: string,
    scope: string,
    name: string,
    options: { expiresIn: number; disposition: string; now?: number },
  ): string;
}

function fail(message: string): never {
  throw new Error(`README signed-link check: ${message}`);
}

async function expect403(base: string, target: string, saying: string, what: string) {
  const response = await fetch(`${base}${target}`);
  const text = await response.text();
  if (response.status !== 403 || !text.includes(saying)) {
    fail(
      `${what} (${target}) answered ${response.status} "${text.trim()}"; expected 403 saying "${saying}".`,
    );
  }
}

/** Runs the checks against `server` (the block's app, listening on 127.0.0.1), then closes it. */
export async function checkSignedLink(server: Server, checks: SignedLinkChecks): Promise<void> {
  if (typeof checks.link !== "string")
    fail(`the block must leave the link in \`link\`; found ${typeof checks.link}.`);
  if (!server.listening) await once(server, "listening");
  const address = server.address();
  if (address === null || typeof address === "string") fail("the server has no TCP address.");
  const base = `http://127.0.0.1:${address.port}`;
  try {
    const url = new URL(checks.link, base);
    const scope = url.pathname.slice(0, url.pathname.indexOf("/", 1) + 1);
    const name = url.pathname.slice(scope.length).split("/").map(decodeURIComponent).join("/");
    const target = url.pathname + url.search;

    const good = await fetch(`${base}${target}`);
    if (good.status !== 200)
      fail(`the link ${target} answered ${good.status}: ${await good.text()}`);
    if (!Buffer.from(await good.arrayBuffer()).equals(Buffer.from(checks.bytes))) {
      fail("the link did not send the saved bytes.");
    }
    if (good.headers.get("cache-control") !== "private, no-store") {
      fail(`the link came with Cache-Control ${good.headers.get("cache-control")}.`);
    }
    if (!good.headers.get("content-disposition")?.startsWith("attachment")) {
      fail(`the link came with Content-Disposition ${good.headers.get("content-disposition")}.`);
    }

    const signature = url.searchParams.get("signature") ?? fail("the link has no signature.");
    const changed = new URL(url);
    changed.searchParams.set(
      "signature",
      `${signature.slice(0, -1)}${signature.endsWith("A") ? "B" : "A"}`,
    );
    await expect403(base, changed.pathname + changed.search, "not valid", "a changed signature");
    await expect403(base, url.pathname, "not valid", "no signature");

    const hourAgo = Date.now() - 3_600_000;
    const query = checks.signQuery(checks.secret, scope, name, {
      expiresIn: 600,
      disposition: "attachment",
      now: hourAgo,
    });
    await expect403(base, `${url.pathname}?${query}`, "expired", "an expired link");
  } finally {
    server.close();
    if ("closeAllConnections" in server)
      (server as { closeAllConnections(): void }).closeAllConnections();
  }
}
