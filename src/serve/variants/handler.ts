/**
 * The lazy image variant handler: `GET <prefix><original>.<variant>-<hash>.<ext>`
 * serves the variant from storage, rendering and storing it there on the
 * first request.
 */
import type { ResolvedConfig } from "../../config/types.js";
import { imageOptionsFromConfig } from "../../images/config.js";
import { ImageError } from "../../images/errors.js";
import type { ImageLimits } from "../../images/limits.js";
import { defineVariants, type VariantSpec } from "../../images/spec.js";
import { renderVariant } from "../../images/variants.js";
import { refuseUnknownKeys } from "../../option-keys.js";
import type { Storage } from "../../storage/types.js";
import {
  isReadMethod,
  methodNotAllowed,
  notFound,
  type ServeHandler,
  type ServeRequest,
  type ServeResponse,
  textResponse,
} from "../core.js";
import { CACHE_IMMUTABLE } from "../headers.js";
import { respondBytes, respondStored, storedName } from "../media/stored.js";
import { mountPath, NOT_OURS, REJECTED } from "../path.js";
import { declaredVariant } from "./names.js";

export interface VariantHandlerOptions {
  /** Where originals live and variants are stored (the public media storage). */
  storage: Storage;
  /** The declared variants (`images.variants`); nothing else can be requested. */
  variants: Record<string, VariantSpec | Record<string, unknown>>;
  /**
   * URL prefix the storage's files are served under (`media.url`). A full
   * URL (`https://cdn.example.com/media/`) serves under its path.
   * @default "/media/"
   */
  prefix?: string;
  /** Decoding limits for originals; see `stowage/images`. @default the images defaults */
  limits?: ImageLimits;
}

const OPTION_KEYS = ["storage", "variants", "prefix", "limits"] as const;

/** Variants are always public media named by their spec hash: the same policy as the media handler gives them. */
const POLICY = { cacheControl: CACHE_IMMUTABLE };

/**
 * Only declared variants at their current spec hash, of originals that are
 * not variants themselves, are answered; everything else returns `null` (the
 * media handler's turn). Unsafe targets get 404 from the same decoder as
 * static files. Concurrent first requests for one variant share one render.
 */
export function createVariantHandler(options: VariantHandlerOptions): ServeHandler {
  refuseUnknownKeys(options, OPTION_KEYS, "createVariantHandler");
  const { storage } = options;
  const limits = options.limits ?? {};
  const specs = defineVariants(options.variants, limits);
  const prefix = mountPath(options.prefix ?? "/media/", "media.url");
  const inflight = new Map<string, Promise<Buffer>>();

  function render(original: string, variant: string, name: string): Promise<Buffer> {
    let pending = inflight.get(name);
    if (pending === undefined) {
      pending = renderVariant(storage, original, variant, specs, limits)
        .then((made) => made.data)
        .finally(() => inflight.delete(name));
      inflight.set(name, pending);
    }
    return pending;
  }

  async function serve(
    name: string,
    original: string,
    variant: string,
    request: ServeRequest,
  ): Promise<ServeResponse | null> {
    const stored = await storage.stat(name);
    if (stored !== null) return respondStored(storage, name, stored, request, POLICY);
    let data: Buffer;
    try {
      data = await render(original, variant, name);
    } catch (error) {
      const head = request.method === "HEAD";
      if ((error as { code?: unknown }).code === "E_NOT_FOUND") return notFound(request.method);
      if (error instanceof ImageError) {
        return textResponse(
          422,
          `The original cannot be made into this variant: ${error.message}`,
          {},
          head,
        );
      }
      throw error;
    }
    // The stored copy's validators, so the first answer and every later one agree.
    const saved = (await storage.stat(name)) ?? { lastModified: new Date(), etag: undefined };
    return respondBytes(name, data, saved, request, POLICY);
  }

  return {
    respond(request) {
      const name = storedName(request.target, prefix);
      if (name === NOT_OURS) return null;
      if (name === REJECTED) return notFound(request.method);
      const declared = declaredVariant(name, specs);
      // A stale hash, a wrong extension or a variant of a variant is not a variant we make.
      if (declared === null || !declared.exact) return null;
      if (!isReadMethod(request.method)) return methodNotAllowed();
      return serve(name, declared.original, declared.variant, request);
    },
  };
}

/**
 * Options for `createVariantHandler` from a resolved config: the default
 * media storage at `media.url`, `images.variants` and the image limits.
 */
export function variantOptionsFromConfig(
  config: Pick<ResolvedConfig, "media" | "images">,
  storage: Storage,
): VariantHandlerOptions {
  const images = imageOptionsFromConfig(config);
  return { storage, variants: images.variants, prefix: config.media.url, limits: images.limits };
}
