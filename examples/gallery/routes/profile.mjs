import { answerDone, answerRefusal, checkFile, readForm, refuse } from "../lib/forms.mjs";
import { storeImage } from "../lib/images.mjs";
import { profilePage } from "../views/profile.mjs";

export const AVATAR_RULES = {
  field: "avatar",
  extensions: ["jpg", "jpeg", "png", "webp"],
  maxSize: 2 * 1024 * 1024,
  /** @type {[number, number]} */
  maxDimensions: [2000, 2000],
};

/** @param {import("express").Express} app @param {import("./deps.mjs").Deps} deps */
export function registerProfile(
  app,
  { db, media, storages, statics, variants, sessions, pageContext },
) {
  /** @param {import("express").Request} req @param {import("express").Response} res @param {Record<string, string[]>} [errors] */
  async function render(req, res, errors = {}) {
    const user = res.locals.user;
    /** @param {string} table */
    const count = async (table) =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as("n"))
            .where("user_id", "=", user.id)
            .executeTakeFirst()
        )?.n ?? 0,
      );
    return profilePage(pageContext(req, res), {
      avatar: user.avatar
        ? { url: storages.default.url(user.avatar), isDefault: false }
        : { url: statics.url("img/default-avatar.svg"), isDefault: true },
      memberSince: user.created_at,
      counts: {
        documents: await count("documents"),
        photos: await count("photos"),
        privateDocuments: await count("private_documents"),
      },
      rules: AVATAR_RULES,
      errors,
    });
  }

  app.get("/profile", async (req, res) => {
    res.send(String(await render(req, res)));
  });

  app.post("/profile/avatar", async (req, res) => {
    const user = res.locals.user;
    try {
      const form = await readForm(req, res, {
        fileField: "avatar",
        maxFileSize: AVATAR_RULES.maxSize,
      });
      refuse([...form.refused, ...(await checkFile(form.file, AVATAR_RULES))]);
      const file = /** @type {import("stowage/uploads").UploadedFile} */ (form.file);
      const avatar = await media.unitOfWork(async (unit) => {
        const stored = await storeImage(unit, file, {
          field: "avatar",
          folder: `avatars/${user.id}/`,
          transform: { cover: [400, 400], format: "webp" },
          variants,
          only: ["avatarSmall"],
        });
        // Deleted with its variants only after the new name is committed.
        unit.remove(await swapAvatar(db, user.id, user.avatar, stored.name));
        return stored.name;
      });
      answerDone(req, res, sessions, {
        message: "Your avatar is updated.",
        redirect: "/profile",
        status: 201,
        details: { avatar: storages.default.url(avatar) },
      });
    } catch (error) {
      await answerRefusal(req, res, error, (errors) => render(req, res, errors));
    }
  });
}

/**
 * Sets the new avatar and returns the one it replaced. A compare-and-set, so
 * two uploads at once (two tabs, two app processes) each learn exactly which
 * name they replaced and none is left unreferenced.
 * @param {import("kysely").Kysely<any>} db @param {number} userId
 * @param {string | null} seen the avatar when the request started
 * @param {string} name
 * @returns {Promise<string | null>}
 */
async function swapAvatar(db, userId, seen, name) {
  let old = seen;
  for (;;) {
    const result = await db
      .updateTable("users")
      .set({ avatar: name })
      .where("id", "=", userId)
      .where("avatar", old === null ? "is" : "=", old)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 1) return old;
    const row = await db
      .selectFrom("users")
      .select("avatar")
      .where("id", "=", userId)
      .executeTakeFirstOrThrow();
    old = row.avatar;
  }
}
