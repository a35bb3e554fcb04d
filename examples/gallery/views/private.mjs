import { html } from "../lib/html.mjs";
import {
  formErrors,
  formField,
  humanSize,
  layout,
  pageHeader,
  progressBar,
  timeTag,
} from "./layout.mjs";

/**
 * @param {import("./layout.mjs").PageContext} ctx
 * @param {{ documents: { id: number, title: string, original_name: string, size: number, uploaded_at: string }[], rules: { extensions: string[], maxSize: number }, values?: Record<string, string>, errors?: Record<string, string[]> }} data
 */
export function privateListPage(ctx, { documents, rules, values = {}, errors = {} }) {
  const form = html`<form class="card form upload-form" method="post" action="/private/upload" enctype="multipart/form-data" data-upload novalidate>
  <h2>Upload a private file</h2>
  ${formErrors(errors)}
  ${formField({
    name: "title",
    label: "Title",
    errors,
    control: html`<input id="id-title" name="title" value="${values.title ?? ""}" maxlength="200" required>`,
  })}
  ${formField({
    name: "file",
    label: "File",
    errors,
    control: html`<input id="id-file" name="file" type="file" accept="${rules.extensions.map((ext) => `.${ext}`).join(",")}" required>`,
    help: `${rules.extensions.map((ext) => ext.toUpperCase()).join(", ")}; at most ${humanSize(rules.maxSize)}. Only you can open it, through a link that expires after an hour.`,
  })}
  ${progressBar()}
  <button class="button" type="submit">Upload</button>
</form>`;
  const list = documents.length
    ? html`<div class="card table-card"><table class="table">
  <thead><tr><th>Title</th><th class="num">Size</th><th>Uploaded</th></tr></thead>
  <tbody>${documents.map(
    (doc) => html`<tr data-private-id="${doc.id}">
    <td data-label="Title"><a class="doc-title" href="/private/${doc.id}">${doc.title}</a><span class="muted filename">${doc.original_name}</span></td>
    <td data-label="Size" class="num">${humanSize(doc.size)}</td>
    <td data-label="Uploaded">${timeTag(doc.uploaded_at)}</td>
  </tr>`,
  )}</tbody></table></div>`
    : html`<div class="card empty">No private files yet.</div>`;
  const body = html`${pageHeader("Private documents", "Kept in a separate, private storage. Nothing here has a public URL: each download goes through a signed link that expires.")}
<div class="split">${form}<section class="list">${list}</section></div>`;
  return layout(ctx, { title: "Private documents", active: "private", body });
}

/**
 * @param {import("./layout.mjs").PageContext} ctx
 * @param {{ doc: { id: number, title: string, original_name: string, size: number, uploaded_at: string }, link: string, expiresAt: Date }} data
 */
export function privateDocumentPage(ctx, { doc, link, expiresAt }) {
  const body = html`<nav class="crumbs"><a href="/private">← Private documents</a></nav>
<section class="card private-doc">
  <h1>${doc.title}</h1>
  <dl class="facts">
    <dt>File</dt><dd>${doc.original_name}</dd>
    <dt>Size</dt><dd>${humanSize(doc.size)}</dd>
    <dt>Uploaded</dt><dd>${timeTag(doc.uploaded_at)}</dd>
  </dl>
  <div class="signed-link">
    <a class="button" id="download-link" href="${link}" download>Download</a>
    <p class="muted">This link works for one hour, until ${timeTag(expiresAt.toISOString())}. Reload the page for a fresh one.</p>
    <input class="link-box" value="${link}" readonly aria-label="Signed link" data-select-on-focus>
  </div>
  <form method="post" action="/private/${doc.id}/delete" data-confirm="Delete this private file?">
    <button class="button ghost danger" type="submit">Delete</button>
  </form>
</section>`;
  return layout(ctx, { title: doc.title, active: "private", body });
}
