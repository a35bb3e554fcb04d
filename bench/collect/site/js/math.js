import katex from "/static/katex/katex.mjs";

export function renderMath(root) {
  for (const element of root.querySelectorAll("[data-math]")) {
    katex.render(element.dataset.math, element, { throwOnError: false });
  }
}
