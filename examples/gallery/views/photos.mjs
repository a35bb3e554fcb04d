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
 * @typedef {object} PhotoView
 * @property {number} id
 * @property {string} title
 * @property {string} uploaded_at
 * @property {number} width
 * @property {number} height
 * @property {string} url the stored image (at most 1920x1080)
 * @property {string} thumb 300x300
 * @property {string} thumbSrcset
 * @property {string} srcset for the photo page
 * @property {string | undefined} placeholder a data: URL
 */

/** @param {string | undefined} placeholder */
const placeholderStyle = (placeholder) =>
  placeholder ? `background-image:url(${placeholder})` : undefined;

/**
 * @param {import("./layout.mjs").PageContext} ctx
 * @param {{ photos: PhotoView[], rules: { extensions: string[], maxSize: number }, values?: Record<string, string>, errors?: Record<string, string[]> }} data
 */
export function photosPage(ctx, { photos, rules, values = {}, errors = {} }) {
  const form = html`<form class="card form upload-form inline-form" method="post" action="/photos/upload" enctype="multipart/form-data" data-upload novalidate>
  <h2>Add a photo</h2>
  ${formErrors(errors)}
  ${formField({
    name: "title",
    label: "Title",
    errors,
    control: html`<input id="id-title" name="title" value="${values.title ?? ""}" maxlength="200" required>`,
  })}
  ${formField({
    name: "image",
    label: "Image",
    errors,
    control: html`<input id="id-image" name="image" type="file" accept="${rules.extensions.map((ext) => `.${ext}`).join(",")}" required>`,
    help: `JPG, PNG or WebP, at most ${humanSize(rules.maxSize)}. Stored resized to fit 1920×1080.`,
  })}
  ${progressBar()}
  <button class="button" type="submit">Upload</button>
</form>`;
  const grid = photos.length
    ? html`<ul class="photo-grid">${photos.map(
        (photo) => html`<li><a class="photo-tile" href="/photos/${photo.id}">
  <img src="${photo.thumb}" srcset="${photo.thumbSrcset}" sizes="(max-width: 640px) 50vw, 300px" width="300" height="300" loading="lazy" decoding="async" alt="${photo.title}" style="${placeholderStyle(photo.placeholder)}">
  <span class="photo-caption">${photo.title}</span>
</a></li>`,
      )}</ul>`
    : html`<div class="card empty">No photos yet. Add one: it gets a 300×300 thumbnail here.</div>`;
  const body = html`${pageHeader("Photos", "Each photo is stored resized, with square thumbnails made at upload and a blurred placeholder while they load.")}
${form}
<section class="gallery" aria-label="Your photos">${grid}</section>`;
  return layout(ctx, { title: "Photos", active: "photos", body });
}

/** @param {import("./layout.mjs").PageContext} ctx @param {PhotoView} photo */
export function photoPage(ctx, photo) {
  const body = html`<nav class="crumbs"><a href="/photos">← Photos</a></nav>
<div class="photo-view">
  <figure class="photo-full">
    <img class="photo-large" src="${photo.url}" srcset="${photo.srcset}" sizes="(max-width: 1180px) 100vw, 860px" width="${photo.width}" height="${photo.height}" alt="${photo.title}" decoding="async" style="${placeholderStyle(photo.placeholder)}">
  </figure>
  <aside class="card photo-info">
    <h1>${photo.title}</h1>
    <dl class="facts">
      <dt>Uploaded</dt><dd>${timeTag(photo.uploaded_at)}</dd>
      <dt>Size</dt><dd>${photo.width} × ${photo.height} px</dd>
    </dl>
    <p><a class="button ghost" href="${photo.url}" download>Download</a></p>
    <form method="post" action="/photos/${photo.id}/delete" data-confirm="Delete this photo and all its sizes?">
      <button class="button danger" type="submit">Delete photo</button>
    </form>
  </aside>
</div>`;
  return layout(ctx, { title: photo.title, active: "photos", body });
}
