import express from "express";
import {
  answerDone,
  answerRefusal,
  checkFile,
  checkText,
  readForm,
  refuse,
} from "../lib/forms.mjs";
import { photoView, storeImage } from "../lib/images.mjs";
import { findOwned } from "../lib/owned.mjs";
import { photoPage, photosPage } from "../views/photos.mjs";

export const PHOTO_RULES = {
  field: "image",
  extensions: ["jpg", "jpeg", "png", "webp"],
  maxSize: 20 * 1024 * 1024,
};

/** @param {import("express").Express} app @param {import("./deps.mjs").Deps} deps */
export function registerPhotos(
  app,
  { db, media, storages, direct, variants, sessions, pageContext, showError },
) {
  /** @param {number} userId */
  async function listPhotos(userId) {
    const rows = await db
      .selectFrom("photos")
      .selectAll()
      .where("user_id", "=", userId)
      .orderBy("id", "desc")
      .execute();
    return rows.map((row) => photoView(row, storages.default, variants));
  }

  app.get("/photos", async (req, res) => {
    const photos = await listPhotos(res.locals.user.id);
    res.send(String(photosPage(pageContext(req, res), { photos, rules: PHOTO_RULES })));
  });

  app.post("/photos/upload", express.json(), async (req, res) => {
    const user = res.locals.user;
    /** @type {Record<string, string>} */
    let values = {};
    try {
      // A large photo arrives first straight in storage (stowage/client); its ticket comes here.
      const sent = req.is("application/json") ? req.body : undefined;
      const form = sent
        ? undefined
        : await readForm(req, res, { fileField: "image", maxFileSize: PHOTO_RULES.maxSize });
      values = sent ?? form?.fields ?? {};
      refuse([
        ...checkText("title", values.title, { maxLength: 200 }),
        ...(form?.refused ?? []),
        ...(await checkFile(form?.file, PHOTO_RULES)),
      ]);
      const photo = await media.unitOfWork(async (unit) => {
        let file = form?.file;
        if (sent) {
          // The checked original is resized like a form upload, then let go: nothing refers to it.
          const original = await direct.confirm(sent.ticket, { owner: String(user.id), unit });
          file = {
            filename: original.filename,
            path: undefined,
            bytes: () => storages.default.read(original.name),
          };
          unit.remove(original.name);
        }
        const stored = await storeImage(unit, file, {
          field: "image",
          folder: "photos/%Y/%m/",
          transform: { fit: [1920, 1080] },
          variants,
          only: ["thumb", "thumb2x", "medium"],
          placeholder: true,
        });
        const row = {
          user_id: user.id,
          title: values.title.trim(),
          image: stored.name,
          width: stored.width,
          height: stored.height,
          thumbhash: stored.placeholder ?? null,
          uploaded_at: new Date().toISOString(),
        };
        const { id } = await db
          .insertInto("photos")
          .values(row)
          .returning("id")
          .executeTakeFirstOrThrow();
        return photoView({ id, ...row }, storages.default, variants);
      });
      answerDone(req, res, sessions, {
        message: `“${photo.title}” is added.`,
        redirect: "/photos",
        status: 201,
        details: { photo },
      });
    } catch (error) {
      await answerRefusal(req, res, error, async (errors, typed) =>
        photosPage(pageContext(req, res), {
          photos: await listPhotos(user.id),
          rules: PHOTO_RULES,
          values: { ...typed, ...values },
          errors,
        }),
      );
    }
  });

  app.get("/photos/:id", async (req, res) => {
    const row = await findOwned(db, "photos", req, res);
    if (!row) return showError(req, res, 404, "There is no such photo.");
    res.send(String(photoPage(pageContext(req, res), photoView(row, storages.default, variants))));
  });

  app.post("/photos/:id/delete", async (req, res) => {
    const row = await findOwned(db, "photos", req, res);
    if (!row) return showError(req, res, 404, "There is no such photo.");
    await media.unitOfWork(async (unit) => {
      await db.deleteFrom("photos").where("id", "=", row.id).execute();
      // The stored image and every size made from it go once the record is gone.
      unit.remove(row.image);
    });
    answerDone(req, res, sessions, { message: `“${row.title}” is deleted.`, redirect: "/photos" });
  });
}
