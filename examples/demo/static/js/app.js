import { formatBytes } from "./format.js";

// Show each static file's transfer size, measured by the browser.
window.addEventListener("load", () => {
  for (const entry of performance.getEntriesByType("resource")) {
    const cell = document.querySelector(`[data-url="${new URL(entry.name).pathname}"]`);
    if (cell) cell.textContent = formatBytes(entry.encodedBodySize || entry.transferSize);
  }
  import("./lazy.js").then((lazy) => lazy.greet(document.querySelector("#greeting")));
});
