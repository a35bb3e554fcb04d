import type SharpModule from "sharp";
import { importOptional } from "../errors.js";

export type SharpFactory = typeof SharpModule;

let loading: Promise<SharpFactory> | undefined;

/**
 * sharp, loaded on first use. It is a dependency (images are core and it
 * ships prebuilt libvips), but it brings tens of MB of native code and
 * `stowage/serve` reaches this module through the variant handler: an app
 * that only serves static files must not pay for it. Should it have been
 * pruned from `node_modules`, the error names the package to install.
 */
export function loadSharp(): Promise<SharpFactory> {
  loading ??= importOptional<{ default: SharpFactory }>("sharp", "Image processing").then(
    (mod) => mod.default,
  );
  return loading;
}
