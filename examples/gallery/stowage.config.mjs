// For the `stowage` CLI (`stowage collect --config examples/gallery/stowage.config.mjs`).
import { galleryConfig } from "./config.mjs";

export default galleryConfig(process.env);
