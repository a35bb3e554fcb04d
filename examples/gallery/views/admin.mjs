import { html } from "../lib/html.mjs";
import { humanSize, layout, pageHeader } from "./layout.mjs";

/**
 * @param {import("./layout.mjs").PageContext} ctx
 * @param {{ report: { orphans: number, bytes: number, young?: number, names: string[] }, olderThan: string, tookMs: number }} data
 */
export function adminPage(ctx, { report, olderThan, tookMs }) {
  const body = html`${pageHeader("Storage housekeeping", html`Files that no record references any more, found by the orphan sweep in <strong>dry-run</strong> mode: nothing is deleted here. Run <code>stowage cleanup</code> to delete them.`)}
<ul class="stat-cards">
  <li class="card"><span class="stat-value" data-stat="orphans">${report.orphans}</span><span class="stat-label">orphaned files</span></li>
  <li class="card"><span class="stat-value" data-stat="bytes">${humanSize(report.bytes)}</span><span class="stat-label">would be freed</span></li>
  <li class="card"><span class="stat-value" data-stat="young">${report.young ?? 0}</span><span class="stat-label">unreferenced but younger than ${olderThan} (kept)</span></li>
</ul>
<section class="card">
  <h2>What the sweep would delete</h2>
  ${
    report.names.length
      ? html`<ul class="orphans">${report.names.map((name) => html`<li><code>${name}</code></li>`)}</ul>${report.orphans > report.names.length ? html`<p class="muted">… and ${report.orphans - report.names.length} more.</p>` : ""}`
      : html`<p class="muted">Nothing: every stored file belongs to a record.</p>`
  }
  <p class="muted small">Swept in ${tookMs} ms.</p>
</section>`;
  return layout(ctx, { title: "Admin", active: "admin", body });
}
