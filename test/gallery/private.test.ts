import { mkdir, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Client, form } from "./support/client.js";
import { whileWritesFail } from "./support/failures.js";
import { exe, pdf } from "./support/files.js";
import {
  createTestSite,
  filesUnder,
  type RunningGallery,
  startGallery,
  type TestSite,
} from "./support/gallery.js";

const MB = 1024 * 1024;

let site: TestSite;
let running: RunningGallery;
let alice: Client;
let bob: Client;

beforeAll(async () => {
  site = await createTestSite();
  running = await startGallery(site.env);
  alice = new Client(running.url);
  await alice.signIn("alice", "wonderland");
  bob = new Client(running.url);
  await bob.signIn("bob", "builder");
});
afterAll(async () => {
  vi.useRealTimers();
  await running?.stop();
  await site?.remove();
});

const privateFiles = () => filesUnder(path.join(site.dir, "private"));
const SECRET_TEXT = "The treasure is under the third oak.\n";

/** Uploads a private file as alice; returns its id and the page's signed link. */
async function uploadPrivate(title: string, name = "notes.txt") {
  const reply = await alice.post(
    "/private/upload",
    form({ title }, { file: { name, bytes: Buffer.from(SECRET_TEXT) } }),
  );
  expect(reply.status).toBe(303);
  const id = Number(/^\/private\/(\d+)$/.exec(reply.headers.get("location")!)![1]);
  return { id, link: await linkOf(id) };
}

async function linkOf(id: number) {
  const page = await alice.get(`/private/${id}`);
  expect(page.status).toBe(200);
  return /id="download-link" href="([^"]+)"/.exec(page.text)![1].replace(/&amp;/g, "&");
}

describe("private documents", () => {
  it("are kept in the private storage and downloaded through a signed link", async () => {
    const { id, link } = await uploadPrivate("Treasure map", "map.txt");
    const files = await privateFiles();
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^u1\/[0-9a-f-]{36}\.txt$/);
    expect(await filesUnder(path.join(site.dir, "media"))).toEqual([]);

    expect(link).toMatch(/^\/media-private\/u1\/[0-9a-f-]{36}\.txt\?expires=\d+&.*signature=/);
    const expires = Number(new URL(link, running.url).searchParams.get("expires"));
    expect(expires * 1000 - Date.now()).toBeGreaterThan(3590_000);
    expect(expires * 1000 - Date.now()).toBeLessThanOrEqual(3600_000);

    const download = await alice.get(link);
    expect(download.status).toBe(200);
    expect(download.text).toBe(SECRET_TEXT);
    expect(download.headers.get("content-disposition")).toMatch(/^attachment; filename="map\.txt"/);
    expect(download.headers.get("cache-control")).toBe("private, no-store");

    // The same name has no public URL.
    expect((await alice.get(`/media/${files[0]}`)).status).toBe(404);
    // A signed link works for anyone who has it (it is the credential), but only until it expires.
    expect((await new Client(running.url).get(link)).status).toBe(200);
    expect((await alice.get(`/private/${id}`)).headers.get("cache-control")).toBe(
      "private, no-store",
    );
  });

  it("answer a tampered, unsigned or expired link with the 403 page", async () => {
    const { id, link } = await uploadPrivate("Contract");
    const url = new URL(link, running.url);
    const signature = url.searchParams.get("signature")!;

    const changed = new URL(url);
    changed.searchParams.set("signature", (signature[0] === "A" ? "B" : "A") + signature.slice(1));
    const later = new URL(url);
    later.searchParams.set("expires", String(Number(url.searchParams.get("expires")) + 86400));
    const unsigned = new URL(url.pathname, running.url);
    for (const bad of [changed, later, unsigned]) {
      const reply = await alice.get(bad.pathname + bad.search);
      expect(reply.status, bad.search).toBe(403);
      expect(reply.headers.get("content-type")).toMatch(/^text\/html/);
      expect(reply.text).toContain("This link is not valid");
      expect(reply.text).not.toContain(SECRET_TEXT.trim());
    }

    // A link made two hours ago expired an hour ago.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() - 2 * 3600_000 });
    const old = await linkOf(id);
    vi.useRealTimers();
    const expired = await alice.get(old);
    expect(expired.status).toBe(403);
    expect(expired.text).toContain("This link is not valid");
  });

  it("of another user are not found, never linked and never deleted", async () => {
    const { id, link } = await uploadPrivate("Alice's diary", "diary.txt");
    const page = await bob.get(`/private/${id}`);
    expect(page.status).toBe(404);
    expect(page.text).not.toContain("signature=");
    expect((await bob.get("/private")).text).not.toContain("Alice&#39;s diary");
    expect((await bob.post(`/private/${id}/delete`)).status).toBe(404);
    expect((await alice.get(link)).status).toBe(200);
    for (const target of [`/private/${id}x`, "/private/0", "/private/99999999999"]) {
      expect((await alice.get(target)).status, target).toBe(404);
    }
  });

  it("are deleted with their file", async () => {
    const { id, link } = await uploadPrivate("Old lease", "lease.txt");
    const name = new URL(link, running.url).pathname.replace("/media-private/", "");
    expect(await privateFiles()).toContain(name);
    const reply = await alice.post(`/private/${id}/delete`);
    expect(reply.status).toBe(303);
    expect(await privateFiles()).not.toContain(name);
    expect((await alice.get(`/private/${id}`)).status).toBe(404);
  });

  it("refuse bad files beside the field, keep the title, and keep no file", async () => {
    const before = await privateFiles();
    const reply = await alice.post(
      "/private/upload",
      form({ title: "Payroll" }, { file: { name: "payroll.pdf", bytes: exe() } }),
    );
    expect(reply.status).toBe(400);
    expect(reply.text).toMatch(/data-field="file">[\s\S]*<li>File type \.exe is not allowed\./);
    expect(reply.text).toContain('name="title" value="Payroll"');
    expect(await privateFiles()).toEqual(before);
  });

  it("refuse a file far over the limit while it streams in, keeping the title", async () => {
    const before = await privateFiles();
    const reply = await alice.post(
      "/private/upload",
      form({ title: "Archive" }, { file: { name: "archive.pdf", bytes: pdf(31 * MB) } }),
    );
    expect(reply.status).toBe(413);
    expect(reply.text).toMatch(
      /data-field="file">[\s\S]*<li>File size must be under 10MB\. Your file is larger than 30\.00MB\.<\/li>/,
    );
    expect(reply.text).toContain('name="title" value="Archive"');
    expect(await privateFiles()).toEqual(before);
  });

  it("refuse a form without a file in the site's words, keeping the title", async () => {
    const reply = await alice.post("/private/upload", form({ title: "Empty" }));
    expect(reply.status).toBe(400);
    expect(reply.text).toMatch(/data-field="file">[\s\S]*<li>Choose a file to upload\.<\/li>/);
    expect(reply.text).toContain('name="title" value="Empty"');
  });

  it("leave no file behind when the database write fails", async () => {
    const before = await privateFiles();
    await whileWritesFail(running.gallery.db, "private_documents", "INSERT", async () => {
      const reply = await alice.post(
        "/private/upload",
        form({ title: "Lost" }, { file: { name: "lost.txt", bytes: Buffer.from("x") } }),
        { script: true },
      );
      expect(reply.status).toBe(500);
      expect(await privateFiles()).toEqual(before);
    });
  });
});

describe("the admin page", () => {
  it("shows what the orphan sweep would delete, and deletes nothing", async () => {
    const folder = path.join(site.dir, "media", "documents", "2020", "01", "01");
    await mkdir(folder, { recursive: true });
    const old = path.join(folder, "forgotten.pdf");
    await writeFile(old, "%PDF-1.4 orphan");
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    await utimes(old, twoHoursAgo, twoHoursAgo);
    await writeFile(path.join(folder, "in-flight.pdf"), "%PDF-1.4 young");

    const page = await alice.get("/admin");
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/data-stat="orphans">1</);
    // Storage-qualified names when several storages are swept: "default:documents/...".
    expect(page.text).toMatch(/<code>(default:)?documents\/2020\/01\/01\/forgotten\.pdf<\/code>/);
    expect(page.text).not.toContain("in-flight.pdf</code>");
    expect(page.text).toMatch(/data-stat="young">[1-9]/);
    const media = await filesUnder(path.join(site.dir, "media"));
    expect(media).toContain("documents/2020/01/01/forgotten.pdf");
    expect(media).toContain("documents/2020/01/01/in-flight.pdf");
  });
});
