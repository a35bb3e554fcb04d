import { html } from "../lib/html.mjs";
import { humanSize, layout, pageHeader } from "./layout.mjs";

/**
 * @param {import("./layout.mjs").PageContext} ctx
 * @param {{ report: import("stowage/media").CleanupReport, olderThan: string }} data
 */
export function adminPage(ctx, { report, olderThan }) {
  const body = html`${pageHeader(
    "Storage housekeeping",
    html`Files that no record refers to any more, found by the orphan sweep in <strong>dry-run</strong> mode: nothing is deleted here. <code>stowage cleanup</code> deletes them.`,
  )}
<ul class="stat-cards">
  <li class="card"><span class="stat-value" data-stat="orphans">${report.orphans}</span><span class="stat-label">orphaned files</span></li>
  <li class="card"><span class="stat-value" data-stat="bytes">${humanSize(report.bytes)}</span><span class="stat-label">would be freed</span></li>
  <li class="card"><span class="stat-value" data-stat="young">${report.young}</span><span class="stat-label">files younger than ${olderThan}, left alone</span></li>
</ul>
<div class="split">
  <section class="card">
    <h2>What the sweep would delete</h2>
    ${
      report.names.length
        ? html`<ul class="orphans">${report.names.map((name) => html`<li><code>${name}</code></li>`)}</ul>${report.more > 0 ? html`<p class="muted">… and ${report.more} more.</p>` : ""}`
        : html`<p class="muted">Nothing: every stored file belongs to a record.</p>`
    }
  </section>
  <section class="card table-card">
    <table class="table">
      <thead><tr><th>Storage</th><th class="num">Files</th><th class="num">Orphans</th><th class="num">Young</th></tr></thead>
      <tbody>${Object.entries(report.storages).map(
        ([name, storage]) =>
          html`<tr><td>${name}</td><td class="num">${storage.listed}</td><td class="num">${storage.orphans}</td><td class="num">${storage.young}</td></tr>`,
      )}</tbody>
    </table>
    <p class="muted small table-note">Swept in ${report.ms} ms.</p>
  </section>
</div>`;
  return layout(ctx, { title: "Admin", active: "admin", body });
}
