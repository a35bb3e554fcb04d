import { checkName } from "../../storage/names.js";

/**
 * The storage name a URL path below a mount prefix asks for, or `null` when
 * it must be refused: undecodable escapes, encoded `/` or `\`, NUL and other
 * control characters, `.`/`..`/empty segments, dotfiles. Pure; no filesystem
 * path is ever built here.
 */
export function nameFromPath(rest: string): string | null {
  const segments: string[] = [];
  for (const raw of rest.split("/")) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (segment === "" || segment.startsWith(".")) return null;
    if (/[/\\\u0000-\u001f\u007f]/.test(segment)) return null;
    segments.push(segment);
  }
  const name = segments.join("/");
  try {
    return checkName(name);
  } catch {
    return null;
  }
}
