// The gallery as an Express app: `createGallery({ env })` wires Stowage's
// storages, handlers and URL helper to the records and the routes.
// server.mjs runs it; the tests create it in-process or as child processes.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import express from "express";
import { createStaticUrls, resolveConfig } from "stowage";
import { variantName } from "stowage/images";
import { mediaFromConfig, parseDatabaseUrl } from "stowage/media";
import { createStoragesFromConfig } from "stowage/storage";
import { galleryConfig } from "./config.mjs";
import { createSessions } from "./lib/auth.mjs";
import { migrate, seedDemoUsers } from "./lib/database.mjs";
import { wantsJson } from "./lib/forms.mjs";
import { pageHeaders, securityHeaders } from "./lib/security.mjs";
import { filesMiddleware } from "./lib/serving.mjs";
import { registerAdmin } from "./routes/admin.mjs";
import { registerAuth } from "./routes/auth.mjs";
import { registerDocuments } from "./routes/documents.mjs";
import { registerPhotos } from "./routes/photos.mjs";
import { registerPrivate } from "./routes/private.mjs";
import { registerProfile } from "./routes/profile.mjs";
import { errorPage } from "./views/layout.mjs";

export const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * @param {{ env?: NodeJS.ProcessEnv }} [options]
 */
export async function createGallery({ env = process.env } = {}) {
  const input = galleryConfig(env);
  const config = resolveConfig(input, here, {
    file: path.join(here, "stowage.config.mjs"),
    env,
  });
  const secret = /** @type {string} */ (config.secret);
  let statics;
  try {
    statics = createStaticUrls({ url: config.static.url, root: config.static.root });
  } catch (error) {
    throw new Error(
      `The static files are not collected in ${config.static.root}: run \`npm start\`, or \`npx stowage collect --config examples/gallery/stowage.config.mjs\`.`,
      { cause: error },
    );
  }
  const storages = createStoragesFromConfig(config);
  // A fresh checkout has no var/ yet: SQLite creates the file, not its folder.
  const location = parseDatabaseUrl(config.media.database, { baseDir: config.baseDir });
  if (location.dialect === "sqlite" && location.file !== ":memory:") {
    mkdirSync(path.dirname(location.file), { recursive: true });
  }
  // Records and files together: media.db is the Kysely instance the routes
  // query, media.unitOfWork keeps stored files in step with it.
  const media = await mediaFromConfig(config, { storages });
  const db = /** @type {import("kysely").Kysely<any>} */ (media.db);
  await migrate(db);
  await seedDemoUsers(db);
  const sessions = createSessions(secret);
  const variants = config.images.variants;

  /**
   * The pieces every page needs.
   * @param {import("express").Request} req @param {import("express").Response} res
   * @returns {import("./views/layout.mjs").PageContext}
   */
  function pageContext(req, res) {
    const user = res.locals.user;
    return {
      statics,
      user,
      avatarUrl: user?.avatar
        ? storages.default.url(variantName(user.avatar, "avatarSmall", variants.avatarSmall))
        : statics.url("img/default-avatar.svg"),
      flash: sessions.takeFlash(req, res),
    };
  }
  const setPageHeaders = pageHeaders(storages);
  /** @param {import("express").Request} req @param {import("express").Response} res @param {number} status @param {string} message */
  async function showError(req, res, status, message) {
    setPageHeaders(res);
    // Media errors come before the user is looked up; the page still shows who is signed in.
    if (!("user" in res.locals)) res.locals.user = await currentUser(req).catch(() => undefined);
    res
      .status(status)
      .type("html")
      .send(String(errorPage(pageContext(req, res), status, message)));
  }

  /** The signed-in user (a valid session naming an existing user), or undefined. @param {import("express").Request} req */
  async function currentUser(req) {
    const id = sessions.userId(req);
    if (id === undefined) return undefined;
    return db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
  }

  const app = express();
  app.disable("x-powered-by");
  // Forms read the config's upload settings (media.uploads) and add their own limits.
  app.locals.config = config;
  // Static files and media first: they carry their own headers.
  app.use(filesMiddleware(config, storages, showError));
  app.use(securityHeaders(setPageHeaders));

  app.use(async (req, res, next) => {
    res.locals.user = await currentUser(req);
    next();
  });

  const deps = { config, media, db, storages, statics, sessions, variants, pageContext, showError };
  registerAuth(app, deps);
  // Every page below needs a signed-in user.
  app.use((req, res, next) => {
    if (res.locals.user) return next();
    if (wantsJson(req)) {
      return res.status(401).json({ success: false, errors: { __all__: ["Sign in first."] } });
    }
    const nextUrl = req.method === "GET" ? req.originalUrl : "/";
    res.redirect(303, `/login?next=${encodeURIComponent(nextUrl)}`);
  });
  app.get("/", (_req, res) => res.redirect(303, "/documents"));
  registerDocuments(app, deps);
  registerPhotos(app, deps);
  registerProfile(app, deps);
  registerPrivate(app, deps);
  registerAdmin(app, deps);

  app.use((req, res) => showError(req, res, 404, "There is nothing at this address."));
  /** @type {import("express").ErrorRequestHandler} */
  const onError = (error, req, res, _next) => {
    console.error(error);
    if (res.headersSent) return void res.destroy();
    showError(
      req,
      res,
      500,
      "The server could not finish this request. Nothing you sent was kept; please try again.",
    ).catch(() => res.destroy());
  };
  app.use(onError);

  return {
    app,
    config,
    media,
    db,
    storages,
    async close() {
      await media.close();
    },
  };
}

/** @typedef {Awaited<ReturnType<typeof createGallery>>} Gallery */
