import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, form } from "./support/client.js";
import { pdf } from "./support/files.js";
import {
  createTestSite,
  filesUnder,
  type RunningGallery,
  startGallery,
  type TestSite,
} from "./support/gallery.js";

let site: TestSite;
let running: RunningGallery;

beforeAll(async () => {
  site = await createTestSite();
  running = await startGallery(site.env);
});
afterAll(async () => {
  await running?.stop();
  await site?.remove();
});

const PAGES = [
  "/",
  "/documents",
  "/photos",
  "/photos/1",
  "/profile",
  "/private",
  "/private/1",
  "/admin",
];

describe("signed out", () => {
  it.each(PAGES)("GET %s sends the visitor to sign in, and back afterwards", async (page) => {
    const client = new Client(running.url);
    const reply = await client.get(page);
    expect(reply.status).toBe(303);
    expect(reply.headers.get("location")).toBe(`/login?next=${encodeURIComponent(page)}`);

    const signIn = await client.post(
      "/login",
      new URLSearchParams({ username: "bob", password: "builder", next: page }),
    );
    expect(signIn.status).toBe(303);
    expect(signIn.headers.get("location")).toBe(page);
  });

  it("refuses uploads from a script with 401 JSON and keeps nothing", async () => {
    const client = new Client(running.url);
    const reply = await client.post(
      "/documents/upload",
      form({ title: "Sneaky", document_type: "pdf" }, { file: { name: "a.pdf", bytes: pdf() } }),
      { script: true },
    );
    expect(reply.status).toBe(401);
    expect(reply.json).toEqual({ success: false, errors: { __all__: ["Sign in first."] } });
    expect(await filesUnder(`${site.dir}/media`)).toEqual([]);
  });

  it("sends a form post to sign in", async () => {
    const client = new Client(running.url);
    const reply = await client.post("/photos/1/delete");
    expect(reply.status).toBe(303);
    expect(reply.headers.get("location")).toBe("/login?next=%2F");
  });

  it("treats a session cookie with a changed signature as no session", async () => {
    const client = new Client(running.url);
    await client.signIn("bob", "builder");
    const token = client.cookie("gallery_session")!;
    const [payload] = token.split(".");
    // Claim to be user 1 (alice) with bob's signature.
    const forged = Buffer.from(JSON.stringify({ uid: 1, exp: Date.now() + 3_600_000 })).toString(
      "base64url",
    );
    expect(forged).not.toBe(payload);
    client.setCookie("gallery_session", `${forged}.${token.split(".")[1]}`);
    const reply = await client.get("/admin");
    expect(reply.status).toBe(303);
    expect(reply.headers.get("location")).toBe("/login?next=%2Fadmin");
  });
});

describe("sign in", () => {
  it("shows the demo accounts and their passwords", async () => {
    const reply = await new Client(running.url).get("/login");
    expect(reply.status).toBe(200);
    for (const text of ["alice", "wonderland", "bob", "builder"])
      expect(reply.text).toContain(`<code>${text}</code>`);
  });

  it("refuses a wrong password beside the form, keeps the username and never echoes the password", async () => {
    const client = new Client(running.url);
    const reply = await client.post(
      "/login",
      new URLSearchParams({ username: "alice", password: "not-her-password" }),
    );
    expect(reply.status).toBe(400);
    expect(reply.text).toContain("Please enter a correct username and password.");
    expect(reply.text).toMatch(/name="username" value="alice"/);
    expect(reply.text).not.toContain("not-her-password");
    expect(client.cookie("gallery_session")).toBeUndefined();
  });

  it("answers an unknown user exactly as a wrong password", async () => {
    const client = new Client(running.url);
    const unknown = await client.post(
      "/login",
      new URLSearchParams({ username: "mallory", password: "x" }),
    );
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain("Please enter a correct username and password.");
  });

  it("asks for both fields, each beside its input", async () => {
    const reply = await new Client(running.url).post(
      "/login",
      new URLSearchParams({ username: "", password: "" }),
      {
        script: true,
      },
    );
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({
      success: false,
      errors: { username: ["This field is required."], password: ["This field is required."] },
    });
  });

  it("signs in with an HttpOnly, SameSite cookie and never redirects off the site", async () => {
    const client = new Client(running.url);
    const reply = await client.post(
      "/login",
      new URLSearchParams({ username: "alice", password: "wonderland", next: "//evil.example/" }),
    );
    expect(reply.status).toBe(303);
    expect(reply.headers.get("location")).toBe("/documents");
    const cookie = reply.headers
      .getSetCookie()
      .find((value) => value.startsWith("gallery_session="));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect((await client.get("/documents")).status).toBe(200);
  });

  it("signs out", async () => {
    const client = new Client(running.url);
    await client.signIn("alice", "wonderland");
    const out = await client.post("/logout");
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe("/login");
    const page = await client.get("/login");
    expect(page.text).toContain("You are signed out.");
    expect((await client.get("/documents")).status).toBe(303);
  });
});

describe("pages", () => {
  it("refuse form posts from another site", async () => {
    const client = new Client(running.url);
    await client.signIn("alice", "wonderland");
    const reply = await client.post(
      "/documents/upload",
      form({ title: "x", document_type: "pdf" }, { file: { name: "a.pdf", bytes: pdf() } }),
      { headers: { origin: "http://evil.example" } },
    );
    expect(reply.status).toBe(403);
    expect(await filesUnder(`${site.dir}/media`)).toEqual([]);
  });

  it("answer an unknown address with the site's 404 page", async () => {
    const client = new Client(running.url);
    await client.signIn("bob", "builder");
    const reply = await client.get("/nowhere");
    expect(reply.status).toBe(404);
    expect(reply.text).toContain("Not found");
    expect(reply.text).toContain("<title>Not found · Stowage Gallery</title>");
  });

  it("keep the admin page for administrators", async () => {
    const bob = new Client(running.url);
    await bob.signIn("bob", "builder");
    const refused = await bob.get("/admin");
    expect(refused.status).toBe(403);
    expect(refused.text).toContain("Only administrators can open this page.");
    expect(refused.text).not.toContain('href="/admin"');

    const alice = new Client(running.url);
    await alice.signIn("alice", "wonderland");
    const page = await alice.get("/admin");
    expect(page.status).toBe(200);
    expect(page.text).toContain("dry-run");
  });
});
