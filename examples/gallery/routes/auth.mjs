import { verifyPassword } from "../lib/auth.mjs";
import { answerRefusal, readForm, refuse } from "../lib/forms.mjs";
import { loginPage } from "../views/login.mjs";

/** Only a path on this site, never `//elsewhere` or `https://...`. @param {unknown} value */
function safeNext(value) {
  return typeof value === "string" && /^\/(?![/\\])/.test(value) ? value : "/documents";
}

/** @param {import("express").Express} app @param {import("./deps.mjs").Deps} deps */
export function registerAuth(app, { db, sessions, pageContext }) {
  app.get("/login", (req, res) => {
    if (res.locals.user) return res.redirect(303, safeNext(req.query.next));
    res.send(String(loginPage(pageContext(req, res), { next: safeNext(req.query.next) })));
  });

  app.post("/login", async (req, res) => {
    /** @type {Record<string, string>} */
    let values = {};
    try {
      const form = await readForm(req, res);
      values = form.fields;
      const username = (values.username ?? "").trim();
      const password = values.password ?? "";
      const failures = [];
      if (!username)
        failures.push({ field: "username", rule: "required", message: "This field is required." });
      if (!password)
        failures.push({ field: "password", rule: "required", message: "This field is required." });
      refuse(failures);
      const user = await db
        .selectFrom("users")
        .selectAll()
        .where("username", "=", username)
        .executeTakeFirst();
      // The same answer, and the same work, whether the name or the password was wrong.
      const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
      if (!user || !ok) {
        refuse([
          {
            field: "__all__",
            rule: "credentials",
            message:
              "Please enter a correct username and password. Note that both fields may be case-sensitive.",
          },
        ]);
      }
      sessions.signIn(req, res, /** @type {{ id: number }} */ (user).id);
      res.redirect(303, safeNext(values.next));
    } catch (error) {
      await answerRefusal(req, res, error, async (errors, typed) => {
        const kept = { ...typed, ...values };
        return loginPage(pageContext(req, res), {
          values: { username: kept.username ?? "" },
          errors,
          next: safeNext(kept.next),
        });
      });
    }
  });

  app.post("/logout", (req, res) => {
    sessions.signOut(req, res);
    sessions.flash(req, res, "success", "You are signed out.");
    res.redirect(303, "/login");
  });
}

/** A hash of a random password, checked when the username is unknown. */
const DUMMY_HASH =
  "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
