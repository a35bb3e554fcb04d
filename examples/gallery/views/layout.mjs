// The page shell and the small pieces every page uses.
import { html } from "../lib/html.mjs";

/**
 * @typedef {object} PageContext
 * @property {import("stowage").StaticUrls} statics
 * @property {{ id: number, username: string, is_admin: number } | undefined} user
 * @property {string} avatarUrl the signed-in user's small avatar (or the default image)
 * @property {{ kind: string, text: string } | undefined} flash
 */

const NAV = [
  ["documents", "/documents", "Documents"],
  ["photos", "/photos", "Photos"],
  ["private", "/private", "Private"],
  ["profile", "/profile", "Profile"],
];

/** @param {PageContext} ctx @param {string} name */
export function asset(ctx, name) {
  return ctx.statics.url(name);
}

/**
 * @param {PageContext} ctx
 * @param {{ title: string, active?: string, body: unknown, bare?: boolean }} page
 */
export function layout(ctx, { title, active, body, bare }) {
  const { statics, user } = ctx;
  const nav = user
    ? [...NAV, ...(user.is_admin ? [["admin", "/admin", "Admin"]] : [])].map(
        ([key, href, label]) =>
          html`<a href="${href}" class="${key === active ? "active" : ""}"${key === active ? html` aria-current="page"` : ""}>${label}</a>`,
      )
    : [];
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Stowage Gallery</title>
<link rel="icon" href="${statics.url("img/logo.svg")}" type="image/svg+xml">
<link rel="stylesheet" href="${statics.url("css/site.css")}" integrity="${statics.integrity("css/site.css")}">
<script type="module" src="${statics.url("js/site.js")}" integrity="${statics.integrity("js/site.js")}"></script>
</head>
<body class="${bare ? "bare" : ""}">
<header class="topbar">
  <div class="topbar-inner">
    <a class="brand" href="/"><img src="${statics.url("img/logo.svg")}" alt="" width="28" height="28"><span>Stowage <strong>Gallery</strong></span></a>
    ${
      user &&
      html`<nav class="nav" aria-label="Main">${nav}</nav>
    <div class="me">
      <a class="me-link" href="/profile"><img class="avatar-small" src="${ctx.avatarUrl}" alt="" width="32" height="32"><span>${user.username}</span></a>
      <form method="post" action="/logout"><button class="button ghost small" type="submit">Sign out</button></form>
    </div>`
    }
  </div>
</header>
<main class="container">
${ctx.flash && html`<div class="flash ${ctx.flash.kind}" role="status">${ctx.flash.text}</div>`}
${body}
</main>
<footer class="footer"><div class="container">The reference site of <a href="https://www.npmjs.com/package/stowage">Stowage</a>: static files, uploads, storage and images for Node.</div></footer>
</body>
</html>`;
}

/** The heading block of a page. @param {string} title @param {unknown} [subtitle] */
export function pageHeader(title, subtitle) {
  return html`<div class="page-header"><h1>${title}</h1>${subtitle && html`<p class="lead">${subtitle}</p>`}</div>`;
}

/** Messages under a field; the list is always there so the page script can fill it. @param {string} name @param {Record<string, string[]>} errors */
export function fieldErrors(name, errors) {
  const messages = errors[name] ?? [];
  return html`<ul class="field-errors" data-errors-for="${name}" id="errors-${name}">${messages.map((message) => html`<li>${message}</li>`)}</ul>`;
}

/**
 * A labelled field with its errors beside it.
 * @param {{ name: string, label: string, errors: Record<string, string[]>, control: unknown, help?: string }} field
 */
export function formField({ name, label, errors, control, help }) {
  const invalid = (errors[name] ?? []).length > 0;
  return html`<div class="field${invalid ? " invalid" : ""}" data-field="${name}">
  <label for="id-${name}">${label}</label>
  ${control}
  ${help && html`<p class="help">${help}</p>`}
  ${fieldErrors(name, errors)}
</div>`;
}

/** Errors that belong to no one field. @param {Record<string, string[]>} errors */
export function formErrors(errors) {
  return html`<div class="form-errors${(errors.__all__ ?? []).length ? "" : " empty"}" data-errors-for="__all__" role="alert">${(errors.__all__ ?? []).map((message) => html`<p>${message}</p>`)}</div>`;
}

/** The bar the page script moves while a file uploads. */
export function progressBar() {
  return html`<div class="progress" hidden><div class="progress-track" role="progressbar" aria-label="Upload progress" aria-valuemin="0" aria-valuemax="100" aria-valuenow="0"><div class="progress-bar"></div></div><span class="progress-text">0%</span></div>`;
}

const SIZE_UNITS = ["bytes", "KB", "MB", "GB"];
/** @param {number} bytes */
export function humanSize(bytes) {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < SIZE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${bytes} bytes`;
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${SIZE_UNITS[unit]}`;
}

const DATE_FORMAT = new Intl.DateTimeFormat("en-GB", {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "UTC",
});
/** @param {string} iso */
export function timeTag(iso) {
  return html`<time datetime="${iso}">${DATE_FORMAT.format(new Date(iso))} UTC</time>`;
}

/** @param {PageContext} ctx @param {number} status @param {string} message */
export function errorPage(ctx, status, message) {
  const titles = { 403: "Not allowed", 404: "Not found", 500: "Something went wrong" };
  const title = titles[/** @type {keyof titles} */ (status)] ?? "Error";
  return layout(ctx, {
    title,
    body: html`<section class="card error-card"><p class="error-code">${status}</p><h1>${title}</h1><p>${message}</p><p><a class="button" href="/">Back to the site</a></p></section>`,
  });
}
