import { DEMO_USERS } from "../lib/database.mjs";
import { html } from "../lib/html.mjs";
import { formErrors, formField, layout } from "./layout.mjs";

/**
 * @param {import("./layout.mjs").PageContext} ctx
 * @param {{ values?: Record<string, string>, errors?: Record<string, string[]>, next?: string }} [form]
 */
export function loginPage(ctx, { values = {}, errors = {}, next = "" } = {}) {
  const body = html`<section class="auth">
  <div class="card auth-card">
    <img class="auth-logo" src="${ctx.statics.url("img/logo.svg")}" alt="" width="48" height="48">
    <h1>Sign in</h1>
    <p class="lead">Documents, photos and private files, stored by Stowage.</p>
    <form method="post" action="/login" class="form" novalidate>
      ${formErrors(errors)}
      <input type="hidden" name="next" value="${next}">
      ${formField({
        name: "username",
        label: "Username",
        errors,
        control: html`<input id="id-username" name="username" value="${values.username ?? ""}" autocomplete="username" autocapitalize="none" required autofocus>`,
      })}
      ${formField({
        name: "password",
        label: "Password",
        errors,
        control: html`<input id="id-password" name="password" type="password" autocomplete="current-password" required>`,
      })}
      <button class="button wide" type="submit">Sign in</button>
    </form>
  </div>
  <aside class="card demo-card">
    <h2>Demo accounts</h2>
    <p>This is a demo site: both accounts are public.</p>
    <table class="demo-accounts">
      <thead><tr><th>Username</th><th>Password</th><th></th></tr></thead>
      <tbody>${DEMO_USERS.map(
        (user) =>
          html`<tr><td><code>${user.username}</code></td><td><code>${user.password}</code></td><td>${user.isAdmin ? html`<span class="badge">admin</span>` : ""}<button type="button" class="button ghost small" data-sign-in-as="${user.username}" data-password="${user.password}">Use</button></td></tr>`,
      )}</tbody>
    </table>
  </aside>
</section>`;
  return layout(ctx, { title: "Sign in", body, bare: true });
}
