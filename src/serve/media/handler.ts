/**
 * The media handler: files of one or more storages under their URL
 * prefixes, public or only through signed links.
 */
import { ConfigError, StowageError } from "../../errors.js";
import { defineVariants, type VariantSpec } from "../../images/spec.js";
import { refuseUnknownKeys } from "../../option-keys.js";
import { verifyQuery } from "../../storage/signing.js";
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
import { CACHE_IMMUTABLE, CACHE_PRIVATE, CACHE_SHORT } from "../headers.js";
import { mountPath, NOT_OURS, REJECTED } from "../path.js";
import { declaredVariant } from "../variants/names.js";
import { type MediaPolicy, respondStored, storedName } from "./stored.js";

export interface MediaMount {
  /**
   * URL prefix, starting and ending with `/`, e.g. `/media/`. A full URL
   * (`https://cdn.example.com/media/`) serves under its path.
   */
  prefix: string;
  storage: Storage;
  /**
   * Serve only requests carrying a valid, unexpired HMAC signature (links from
   * the storage's `signedUrl`); anything else gets 403.
   * @default false
   */
  signed?: boolean;
}

export interface MediaHandlerOptions {
  mounts: MediaMount[];
  /** The key signed links were made with; required when a mount is `signed`. */
  secret?: string | undefined;
  /** `Cache-Control` for public media other than declared image variants. @default "public, max-age=60" */
  publicCacheControl?: string;
  /**
   * The declared image variants (`images.variants`). A public file named as
   * one of them at its current spec hash is cached as immutable, whether it
   * was made at upload time or on first request.
   * @default {}
   */
  variants?: Record<string, VariantSpec | Record<string, unknown>>;
  /** Clock in milliseconds, for tests. @default Date.now */
  now?: () => number;
}

const OPTION_KEYS = ["mounts", "secret", "publicCacheControl", "variants", "now"] as const;

interface Mount {
  path: string;
  storage: Storage;
  signed: boolean;
}

function resolveMounts(options: MediaHandlerOptions): Mount[] {
  if (!Array.isArray(options.mounts)) {
    throw new ConfigError("createMediaHandler needs `mounts`: an array of { prefix, storage }.", {
      key: "mounts",
    });
  }
  const mounts = options.mounts.map((mount, index) => {
    refuseUnknownKeys(mount, ["prefix", "storage", "signed"], `media mount ${index}`);
    const path = mountPath(mount.prefix, `mounts[${index}].prefix`);
    if (mount.signed && !options.secret) {
      throw new ConfigError(`Signed media under ${path} needs a secret (env STOWAGE_SECRET).`, {
        key: "secret",
      });
    }
    return { path, storage: mount.storage, signed: mount.signed === true };
  });
  // Longest prefix first, so `/media-private/` is not taken for a file under `/media`.
  return mounts.sort((a, b) => b.path.length - a.path.length);
}

/**
 * Serves stored files: 404 for unsafe targets (the same decoder as static
 * files), 405 for other methods, 403 for unsigned or tampered links on
 * signed mounts, then conditional and range requests like every handler.
 * `null` for a name no storage has, so the next handler gets its turn.
 */
export function createMediaHandler(options: MediaHandlerOptions): ServeHandler {
  refuseUnknownKeys(options, OPTION_KEYS, "createMediaHandler");
  const mounts = resolveMounts(options);
  const specs = defineVariants(options.variants ?? {});
  const now = options.now ?? Date.now;
  const publicCacheControl = options.publicCacheControl ?? CACHE_SHORT;

  /**
   * The disposition a signed link grants, or the 403 to send. The link is
   * checked for this mount's path (its scope), so a link made for one mount
   * opens nothing under another; and before the storage is asked, so a bad
   * link learns nothing about what exists.
   */
  function checkSignature(
    mount: Mount,
    name: string,
    request: ServeRequest,
  ): MediaPolicy | ServeResponse {
    const query = request.target.indexOf("?");
    const params = new URLSearchParams(query === -1 ? "" : request.target.slice(query + 1));
    try {
      const { disposition } = verifyQuery(options.secret!, mount.path, name, params, now());
      return { cacheControl: CACHE_PRIVATE, disposition };
    } catch (error) {
      if (error instanceof StowageError && error.status === 403) {
        return textResponse(403, error.message, {}, request.method === "HEAD");
      }
      throw error;
    }
  }

  function publicPolicy(name: string): MediaPolicy {
    return {
      cacheControl: declaredVariant(name, specs) !== null ? CACHE_IMMUTABLE : publicCacheControl,
    };
  }

  async function serve(
    mount: Mount,
    name: string,
    request: ServeRequest,
    policy: MediaPolicy,
  ): Promise<ServeResponse | null> {
    const stat = await mount.storage.stat(name);
    if (stat === null) return null;
    return respondStored(mount.storage, name, stat, request, policy);
  }

  return {
    respond(request) {
      for (const mount of mounts) {
        const name = storedName(request.target, mount.path);
        if (name === NOT_OURS) continue;
        if (name === REJECTED) return notFound(request.method);
        if (!isReadMethod(request.method)) return methodNotAllowed();
        const policy = mount.signed ? checkSignature(mount, name, request) : publicPolicy(name);
        if ("status" in policy) return policy;
        return serve(mount, name, request, policy);
      }
      return null;
    },
  };
}
