// Turning an uploaded image into what the site stores: resized once, with
// its variants made at upload, and image errors worded for the form.
import {
  EXTENSIONS,
  ImageError,
  makeVariants,
  placeholderDataUrl,
  srcset,
  transformImage,
  variantName,
  variantSize,
  variantSrcset,
} from "stowage/images";
import { uploadName } from "stowage/uploads";
import { refuse } from "./forms.mjs";

/**
 * Resizes the upload and saves it and its variants through the unit of
 * work (so a failure later in the request removes them all).
 * @param {import("stowage/media").UnitOfWork} unit
 * @param {import("stowage/uploads").UploadedFile} file
 * @param {{ field: string, folder: string, transform: import("stowage/images").VariantSpec, variants: Record<string, any>, only: string[], placeholder?: boolean }} options
 */
export async function storeImage(
  unit,
  file,
  { field, folder, transform, variants, only, placeholder },
) {
  let image;
  try {
    image = await transformImage(file.path ?? (await file.bytes()), transform);
  } catch (error) {
    if (error instanceof ImageError) refuse([{ field, rule: "image", message: error.message }]);
    throw error;
  }
  const storage = unit.storage();
  const name = await storage.save(
    uploadName(`${folder}{uuid}.{ext}`, `image.${EXTENSIONS[image.format]}`),
    image.data,
    {
      contentType: `image/${image.format}`,
      metadata: { originalName: file.filename },
    },
  );
  const made = await makeVariants(storage, name, variants, { only, placeholder });
  return { name, width: image.width, height: image.height, placeholder: made.placeholder };
}

/**
 * Everything a page needs to show a stored photo.
 * @param {{ id: number, title: string, image: string, width: number, height: number, thumbhash: string | null, uploaded_at: string }} row
 * @param {import("stowage/storage").Storage} storage @param {Record<string, any>} variants
 */
export function photoView(row, storage, variants) {
  const original = { name: row.image, width: row.width, height: row.height };
  const url = (/** @type {string} */ name) => storage.url(name);
  return {
    id: row.id,
    title: row.title,
    uploaded_at: row.uploaded_at,
    width: row.width,
    height: row.height,
    url: storage.url(row.image),
    thumb: url(variantName(row.image, "thumb", variants.thumb)),
    thumbSrcset: variantSrcset(original, variants, ["thumb", "thumb2x"], url),
    srcset: srcset([
      {
        url: url(variantName(row.image, "medium", variants.medium)),
        width: variantSize(original, variants.medium).width,
      },
      { url: url(row.image), width: row.width },
    ]),
    placeholder: row.thumbhash ? placeholderDataUrl(row.thumbhash) : undefined,
  };
}
