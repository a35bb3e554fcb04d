// Large files go from the browser straight to storage (stowage/client): the
// page asks /uploads/prepare for a ticket, sends the bytes, then posts the
// ticket with the rest of the form to the usual route, which confirms it.
import express from "express";
import { createDirectUploads } from "stowage/uploads";
import { DOCUMENT_RULES } from "../routes/documents.mjs";
import { PHOTO_RULES } from "../routes/photos.mjs";
import { answerRefusal, checkNameAndSize, refuse } from "./forms.mjs";

/** The forms' file fields, with the rules their form posts apply. */
const RULES = { [DOCUMENT_RULES.field]: DOCUMENT_RULES, [PHOTO_RULES.field]: PHOTO_RULES };

/**
 * @param {import("express").Express} app
 * @param {{ storages: import("./../routes/deps.mjs").Deps["storages"], secret: string }} options
 */
export function directUploads(app, { storages, secret }) {
  const direct = createDirectUploads({
    storages,
    secret,
    fields: {
      [DOCUMENT_RULES.field]: {
        maxSize: DOCUMENT_RULES.maxSize,
        extensions: DOCUMENT_RULES.extensions,
        uploadTo: "documents/%Y/%m/%d/",
      },
      // The original waits here until the photo route has stored its resized copy.
      [PHOTO_RULES.field]: {
        maxSize: PHOTO_RULES.maxSize,
        extensions: PHOTO_RULES.extensions,
        uploadTo: "uploads/{uuid}.{ext}",
      },
    },
  });
  // The tickets say who may send what; the endpoint needs no session.
  app.use(direct.nodeHandler());
  return {
    direct,
    /** The prepare route, for signed-in users: the form's own checks first, in its words. */
    routes() {
      app.post("/uploads/prepare", express.json(), async (req, res) => {
        try {
          const rules = RULES[req.body?.field];
          if (rules) refuse(checkNameAndSize(req.body, rules));
          res.json(await direct.prepare(req.body, { owner: String(res.locals.user.id) }));
        } catch (error) {
          await answerRefusal(req, res, error, async () => "");
        }
      });
    },
  };
}
