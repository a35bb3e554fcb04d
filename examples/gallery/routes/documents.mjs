import express from "express";
import { uploadName } from "stowage/uploads";
import {
  answerDone,
  answerRefusal,
  checkChoice,
  checkFile,
  checkText,
  readForm,
  refuse,
} from "../lib/forms.mjs";
import { findOwned } from "../lib/owned.mjs";
import { DOCUMENT_TYPES, documentsPage } from "../views/documents.mjs";

export const DOCUMENT_RULES = {
  field: "file",
  extensions: ["pdf", "doc", "docx", "txt", "jpg", "png"],
  maxSize: 10 * 1024 * 1024,
};

/** @param {import("express").Express} app @param {import("./deps.mjs").Deps} deps */
export function registerDocuments(
  app,
  { db, media, storages, direct, sessions, pageContext, showError },
) {
  /** @param {number} userId */
  async function listDocuments(userId) {
    const rows = await db
      .selectFrom("documents")
      .selectAll()
      .where("user_id", "=", userId)
      .orderBy("id", "desc")
      .execute();
    return rows.map((row) => ({ ...row, url: storages.default.url(row.file) }));
  }

  app.get("/documents", async (req, res) => {
    const documents = await listDocuments(res.locals.user.id);
    res.send(String(documentsPage(pageContext(req, res), { documents, rules: DOCUMENT_RULES })));
  });

  app.post("/documents/upload", express.json(), async (req, res) => {
    const user = res.locals.user;
    /** @type {Record<string, string>} */
    let values = {};
    try {
      // A large file arrives first straight in storage (stowage/client); its ticket comes here.
      const sent = req.is("application/json") ? req.body : undefined;
      const form = sent
        ? undefined
        : await readForm(req, res, { fileField: "file", maxFileSize: DOCUMENT_RULES.maxSize });
      values = sent ?? form?.fields ?? {};
      refuse([
        ...checkText("title", values.title, { maxLength: 200 }),
        ...checkChoice(
          "document_type",
          values.document_type,
          DOCUMENT_TYPES.map(([value]) => value),
        ),
        ...(form?.refused ?? []),
        ...(await checkFile(form?.file, DOCUMENT_RULES)),
      ]);
      const file = form?.file;
      const document = await media.unitOfWork(async (unit) => {
        const stored = sent
          ? await direct.confirm(sent.ticket, { owner: String(user.id), unit })
          : {
              // A folder template: the client's name, made safe, in a dated folder.
              name: await file.saveTo(
                unit.storage(),
                uploadName("documents/%Y/%m/%d/", file.filename),
              ),
              filename: file.filename,
              size: file.size,
            };
        const row = {
          user_id: user.id,
          title: values.title.trim(),
          document_type: values.document_type,
          file: stored.name,
          original_name: stored.filename,
          size: stored.size,
          uploaded_at: new Date().toISOString(),
        };
        const { id } = await db
          .insertInto("documents")
          .values(row)
          .returning("id")
          .executeTakeFirstOrThrow();
        return { id, ...row, url: storages.default.url(stored.name) };
      });
      answerDone(req, res, sessions, {
        message: `“${document.title}” is uploaded.`,
        redirect: "/documents",
        status: 201,
        details: { document },
      });
    } catch (error) {
      await answerRefusal(req, res, error, async (errors, typed) =>
        documentsPage(pageContext(req, res), {
          documents: await listDocuments(user.id),
          rules: DOCUMENT_RULES,
          values: { ...typed, ...values },
          errors,
        }),
      );
    }
  });

  app.post("/documents/:id/delete", async (req, res) => {
    const doc = await findOwned(db, "documents", req, res);
    if (!doc) return showError(req, res, 404, "There is no such document.");
    await media.unitOfWork(async (unit) => {
      await db.deleteFrom("documents").where("id", "=", doc.id).execute();
      unit.remove(doc.file);
    });
    answerDone(req, res, sessions, {
      message: `“${doc.title}” is deleted.`,
      redirect: "/documents",
    });
  });
}
