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
 * @param {{ avatar: { url: string, isDefault: boolean }, memberSince: string, counts: { documents: number, photos: number, privateDocuments: number }, rules: { extensions: string[], maxSize: number, maxDimensions: [number, number] }, errors?: Record<string, string[]> }} data
 */
export function profilePage(ctx, { avatar, memberSince, counts, rules, errors = {} }) {
  const user = /** @type {NonNullable<typeof ctx.user>} */ (ctx.user);
  const [maxWidth, maxHeight] = rules.maxDimensions;
  const body = html`${pageHeader("Profile")}
<div class="split">
  <section class="card profile-card">
    <img class="avatar-large" src="${avatar.url}" alt="${avatar.isDefault ? "Default avatar" : `${user.username}'s avatar`}" width="160" height="160" data-default="${avatar.isDefault ? "true" : "false"}">
    <h2>${user.username}</h2>
    <p class="muted">${user.is_admin ? "Administrator" : "Member"} · since ${timeTag(memberSince)}</p>
    <ul class="stats">
      <li><strong>${counts.documents}</strong> documents</li>
      <li><strong>${counts.photos}</strong> photos</li>
      <li><strong>${counts.privateDocuments}</strong> private files</li>
    </ul>
  </section>
  <form class="card form upload-form" method="post" action="/profile/avatar" enctype="multipart/form-data" data-upload novalidate>
    <h2>${avatar.isDefault ? "Add an avatar" : "Change your avatar"}</h2>
    ${formErrors(errors)}
    ${formField({
      name: "avatar",
      label: "Image",
      errors,
      control: html`<input id="id-avatar" name="avatar" type="file" accept="${rules.extensions.map((ext) => `.${ext}`).join(",")}" required>`,
      help: `JPG, PNG or WebP; at most ${humanSize(rules.maxSize)} and ${maxWidth}×${maxHeight} pixels. It is stored cropped to a square; the previous one is deleted.`,
    })}
    ${progressBar()}
    <button class="button" type="submit">Upload avatar</button>
  </form>
</div>`;
  return layout(ctx, { title: "Profile", active: "profile", body });
}
