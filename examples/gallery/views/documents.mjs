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

export const DOCUMENT_TYPES = [
  ["pdf", "PDF"],
  ["word", "Word"],
  ["image", "Image"],
  ["other", "Other"],
];

/**
 * @param {import("./layout.mjs").PageContext} ctx
 * @param {{
 *   documents: { id: number, title: string, document_type: string, url: string, original_name: string, size: number, uploaded_at: string }[],
 *   rules: { extensions: string[], maxSize: number },
 *   values?: Record<string, string>, errors?: Record<string, string[]>,
 * }} data
 */
export function documentsPage(ctx, { documents, rules, values = {}, errors = {} }) {
  const accept = rules.extensions.map((ext) => `.${ext}`).join(",");
  const label = Object.fromEntries(DOCUMENT_TYPES);
  const form = html`<form class="card form upload-form" method="post" action="/documents/upload" enctype="multipart/form-data" data-upload novalidate>
  <h2>Upload a document</h2>
  ${formErrors(errors)}
  ${formField({
    name: "title",
    label: "Title",
    errors,
    control: html`<input id="id-title" name="title" value="${values.title ?? ""}" maxlength="200" required>`,
  })}
  ${formField({
    name: "document_type",
    label: "Type",
    errors,
    control: html`<select id="id-document_type" name="document_type" required><option value=""${values.document_type ? "" : html` selected`}>Choose a type…</option>${DOCUMENT_TYPES.map(
      ([value, text]) =>
        html`<option value="${value}"${values.document_type === value ? html` selected` : ""}>${text}</option>`,
    )}</select>`,
  })}
  ${formField({
    name: "file",
    label: "File",
    errors,
    control: html`<input id="id-file" name="file" type="file" accept="${accept}" required>`,
    help: `${rules.extensions.map((ext) => ext.toUpperCase()).join(", ")}; at most ${humanSize(rules.maxSize)}.`,
  })}
  ${progressBar()}
  <button class="button" type="submit">Upload</button>
</form>`;
  const table = documents.length
    ? html`<div class="card table-card"><table class="table documents">
  <thead><tr><th>Title</th><th>Type</th><th class="num">Size</th><th>Uploaded</th><th><span class="sr-only">Actions</span></th></tr></thead>
  <tbody>${documents.map(
    (doc) => html`<tr data-document-id="${doc.id}">
    <td data-label="Title"><a class="doc-title" href="${doc.url}" download>${doc.title}</a><span class="muted filename">${doc.original_name}</span></td>
    <td data-label="Type"><span class="type type-${doc.document_type}">${label[doc.document_type] ?? doc.document_type}</span></td>
    <td data-label="Size" class="num">${humanSize(doc.size)}</td>
    <td data-label="Uploaded">${timeTag(doc.uploaded_at)}</td>
    <td class="actions"><form method="post" action="/documents/${doc.id}/delete"><button class="button ghost small danger" type="submit">Delete</button></form></td>
  </tr>`,
  )}</tbody></table></div>`
    : html`<div class="card empty">No documents yet. Upload your first one.</div>`;
  const body = html`${pageHeader("Documents", "Files are checked by their content, stored under documents/YYYY/MM/DD/ and listed with their size and upload time.")}
<div class="split">${form}<section class="list">${table}</section></div>`;
  return layout(ctx, { title: "Documents", active: "documents", body });
}
