/*
 * Hashed file names, as Django's ManifestStaticFilesStorage spells them:
 * the hash goes before the last extension (`a.tar.gz` -> `a.tar.<h>.gz`), and
 * like Python's `os.path.splitext`, leading dots do not start an extension
 * (`.htaccess` -> `.htaccess.<h>`).
 */

/** Index of the dot that starts `basename`'s extension, or -1 when it has none. */
export function extensionDot(basename: string): number {
  let leading = 0;
  while (leading < basename.length && basename.charCodeAt(leading) === 46) leading++;
  const dot = basename.lastIndexOf(".");
  return dot >= leading ? dot : -1;
}

/** `css/app.css` + `3f2a9c1d0b7e` -> `css/app.3f2a9c1d0b7e.css`. */
export function hashedName(path: string, hash: string): string {
  const slash = path.lastIndexOf("/");
  const dot = extensionDot(path.slice(slash + 1));
  if (dot < 0) return `${path}.${hash}`;
  const at = slash + 1 + dot;
  return `${path.slice(0, at)}.${hash}${path.slice(at)}`;
}

/** The part of a path after its last `/`. */
export function basename(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}
