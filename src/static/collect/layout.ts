import path from "node:path";
import type { ResolvedConfig } from "../../config/types.js";
import { StowageError } from "../../errors.js";

export class LayoutError extends StowageError {
  constructor(message: string) {
    super("E_LAYOUT", message);
  }
}

/** True when `inner` is `outer` or lies below it. */
export function isInside(inner: string, outer: string): boolean {
  const relative = path.relative(outer, inner);
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}

/**
 * Refuse layouts where collecting would read its own output: the root inside
 * a source folder, or a source inside the root.
 */
export function checkLayout(config: ResolvedConfig["static"]): void {
  for (const source of config.sources) {
    if (isInside(config.root, source.dir)) {
      throw new LayoutError(
        `static.root (${config.root}) is inside the source folder static.${source.origin} (${source.dir}); collected files would be collected again. Move static.root outside it.`,
      );
    }
    if (isInside(source.dir, config.root)) {
      throw new LayoutError(
        `The source folder static.${source.origin} (${source.dir}) is inside static.root (${config.root}); "collect --clear" would delete it. Move one of them.`,
      );
    }
  }
}
