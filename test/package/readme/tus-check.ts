/**
 * Carries one resumable upload across the three mounts of the README's tus
 * block: created through the fetch mount (the block's `handleWeb(request)`),
 * half its bytes sent through Express, the offset asked and the rest sent
 * through Fastify, then confirmed; a second creation of the same ticket is
 * refused (single use), and `removeExpired` answers. Copied into the
 * block's folder and imported from there, so it uses only Node's own modules.
 */

const TUS = { "Tus-Resumable": "1.0.0" };

function fail(message: string): never {
  throw new Error(`README tus check: ${message}`);
}

/** The tus creation request for a prepared upload, as a fetch `Request` to `origin`. */
export function tusCreation(
  origin: string,
  prepared: { upload: { method: string; url?: string; metadata?: Record<string, string> } },
  size: number,
): Request {
  const { upload } = prepared;
  if (upload.method !== "TUS" || !upload.url || !upload.metadata) {
    fail(`prepare({ method: "tus" }) answered a ${upload.method} upload.`);
  }
  const metadata = Object.entries(upload.metadata)
    .map(([key, value]) => `${key} ${Buffer.from(value).toString("base64")}`)
    .join(",");
  return new Request(new URL(upload.url, origin), {
    method: "POST",
    headers: { ...TUS, "Upload-Length": String(size), "Upload-Metadata": metadata },
  });
}

export interface TusChecks {
  /** What the block's `handleWeb(request)` answered to the creation request. */
  response: unknown;
  /** The creation request again, to be sent a second time through Express. */
  creation: Request;
  /** Base URLs of the Express app and the Fastify instance, listening. */
  express: string;
  fastify: string;
  bytes: Uint8Array;
  /** `direct.confirm(ticket)` of the block's direct uploads, then the stored bytes. */
  confirm(): Promise<Uint8Array>;
  removeExpired(): Promise<unknown>;
}

async function expectStatus(response: Response, status: number, what: string): Promise<void> {
  if (response.status !== status) {
    fail(
      `${what} answered ${response.status} (${(await response.text()).trim()}); expected ${status}.`,
    );
  }
}

function patch(url: string, offset: number, bytes: Uint8Array): Promise<Response> {
  return fetch(url, {
    method: "PATCH",
    headers: {
      ...TUS,
      "Upload-Offset": String(offset),
      "Content-Type": "application/offset+octet-stream",
    },
    body: new Uint8Array(bytes),
  });
}

export async function checkTus(checks: TusChecks): Promise<void> {
  if (!(checks.response instanceof Response)) {
    fail(
      `the block must leave handleWeb's answer in \`response\`; found ${typeof checks.response}.`,
    );
  }
  await expectStatus(checks.response, 201, "the creation through handleWeb");
  const location =
    checks.response.headers.get("location") ?? fail("the creation gave no Location.");
  const path = new URL(location, "http://app").pathname;
  const half = Math.floor(checks.bytes.length / 2);

  await expectStatus(
    await patch(`${checks.express}${path}`, 0, checks.bytes.subarray(0, half)),
    204,
    "the first PATCH through Express",
  );
  const head = await fetch(`${checks.fastify}${path}`, { method: "HEAD", headers: TUS });
  await expectStatus(head, 200, "HEAD through Fastify");
  const offset = Number(head.headers.get("upload-offset"));
  if (offset !== half) fail(`HEAD through Fastify says the offset is ${offset}, not ${half}.`);
  await expectStatus(
    await patch(`${checks.fastify}${path}`, offset, checks.bytes.subarray(offset)),
    204,
    "the last PATCH through Fastify",
  );

  const stored = await checks.confirm();
  if (!Buffer.from(stored).equals(Buffer.from(checks.bytes))) {
    fail("the confirmed file does not hold the bytes sent.");
  }
  const again = checks.creation;
  const second = await fetch(`${checks.express}${new URL(again.url).pathname}`, {
    method: "POST",
    headers: again.headers,
  });
  if (second.status < 400)
    fail(`a second creation with the same ticket answered ${second.status}.`);
  if (typeof (await checks.removeExpired()) !== "number") fail("removeExpired() gave no count.");
}
