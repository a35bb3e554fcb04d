import { uploadName } from "stowage/uploads";
import {
  answerDone,
  answerRefusal,
  checkFile,
  checkText,
  readForm,
  refuse,
} from "../lib/forms.mjs";
import { findOwned } from "../lib/owned.mjs";
import { privateDocumentPage, privateListPage } from "../views/private.mjs";
import { DOCUMENT_RULES } from "./documents.mjs";

/** How long a download link works, in seconds. */
export const LINK_LIFETIME = 3600;

/** @param {import("express").Express} app @param {import("./deps.mjs").Deps} deps */
export function registerPrivate(app, { db, media, storages, sessions, pageContext, showError }) {
  const storage = storages.private;
  /** @param {number} userId */
  const listDocuments = (userId) =>
    db
      .selectFrom("private_documents")
      .selectAll()
      .where("user_id", "=", userId)
      .orderBy("id", "desc")
      .execute();

  app.get("/private", async (req, res) => {
    const documents = await listDocuments(res.locals.user.id);
    res.send(String(privateListPage(pageContext(req, res), { documents, rules: DOCUMENT_RULES })));
  });

  app.post("/private/upload", async (req, res) => {
    const user = res.locals.user;
    /** @type {Record<string, string>} */
    let values = {};
    try {
      const form = await readForm(req, res, {
        fileField: "file",
        maxFileSize: DOCUMENT_RULES.maxSize,
      });
      values = form.fields;
      refuse([
        ...checkText("title", values.title, { maxLength: 200 }),
        ...form.refused,
        ...(await checkFile(form.file, DOCUMENT_RULES)),
      ]);
      const file = /** @type {import("stowage/uploads").UploadedFile} */ (form.file);
      const document = await media.unitOfWork(async (unit) => {
        // An unguessable name: the client's name is kept in the record only.
        const name = await file.saveTo(
          unit.storage("private"),
          uploadName("u{user}/{uuid}.{ext}", file.filename, { user: user.id }),
        );
        const row = {
          user_id: user.id,
          title: values.title.trim(),
          file: name,
          original_name: file.filename,
          size: file.size,
          uploaded_at: new Date().toISOString(),
        };
        const { id } = await db
          .insertInto("private_documents")
          .values(row)
          .returning("id")
          .executeTakeFirstOrThrow();
        return { id, title: row.title };
      });
      const page = `/private/${document.id}`;
      answerDone(req, res, sessions, {
        message: `“${document.title}” is stored privately.`,
        redirect: page,
        status: 201,
        details: { document },
      });
    } catch (error) {
      await answerRefusal(req, res, error, async (errors, typed) =>
        privateListPage(pageContext(req, res), {
          documents: await listDocuments(user.id),
          rules: DOCUMENT_RULES,
          values: { ...typed, ...values },
          errors,
        }),
      );
    }
  });

  app.get("/private/:id", async (req, res) => {
    const doc = await findOwned(db, "private_documents", req, res);
    if (!doc) return showError(req, res, 404, "There is no such document.");
    const link = await storage.signedUrl(doc.file, {
      expiresIn: LINK_LIFETIME,
      disposition: { type: "attachment", filename: doc.original_name },
    });
    // The page holds a live link: keep it out of shared caches and history restores.
    res.set("Cache-Control", "private, no-store");
    res.send(
      String(
        privateDocumentPage(pageContext(req, res), {
          doc,
          link,
          expiresAt: new Date(Date.now() + LINK_LIFETIME * 1000),
        }),
      ),
    );
  });

  app.post("/private/:id/delete", async (req, res) => {
    const doc = await findOwned(db, "private_documents", req, res);
    if (!doc) return showError(req, res, 404, "There is no such document.");
    await media.unitOfWork(async (unit) => {
      await db.deleteFrom("private_documents").where("id", "=", doc.id).execute();
      unit.remove(doc.file, { storage: "private" });
    });
    answerDone(req, res, sessions, { message: `“${doc.title}” is deleted.`, redirect: "/private" });
  });
}
