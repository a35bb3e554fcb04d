import { writeFile } from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, form } from "./support/client.js";
import { whileWritesFail } from "./support/failures.js";
import { picture } from "./support/files.js";
import {
  createTestSite,
  filesUnder,
  type RunningGallery,
  startGallery,
  type TestSite,
} from "./support/gallery.js";

let site: TestSite;
let running: RunningGallery;
let alice: Client;

beforeAll(async () => {
  site = await createTestSite();
  running = await startGallery(site.env);
  alice = new Client(running.url);
  await alice.signIn("alice", "wonderland");
});
afterAll(async () => {
  await running?.stop();
  await site?.remove();
});

const mediaDir = () => path.join(site.dir, "media");
const media = () => filesUnder(mediaDir());
const temp = () => filesUnder(path.join(site.dir, "tmp"));
const under = async (prefix: string) => (await media()).filter((name) => name.startsWith(prefix));

/** A script's JSON POST, as stowage/client sends to the app's routes. */
const postJson = (client: Client, target: string, body: unknown) =>
  client.request(target, {
    method: "POST",
    body: JSON.stringify(body),
    script: true,
    headers: { "content-type": "application/json" },
  });

describe("photos", () => {
  it("are stored resized to fit 1920x1080, with thumbnails, a medium size and a placeholder", async () => {
    const reply = await alice.post(
      "/photos/upload",
      form(
        { title: "Harbour at dusk" },
        { image: { name: "harbour.jpg", bytes: await picture(2400, 1600) } },
      ),
      { script: true },
    );
    expect(reply.status).toBe(201);
    const photo = reply.json.photo;
    expect(photo).toMatchObject({ title: "Harbour at dusk", width: 1620, height: 1080 });

    const stored = photo.url.replace(/^\/media\//, "");
    expect(stored).toMatch(/^photos\/\d{4}\/\d\d\/[0-9a-f-]{36}\.jpg$/);
    const meta = await sharp(path.join(mediaDir(), stored)).metadata();
    expect([meta.width, meta.height]).toEqual([1620, 1080]);
    const files = await under(stored);
    expect(files).toHaveLength(4);
    const thumb = files.find((name) => name.includes(".thumb-"))!;
    expect(await sharp(path.join(mediaDir(), thumb)).metadata()).toMatchObject({
      width: 300,
      height: 300,
      format: "webp",
    });
    expect(files.some((name) => name.includes(".thumb2x-"))).toBe(true);
    expect(files.some((name) => name.includes(".medium-"))).toBe(true);

    const grid = await alice.get("/photos");
    expect(grid.text).toMatch(
      /<img src="\/media\/photos\/[^"]+\.thumb-[0-9a-f]{8}\.webp" srcset="[^"]+ 300w, [^"]+ 600w"/,
    );
    expect(grid.text).toContain('loading="lazy"');
    expect(grid.text).toContain('width="300" height="300"');
    expect(grid.text).toMatch(/style="background-image:url\(data:image\/png;base64,/);

    const page = await alice.get(`/photos/${photo.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`src="${photo.url}"`);
    expect(page.text).toContain(`${photo.url} 1620w`);
    expect(page.text).toContain('width="1620" height="1080"');
    const thumbReply = await alice.get(photo.thumb);
    expect(thumbReply.status).toBe(200);
    expect(thumbReply.headers.get("content-type")).toBe("image/webp");
  });

  it("sent straight to storage are resized like a form upload, and their original let go", async () => {
    const bytes = await picture(2400, 1600);
    const prepared = await postJson(alice, "/uploads/prepare", {
      field: "image",
      filename: "pier.jpg",
      size: bytes.length,
    });
    expect(prepared.status).toBe(200);
    const upload = prepared.json.upload;
    expect(upload.method).toBe("PUT");
    const put = await fetch(new URL(upload.url, running.url), {
      method: "PUT",
      headers: upload.headers,
      body: new Uint8Array(bytes),
    });
    expect(put.status).toBe(201);
    const reply = await postJson(alice, "/photos/upload", {
      ticket: prepared.json.ticket,
      title: "Pier",
    });
    expect(reply.status).toBe(201);
    expect(reply.json.photo).toMatchObject({ title: "Pier", width: 1620, height: 1080 });
    const stored = reply.json.photo.url.replace(/^\/media\//, "");
    expect(await under(stored)).toHaveLength(4);
    // Neither the pending upload nor the checked original stays behind.
    expect(
      (await under("uploads/")).length +
        (await under("_pending/")).filter((name) => !name.includes("/claims/")).length,
    ).toBe(0);

    // Another user cannot confirm alice's upload.
    const again = await postJson(alice, "/uploads/prepare", {
      field: "image",
      filename: "pier.jpg",
      size: bytes.length,
    });
    const bob = new Client(running.url);
    await bob.signIn("bob", "builder");
    const stolen = await postJson(bob, "/photos/upload", {
      ticket: again.json.ticket,
      title: "Mine",
    });
    expect(stolen.status).toBe(403);
    expect(stolen.json.errors.__all__).toEqual(["The upload ticket was issued to someone else."]);
  });

  it("refused before a byte is sent when over the limit, in the form's words", async () => {
    const prepared = await postJson(alice, "/uploads/prepare", {
      field: "image",
      filename: "huge.jpg",
      size: 30 * 1024 * 1024,
    });
    expect(prepared.status).toBe(413);
    expect(prepared.json.errors.image).toEqual([
      "File size must be under 20MB. Your file is 30.00MB.",
    ]);
  });

  it("are deleted with their record, their file and every variant", async () => {
    const reply = await alice.post(
      "/photos/upload",
      form(
        { title: "Gone soon" },
        { image: { name: "gone.png", bytes: await picture(800, 600, { format: "png" }) } },
      ),
      { script: true },
    );
    const { id, url } = reply.json.photo;
    const stored = url.replace(/^\/media\//, "");
    expect(await under(stored)).toHaveLength(4);

    const bob = new Client(running.url);
    await bob.signIn("bob", "builder");
    expect((await bob.get(`/photos/${id}`)).status).toBe(404);
    expect((await bob.post(`/photos/${id}/delete`)).status).toBe(404);
    expect(await under(stored)).toHaveLength(4);

    const deleted = await alice.post(`/photos/${id}/delete`);
    expect(deleted.status).toBe(303);
    expect(await under(stored)).toEqual([]);
    expect((await alice.get(`/photos/${id}`)).status).toBe(404);
    const row = await running.gallery.db
      .selectFrom("photos")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirst();
    expect(row).toBeUndefined();
  });

  it("refuse a file that is not an image under an image name, keeping nothing", async () => {
    const before = await media();
    const reply = await alice.post(
      "/photos/upload",
      form(
        { title: "Broken" },
        { image: { name: "broken.jpg", bytes: Buffer.from("not a picture at all") } },
      ),
      { script: true },
    );
    expect(reply.status).toBe(400);
    expect(reply.json.errors.image).toEqual([
      "File type .txt is not allowed. Allowed types: .jpg, .jpeg, .png, .webp.",
    ]);
    expect(await media()).toEqual(before);
  });

  it("refused in a form post without JavaScript: the message beside the field, the title kept", async () => {
    const before = await media();
    const reply = await alice.post(
      "/photos/upload",
      form(
        { title: "My <harbour> at dusk" },
        { image: { name: "harbour.jpg", bytes: Buffer.from("not a picture at all") } },
      ),
    );
    expect(reply.status).toBe(400);
    expect(reply.headers.get("content-type")).toMatch(/^text\/html/);
    expect(reply.text).toMatch(
      /<div class="field invalid" data-field="image">(?:(?!data-field=)[\s\S])*<li>File type \.txt is not allowed\. Allowed types: \.jpg, \.jpeg, \.png, \.webp\.<\/li>/,
    );
    expect(reply.text).toContain('<div class="field" data-field="title">');
    expect(reply.text).toContain('name="title" value="My &lt;harbour&gt; at dusk"');
    expect(await media()).toEqual(before);
    expect(await temp()).toEqual([]);
  });

  it("refused without a file in a form post: asked for one beside the field, the title kept", async () => {
    const before = await media();
    const reply = await alice.post("/photos/upload", form({ title: "Forgot the picture" }));
    expect(reply.status).toBe(400);
    expect(reply.headers.get("content-type")).toMatch(/^text\/html/);
    expect(reply.text).toMatch(
      /<div class="field invalid" data-field="image">(?:(?!data-field=)[\s\S])*<li>Choose a file to upload\.<\/li>/,
    );
    expect(reply.text).toContain('name="title" value="Forgot the picture"');
    expect(await media()).toEqual(before);
  });

  it("refuse a truncated JPEG with the image library's reason, keeping nothing", async () => {
    const before = await media();
    const whole = await picture(640, 480);
    const reply = await alice.post(
      "/photos/upload",
      form({ title: "Cut" }, { image: { name: "cut.jpg", bytes: whole.subarray(0, 400) } }),
      { script: true },
    );
    expect(reply.status).toBe(400);
    expect(reply.json.errors.image).toHaveLength(1);
    expect(await media()).toEqual(before);
  });
});

describe("avatar", () => {
  it("shows the default image until one is uploaded", async () => {
    const bob = new Client(running.url);
    await bob.signIn("bob", "builder");
    const page = await bob.get("/profile");
    expect(page.text).toMatch(
      /class="avatar-large" src="\/static\/img\/default-avatar\.[0-9a-f]{12}\.svg"/,
    );
  });

  it("is stored resized; replacing it deletes the old file and its variants after the new one is saved", async () => {
    const first = await alice.post(
      "/profile/avatar",
      form({}, { avatar: { name: "me.jpg", bytes: await picture(1200, 900) } }),
      { script: true },
    );
    expect(first.status).toBe(201);
    const firstName = first.json.avatar.replace(/^\/media\//, "");
    expect(firstName).toMatch(/^avatars\/1\/[0-9a-f-]{36}\.webp$/);
    expect(await sharp(path.join(mediaDir(), firstName)).metadata()).toMatchObject({
      width: 400,
      height: 400,
    });
    expect(await under(firstName)).toHaveLength(2);
    const profile = await alice.get("/profile");
    expect(profile.text).toContain(`class="avatar-large" src="${first.json.avatar}"`);
    expect(profile.text).toMatch(
      /class="avatar-small" src="\/media\/avatars\/1\/[^"]+\.avatarSmall-[0-9a-f]{8}\.webp"/,
    );

    const second = await alice.post(
      "/profile/avatar",
      form(
        {},
        { avatar: { name: "me2.png", bytes: await picture(500, 500, { format: "png", hue: 30 }) } },
      ),
    );
    expect(second.status).toBe(303);
    const user = await running.gallery.db
      .selectFrom("users")
      .selectAll()
      .where("username", "=", "alice")
      .executeTakeFirst();
    expect(user.avatar).not.toBe(firstName);
    expect(await under("avatars/1/")).toEqual((await under(user.avatar)).sort());
    expect(await under(firstName)).toEqual([]);
  });

  it("keeps the old avatar, and no new file, when the database refuses the change", async () => {
    const before = await under("avatars/1/");
    expect(before.length).toBeGreaterThan(0);
    await whileWritesFail(running.gallery.db, "users", "UPDATE OF avatar", async () => {
      const reply = await alice.post(
        "/profile/avatar",
        form({}, { avatar: { name: "third.jpg", bytes: await picture(600, 600, { hue: 120 }) } }),
      );
      expect(reply.status).toBe(500);
      expect(await under("avatars/1/")).toEqual(before);
    });
  });

  it("refuses more than 2000x2000 pixels as displayed, EXIF rotation applied", async () => {
    const before = await media();
    const wide = await alice.post(
      "/profile/avatar",
      form({}, { avatar: { name: "wide.jpg", bytes: await picture(2400, 1600) } }),
      { script: true },
    );
    expect(wide.status).toBe(400);
    expect(wide.json.errors).toEqual({
      avatar: ["Image dimensions must be at most 2000x2000 pixels. Your image is 2400x1600."],
    });
    // Stored 2100 wide on its side: shown (and measured) 1500 wide and 2100 high.
    const turned = await alice.post(
      "/profile/avatar",
      form(
        {},
        { avatar: { name: "phone.jpg", bytes: await picture(2100, 1500, { orientation: 6 }) } },
      ),
      { script: true },
    );
    expect(turned.json.errors).toEqual({
      avatar: ["Image dimensions must be at most 2000x2000 pixels. Your image is 1500x2100."],
    });
    expect(await media()).toEqual(before);
  });

  it("refuses more than 2 MB in the site's words, and keeps the page's form", async () => {
    const noisy = await sharp(
      Buffer.alloc(900 * 900 * 3).map(() => Math.floor(Math.random() * 256)),
      {
        raw: { width: 900, height: 900, channels: 3 },
      },
    )
      .png({ compressionLevel: 0 })
      .toBuffer();
    expect(noisy.length).toBeGreaterThan(2 * 1024 * 1024);
    const reply = await alice.post(
      "/profile/avatar",
      form({}, { avatar: { name: "noise.png", bytes: noisy } }),
    );
    expect(reply.status).toBe(413);
    const size = (noisy.length / (1024 * 1024)).toFixed(2);
    expect(reply.text).toMatch(
      new RegExp(
        `data-field="avatar">[\\s\\S]*<li>File size must be under 2MB\\. Your file is ${size.replace(".", "\\.")}MB\\.</li>`,
      ),
    );
  });
});

describe("media serving", () => {
  it("never lists a folder", async () => {
    for (const folder of ["/media/documents/", "/media/photos/", "/media/", "/media-private/"]) {
      const reply = await alice.get(folder);
      expect(reply.status, folder).toBe(404);
      expect(reply.text).toContain("Not found");
    }
  });

  it("sends uploaded HTML, SVG and scripts as downloads under a sandbox, never inline", async () => {
    // The forms refuse these types; a file that reached storage another way must still be harmless.
    await writeFile(path.join(mediaDir(), "page.html"), "<script>alert(document.cookie)</script>");
    await writeFile(
      path.join(mediaDir(), "image.svg"),
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    );
    await writeFile(path.join(mediaDir(), "code.js"), "alert(1)");
    for (const name of ["page.html", "image.svg", "code.js"]) {
      const reply = await alice.get(`/media/${name}`);
      expect(reply.status, name).toBe(200);
      expect(reply.headers.get("content-disposition"), name).toMatch(/^attachment/);
      expect(reply.headers.get("content-security-policy"), name).toMatch(/sandbox/);
      expect(reply.headers.get("x-content-type-options"), name).toBe("nosniff");
    }
  });

  it("serves the stylesheet under its hashed name with immutable caching", async () => {
    const page = await alice.get("/documents");
    const href = /<link rel="stylesheet" href="([^"]+)"/.exec(page.text)![1];
    expect(href).toMatch(/^\/static\/css\/site\.[0-9a-f]{12}\.css$/);
    const css = await alice.get(href);
    expect(css.status).toBe(200);
    expect(css.headers.get("cache-control")).toBe("public, max-age=315360000, immutable");
    // The font it imports is hashed too, through the rewritten @import and url().
    const fonts = /@import url\("?(fonts\.[0-9a-f]{12}\.css)"?\)/.exec(css.text)![1];
    const fontsCss = await alice.get(`/static/css/${fonts}`);
    expect(fontsCss.text).toMatch(
      /url\("?\.\.\/vendor\/inter\/inter-latin-wght-normal\.[0-9a-f]{12}\.woff2"?\)/,
    );
  });
});
