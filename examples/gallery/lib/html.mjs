// A tagged template for HTML: every interpolated value is escaped unless it
// is itself the result of `html` (or `raw`). Arrays are joined, and
// null/undefined/false render as nothing, so `${cond && html`...`}` works.

class SafeHtml {
  /** @param {string} text */
  constructor(text) {
    this.text = text;
  }
  toString() {
    return this.text;
  }
}

const ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** @param {unknown} value */
export function escapeHtml(value) {
  return String(value).replace(
    /[&<>"']/g,
    (char) => ENTITIES[/** @type {keyof ENTITIES} */ (char)],
  );
}

/** @param {unknown} value @returns {string} */
function render(value) {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(value);
}

/** @param {TemplateStringsArray} strings @param {unknown[]} values */
export function html(strings, ...values) {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new SafeHtml(out);
}

/** Markup the app built itself (never user input). @param {string} text */
export function raw(text) {
  return new SafeHtml(text);
}
