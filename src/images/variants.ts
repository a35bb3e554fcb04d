import { refuseUnknownKeys } from "../option-keys.js";
import type { Storage } from "../storage/types.js";
import { withDecodeSlot } from "./decode-slots.js";
import { UnknownVariantError, VariantOfVariantError } from "./errors.js";
import { CONTENT_TYPES, variantFormat } from "./formats.js";
import { IMAGE_LIMIT_KEYS, type ImageLimits, pickImageLimits } from "./limits.js";
import { isVariantOf, originalOf, parseVariantName, variantName } from "./naming.js";
import { type RenderRequest, renderHoldingSlot } from "./render.js";
import type { OutputFormat, VariantSpec } from "./spec.js";
import { defineVariants } from "./spec.js";

export interface StoredVariant {
  /** Storage name of the variant. */
  name: string;
  format: OutputFormat;
  /** Pixels. */
  width: number;
  /** Pixels. */
  height: number;
  /** Bytes. */
  size: number;
}

export interface MadeVariants {
  /** The original as displayed (after EXIF orientation). */
  original: { name: string; format: string; width: number; height: number };
  variants: Record<string, StoredVariant>;
  /** Base64 thumbhash, when `placeholder` was asked for: store it with the record. */
  placeholder?: string;
}

export interface MakeVariantsOptions extends ImageLimits {
  /** Only these variants (default: every declared one). */
  only?: readonly string[];
  /** Also compute a thumbhash placeholder of the original. @default false */
  placeholder?: boolean;
}

const MAKE_OPTION_KEYS = [...IMAGE_LIMIT_KEYS, "only", "placeholder"];

/** Variants are made of originals only, so no request can grow a chain of them. */
function assertOriginal(name: string): void {
  if (parseVariantName(name) !== null) throw new VariantOfVariantError(name, originalOf(name));
}

/**
 * Reads an original and renders it inside one decode slot, so a queue of
 * renders waiting for a slot holds no image bytes.
 */
function readAndRender(
  storage: Storage,
  name: string,
  requests: Record<string, RenderRequest>,
  options: ImageLimits & { placeholder?: boolean },
) {
  return withDecodeSlot(async () => renderHoldingSlot(await storage.read(name), requests, options));
}

/**
 * Makes the original's variants eagerly (at upload) from one decode and
 * saves them beside it, replacing an earlier rendering of the same spec.
 * Returns the sizes to store with the record (for `width`/`height`/`srcset`).
 * `name` must be an original: a variant's name is refused with
 * `E_VARIANT_OF_VARIANT`.
 */
export async function makeVariants(
  storage: Storage,
  name: string,
  variants: Record<string, VariantSpec>,
  options: MakeVariantsOptions = {},
): Promise<MadeVariants> {
  refuseUnknownKeys(options, MAKE_OPTION_KEYS, "makeVariants");
  assertOriginal(name);
  const limits = pickImageLimits(options);
  const specs = defineVariants(variants as Record<string, unknown>, limits);
  const chosen = options.only ?? Object.keys(specs);
  const requests: Record<string, RenderRequest> = {};
  for (const key of chosen) {
    const spec = specs[key];
    if (spec === undefined) throw new UnknownVariantError(key, Object.keys(specs));
    requests[key] = { spec, format: variantFormat(spec, name) };
  }
  const result = await readAndRender(storage, name, requests, {
    ...limits,
    placeholder: options.placeholder,
  });
  const saved = await Promise.all(
    Object.entries(result.outputs).map(async ([key, image]): Promise<[string, StoredVariant]> => {
      const target = variantName(name, key, specs[key]);
      // The name is deterministic and so are the bytes: replacing is safe and
      // keeps concurrent makers from scattering copies under free names.
      await storage.save(target, image.data, {
        overwrite: true,
        contentType: CONTENT_TYPES[image.format],
      });
      const { format, width, height } = image;
      return [key, { name: target, format, width, height, size: image.data.byteLength }];
    }),
  );
  const { format, width, height } = result.source;
  return {
    original: { name, format, width, height },
    variants: Object.fromEntries(saved),
    ...(result.placeholder === undefined ? {} : { placeholder: result.placeholder }),
  };
}

/**
 * Deletes an original and every variant stored beside it, including variants
 * of specs that have since changed and chains of variants of variants (found
 * by listing, not by recomputing). Returns the names deleted, original last.
 */
export async function deleteWithVariants(storage: Storage, name: string): Promise<string[]> {
  const doomed: string[] = [];
  for await (const entry of storage.list(`${name}.`)) {
    if (isVariantOf(name, entry.name)) doomed.push(entry.name);
  }
  await Promise.all(doomed.map((variant) => storage.delete(variant)));
  // The original goes last so a failure above leaves it to retry with.
  await storage.delete(name);
  return [...doomed, name];
}

/**
 * Renders one named variant of a stored original, saves it beside it and
 * returns its bytes: the lazy path behind the variant handler. `original`
 * must be an original (`E_VARIANT_OF_VARIANT` otherwise). Of `limits`, only
 * the image limit keys are read, so a handler may pass its whole options.
 */
export async function renderVariant(
  storage: Storage,
  original: string,
  variant: string,
  variants: Record<string, VariantSpec>,
  limits: ImageLimits = {},
): Promise<{ name: string; format: OutputFormat; data: Buffer }> {
  assertOriginal(original);
  const spec = variants[variant];
  if (spec === undefined) throw new UnknownVariantError(variant, Object.keys(variants));
  const format = variantFormat(spec, original);
  const request = { [variant]: { spec, format } };
  const result = await readAndRender(storage, original, request, pickImageLimits(limits));
  const name = variantName(original, variant, spec);
  const { data } = result.outputs[variant];
  await storage.save(name, data, { overwrite: true, contentType: CONTENT_TYPES[format] });
  return { name, format, data };
}
