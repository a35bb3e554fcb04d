import { adminPage } from "../views/admin.mjs";

/** Files younger than this are never counted: they may belong to an upload in progress. */
const OLDER_THAN = "1h";

/** @param {import("express").Express} app @param {import("./deps.mjs").Deps} deps */
export function registerAdmin(app, { media, pageContext, showError }) {
  app.get("/admin", async (req, res) => {
    if (!res.locals.user.is_admin) {
      return showError(req, res, 403, "Only administrators can open this page.");
    }
    const report = await media.cleanup({ dryRun: true, olderThan: OLDER_THAN });
    res.send(String(adminPage(pageContext(req, res), { report, olderThan: OLDER_THAN })));
  });
}
