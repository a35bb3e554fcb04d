import { request } from "node:http";

/** The few tus 1.0 requests the tests make, each as raw as a browser's. */
export const TUS = { "Tus-Resumable": "1.0.0" };

export function metadataHeader(metadata: Record<string, string>): string {
  return Object.entries(metadata)
    .map(([key, value]) => `${key} ${Buffer.from(value).toString("base64")}`)
    .join(",");
}

export async function createUpload(
  base: string,
  path: string,
  length: number | "deferred",
  metadata: Record<string, string>,
): Promise<Response> {
  const headers: Record<string, string> = { ...TUS, "Upload-Metadata": metadataHeader(metadata) };
  if (length === "deferred") headers["Upload-Defer-Length"] = "1";
  else headers["Upload-Length"] = String(length);
  return fetch(new URL(path, base), { method: "POST", headers });
}

export async function offsetOf(url: URL): Promise<number> {
  const response = await fetch(url, { method: "HEAD", headers: TUS });
  if (response.status !== 200) throw new Error(`HEAD answered ${response.status}`);
  return Number(response.headers.get("upload-offset"));
}

export async function patch(url: URL, offset: number, bytes: Buffer): Promise<Response> {
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

/**
 * A PATCH of `bytes` from `offset` whose connection is closed once `cutAfter`
 * bytes were written to the socket and the server has stored some of them
 * (`stored()` says), as a browser losing its network would.
 */
export async function patchCut(
  url: URL,
  offset: number,
  bytes: Buffer,
  cutAfter: number,
  stored: () => Promise<number>,
): Promise<number> {
  const req = request(url, {
    method: "PATCH",
    headers: {
      ...TUS,
      "Upload-Offset": String(offset),
      "Content-Type": "application/offset+octet-stream",
      "Content-Length": String(bytes.length),
    },
  });
  req.on("error", () => undefined);
  const closed = new Promise<void>((resolve) => req.once("close", () => resolve()));
  await new Promise<void>((resolve) => req.write(bytes.subarray(0, cutAfter), () => resolve()));
  for (;;) {
    if ((await stored()) > 0) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  req.destroy();
  await closed;
  return cutAfter;
}
