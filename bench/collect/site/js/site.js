// The project's entry module: relative and STATIC_URL-absolute imports that a
// collect must rewrite to hashed names (bootstrap.esm.min.js in turn keeps its
// bare "@popperjs/core" specifier, which a collect must leave alone).
import { Modal, Tooltip } from "../../vendor/bootstrap/js/bootstrap.esm.min.js";
import { renderMath } from "./math.js";

const start = () => {
  for (const element of document.querySelectorAll('[data-bs-toggle="tooltip"]')) {
    new Tooltip(element);
  }
  const dialog = document.querySelector("#site-dialog");
  if (dialog) new Modal(dialog);
  renderMath(document.body);
  import("./lazy/gallery.js").then(({ openGallery }) => openGallery(document));
};

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
