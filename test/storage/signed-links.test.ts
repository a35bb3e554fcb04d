import { describe, expect, it } from "vitest";
import { createMediaHandler, mediaOptionsFromConfig } from "../../src/serve/index.js";
import { createStoragesFromConfig } from "../../src/storage/index.js";

/*
 * A link signed by one storage opens its file under that storage's mount
 * only: the HMAC covers the mount's URL prefix, so the same name under
 * another mount (same secret) is refused.
 */
const SECRET = "one-secret-for-all";

async function setup() {
  const config = {
    secret: SECRET,
    media: {
      url: "/media/",
      storage: "memory://",
      storages: { invoices: "memory://", hr: "memory://" },
    },
  };
  const storages = createStoragesFromConfig(config);
  await storages.invoices.save("x.pdf", "invoice");
  await storages.hr.save("x.pdf", "salaries");
  const handler = createMediaHandler(mediaOptionsFromConfig(config, storages));
  const get = (target: string) => handler.respond({ method: "GET", target });
  return { storages, get };
}

describe("signed links through the media handler", () => {
  it("opens the file under the mount the link was signed for", async () => {
    const { storages, get } = await setup();
    const link = await storages.invoices.signedUrl("x.pdf", { expiresIn: 60 });
    expect(link.startsWith("/media-invoices/x.pdf?")).toBe(true);
    const response = await get(link);
    expect(response?.status).toBe(200);
  });

  it("does not open the same name under another mount with the same secret", async () => {
    const { storages, get } = await setup();
    const link = await storages.invoices.signedUrl("x.pdf", { expiresIn: 60 });
    const moved = link.replace("/media-invoices/", "/media-hr/");
    const response = await get(moved);
    expect(response?.status).toBe(403);
    expect(String(response?.body)).toMatch(/does not match the storage/);
  });
});
