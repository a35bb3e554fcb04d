// What createGallery hands to each group of routes (types only).

/**
 * @typedef {object} Deps
 * @property {import("stowage").ResolvedConfig} config
 * @property {import("stowage/media").Media} media
 * @property {import("kysely").Kysely<any>} db
 * @property {Record<string, import("stowage/storage").Storage> & { default: import("stowage/storage").Storage }} storages
 * @property {import("stowage").StaticUrls} statics
 * @property {ReturnType<typeof import("../lib/auth.mjs").createSessions>} sessions
 * @property {Record<string, Record<string, unknown>>} variants
 * @property {(req: import("express").Request, res: import("express").Response) => import("../views/layout.mjs").PageContext} pageContext
 * @property {(req: import("express").Request, res: import("express").Response, status: number, message: string) => Promise<void>} showError
 */

export {};
