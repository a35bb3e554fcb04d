// Two gallery processes with one configuration: media and private files on
// S3 (s3rver), records on PostgreSQL. What one process does, the other sees;
// at the end every stored object belongs to a record and every record's file
// exists.

import path from "node:path";
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Service, s3rverClient, startS3rver } from "../storage/services/start.js";
import { type PostgresCluster, postgresMissing, startPostgres } from "../support/postgres.js";
import { Client, form } from "./support/client.js";
import { sendCutOff, waitFor } from "./support/cut-off.js";
import { pdf, picture } from "./support/files.js";
import {
  createTestSite,
  filesUnder,
  type GalleryProcess,
  spawnGallery,
  type TestSite,
} from "./support/gallery.js";

const BUCKET = "gallery";

describe.skipIf(postgresMissing() !== undefined)(
  "two gallery processes on S3 and PostgreSQL",
  () => {
    let s3rver: Service;
    let s3: S3Client;
    let postgres: PostgresCluster;
    let site: TestSite;
    let first: GalleryProcess;
    let second: GalleryProcess;
    // biome-ignore lint/suspicious/noExplicitAny: the app's schema is untyped JavaScript.
    let db: Kysely<any>;
    /** Alice's session, made on the first process and used on both. */
    let viaFirst: Client;
    let viaSecond: Client;

    beforeAll(async () => {
      [s3rver, postgres] = await Promise.all([startS3rver([BUCKET]), startPostgres()]);
      s3 = s3rverClient(s3rver.endpoint);
      const database = await postgres.createDatabase();
      const s3url = (prefix: string) =>
        `s3://${BUCKET}/${prefix}?region=us-east-1&endpoint=${encodeURIComponent(s3rver.endpoint)}` +
        "&forcePathStyle=true&accessKeyId=S3RVER&secretAccessKey=S3RVER";
      site = await createTestSite({
        STOWAGE_MEDIA_STORAGE: s3url("media"),
        GALLERY_PRIVATE_STORAGE: s3url("private"),
        DATABASE_URL: database,
      });
      // Both start at once: the schema and the demo accounts must be created exactly once.
      [first, second] = await Promise.all([spawnGallery(site.env), spawnGallery(site.env)]);
      db = new Kysely({
        dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database }) }),
      });
      viaFirst = new Client(first.url);
      await viaFirst.signIn("alice", "wonderland");
      viaSecond = new Client(second.url);
      viaSecond.setCookie("gallery_session", viaFirst.cookie("gallery_session")!);
    });

    afterAll(async () => {
      await Promise.all([first?.stop(), second?.stop()]);
      await db?.destroy();
      s3?.destroy();
      await Promise.all([s3rver?.stop(), postgres?.stop()]);
      await site?.remove();
    });

    async function objects(prefix: string): Promise<string[]> {
      const names: string[] = [];
      let token: string | undefined;
      do {
        const page = await s3.send(
          new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix, ContinuationToken: token }),
        );
        for (const item of page.Contents ?? []) names.push(item.Key!.slice(prefix.length));
        token = page.NextContinuationToken;
      } while (token);
      return names.sort();
    }
    async function body(key: string): Promise<Buffer> {
      const reply = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
      return Buffer.from(await reply.Body!.transformToByteArray());
    }

    it("created the schema and the demo accounts once, though both started together", async () => {
      const users = await db.selectFrom("users").select("username").orderBy("username").execute();
      expect(users.map((user) => user.username)).toEqual(["alice", "bob"]);
    });

    it("shows a document uploaded through one process on the other, which downloads and deletes it", async () => {
      const bytes = pdf(300_000);
      const uploaded = await viaFirst.post(
        "/documents/upload",
        form({ title: "Shared plan", document_type: "pdf" }, { file: { name: "plan.pdf", bytes } }),
        { script: true },
      );
      expect(uploaded.status).toBe(201);
      const { id, file, url } = uploaded.json.document;
      expect(url).toBe(`${s3rver.endpoint}/${BUCKET}/media/${file}`);
      expect(await objects("media/documents/")).toEqual([file.slice("documents/".length)]);

      const list = await viaSecond.get("/documents");
      expect(list.text).toContain("Shared plan");
      expect(list.text).toContain(`href="${url}"`);
      const download = await fetch(url);
      expect(download.status).toBe(200);
      expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);

      expect((await viaSecond.post(`/documents/${id}/delete`)).status).toBe(303);
      expect(await objects("media/documents/")).toEqual([]);
      expect((await viaFirst.get("/documents")).text).not.toContain(`data-document-id="${id}"`);
    });

    it("lists a photo from one process on the other, and deletes it with its variants there", async () => {
      const uploaded = await viaFirst.post(
        "/photos/upload",
        form({ title: "Pier" }, { image: { name: "pier.jpg", bytes: await picture(2000, 1500) } }),
        { script: true },
      );
      expect(uploaded.status).toBe(201);
      const { id, thumb } = uploaded.json.photo;
      expect(await objects("media/photos/")).toHaveLength(4);

      const grid = await viaSecond.get("/photos");
      expect(grid.text).toContain(`src="${thumb}"`);
      const page = await viaSecond.get(`/photos/${id}`);
      expect(page.status).toBe(200);
      expect((await fetch(thumb)).status).toBe(200);

      expect((await viaSecond.post(`/photos/${id}/delete`)).status).toBe(303);
      expect(await objects("media/photos/")).toEqual([]);
    });

    it("hands out a working signed link from the other process for a private file", async () => {
      const uploaded = await viaFirst.post(
        "/private/upload",
        form(
          { title: "Passport scan" },
          { file: { name: "passport.txt", bytes: Buffer.from("P<UTO\n") } },
        ),
        { script: true },
      );
      expect(uploaded.status).toBe(201);
      const page = await viaSecond.get(uploaded.json.redirect);
      const link = /id="download-link" href="([^"]+)"/.exec(page.text)![1].replace(/&amp;/g, "&");
      expect(link).toMatch(
        new RegExp(`^${s3rver.endpoint}/${BUCKET}/private/u1/.+X-Amz-Signature=`),
      );
      expect(link).toMatch(/X-Amz-Expires=3600/);
      const download = await fetch(link);
      expect(download.status).toBe(200);
      expect(await download.text()).toBe("P<UTO\n");
      expect(await objects("media/")).not.toContain(expect.stringContaining("u1/"));
    });

    it("replaces the avatar through the first process and deletes the old objects", async () => {
      const once = await viaFirst.post(
        "/profile/avatar",
        form({}, { avatar: { name: "me.jpg", bytes: await picture(800, 800, { hue: 100 }) } }),
        { script: true },
      );
      expect(once.status).toBe(201);
      const before = await objects("media/avatars/");
      expect(before).toHaveLength(2);
      const twice = await viaFirst.post(
        "/profile/avatar",
        form({}, { avatar: { name: "me2.jpg", bytes: await picture(800, 800, { hue: 300 }) } }),
        { script: true },
      );
      expect(twice.status).toBe(201);
      const after = await objects("media/avatars/");
      expect(after).toHaveLength(2);
      for (const name of before) expect(after).not.toContain(name);
      expect((await viaSecond.get("/profile")).text).toContain(twice.json.avatar);
    });

    it("keeps exactly one avatar when both processes replace it at the same moment", async () => {
      const [a, b] = await Promise.all([
        viaFirst.post(
          "/profile/avatar",
          form({}, { avatar: { name: "a.jpg", bytes: await picture(700, 700, { hue: 10 }) } }),
          { script: true },
        ),
        viaSecond.post(
          "/profile/avatar",
          form({}, { avatar: { name: "b.jpg", bytes: await picture(700, 700, { hue: 60 }) } }),
          { script: true },
        ),
      ]);
      expect([a.status, b.status]).toEqual([201, 201]);
      const user = await db
        .selectFrom("users")
        .select("avatar")
        .where("username", "=", "alice")
        .executeTakeFirstOrThrow();
      const stored = await objects("media/avatars/");
      expect(stored).toHaveLength(2);
      expect(stored.every((name) => name.startsWith(user.avatar.slice("avatars/".length)))).toBe(
        true,
      );
    });

    it("keeps no object and no record of an upload cut off mid-body", async () => {
      // Both processes stream uploads into this folder before anything reaches the bucket.
      const temp = () => filesUnder(path.join(site.dir, "tmp"));
      const before = await objects("media/");
      const records = await db.selectFrom("documents").select("id").execute();
      await sendCutOff({
        url: new URL("/documents/upload", first.url).href,
        headers: { cookie: `gallery_session=${viaFirst.cookie("gallery_session")}` },
        body: form(
          { title: "Cut off", document_type: "pdf" },
          { file: { name: "cut.pdf", bytes: pdf(6 * 1024 * 1024) } },
        ),
        sendBytes: 4 * 1024 * 1024,
        cutWhen: () => waitFor(async () => (await temp()).length > 0, "the upload's temp file"),
      });
      await waitFor(async () => (await temp()).length === 0, "the temp file to be removed");
      expect(await objects("media/")).toEqual(before);
      expect(await db.selectFrom("documents").select("id").execute()).toEqual(records);
      // The process that lost the client still serves.
      expect((await viaFirst.get("/documents")).status).toBe(200);
    });

    it("ends with storage and database in agreement", async () => {
      // Leave some of everything behind, through both processes.
      await viaSecond.post(
        "/documents/upload",
        form(
          { title: "Kept", document_type: "other" },
          { file: { name: "kept.txt", bytes: Buffer.from("kept\n") } },
        ),
        { script: true },
      );
      await viaFirst.post(
        "/photos/upload",
        form(
          { title: "Kept photo" },
          { image: { name: "kept.png", bytes: await picture(640, 480, { format: "png" }) } },
        ),
        { script: true },
      );

      const referenced = {
        media: new Set<string>(),
        private: new Set<string>(),
      };
      for (const row of await db.selectFrom("documents").select("file").execute())
        referenced.media.add(row.file);
      for (const row of await db.selectFrom("photos").select("image").execute())
        referenced.media.add(row.image);
      for (const row of await db
        .selectFrom("users")
        .select("avatar")
        .where("avatar", "is not", null)
        .execute()) {
        referenced.media.add(row.avatar);
      }
      for (const row of await db.selectFrom("private_documents").select("file").execute())
        referenced.private.add(row.file);

      for (const storage of ["media", "private"] as const) {
        const stored = await objects(`${storage}/`);
        const names = referenced[storage];
        // No record without its file.
        for (const name of names) expect(stored, `${storage}: ${name}`).toContain(name);
        // No file without a record: each object is a referenced original or one of its variants.
        for (const object of stored) {
          const original = [...names].find(
            (name) => object === name || object.startsWith(`${name}.`),
          );
          expect(original, `${storage}: ${object} belongs to no record`).toBeDefined();
        }
      }
      expect(referenced.media.size).toBe(3);
      expect(referenced.private.size).toBe(1);
      const kept = await db.selectFrom("documents").select("file").executeTakeFirstOrThrow();
      expect((await body(`media/${kept.file}`)).toString()).toBe("kept\n");

      // The admin page of either process agrees: nothing is orphaned.
      const admin = await viaSecond.get("/admin");
      expect(admin.text).toMatch(/data-stat="orphans">0</);
    });
  },
);
