import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const DJANGO_ADMIN_STATIC = "/usr/lib/python3/dist-packages/django/contrib/admin/static";
const SITE_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "site");

/**
 * The app folders, in finder order. Each is `apps/<name>/static/...` in the
 * corpus and an importable Django app of the same name.
 */
export const APPS = ["admin", "fontawesome", "katex", "bootstrap_icons"] as const;

/**
 * One piece of the corpus: copy `from` (a file or folder) to `to`, relative
 * to the corpus folder. `quick` picks the part kept by `--quick` (true: all of
 * it; a list: only those relative files; absent: none of it).
 */
interface Piece {
  from: (npm: string) => string;
  to: string;
  quick?: true | string[];
}

const PIECES: Piece[] = [
  {
    from: (npm) => path.join(npm, "bootstrap/dist/css"),
    to: "static/vendor/bootstrap/css",
    quick: ["bootstrap.min.css", "bootstrap.min.css.map"],
  },
  {
    from: (npm) => path.join(npm, "bootstrap/dist/js"),
    to: "static/vendor/bootstrap/js",
    quick: ["bootstrap.esm.min.js", "bootstrap.esm.min.js.map"],
  },
  { from: () => SITE_DIR, to: "static/site", quick: true },
  { from: () => DJANGO_ADMIN_STATIC, to: "apps/admin/static", quick: true },
  ...["css", "js", "webfonts", "sprites", "sprites-full"].map(
    (part): Piece => ({
      from: (npm) => path.join(npm, "@fortawesome/fontawesome-free", part),
      to: `apps/fontawesome/static/fontawesome/${part}`,
      quick: part === "css" || part === "webfonts" ? true : undefined,
    }),
  ),
  { from: (npm) => path.join(npm, "katex/dist"), to: "apps/katex/static/katex", quick: true },
  ...["font", "icons", "bootstrap-icons.svg"].map(
    (part): Piece => ({
      from: (npm) => path.join(npm, "bootstrap-icons", part),
      to: `apps/bootstrap_icons/static/bootstrap-icons/${part}`,
      quick: part === "font" ? true : undefined,
    }),
  ),
];

export interface CorpusInfo {
  dir: string;
  files: number;
  bytes: number;
  /** Symlinks kept as links (Django admin's jQuery). */
  symlinks: number;
}

interface CopyStats {
  files: number;
  bytes: number;
  symlinks: number;
}

/**
 * Copy a file or folder. A symlink stays a symlink, re-pointed at its real
 * target by absolute path: Debian's admin files link into
 * /usr/share/javascript with relative paths that would dangle elsewhere.
 */
function copyTree(from: string, to: string, only: Set<string> | null, stats: CopyStats): void {
  const info = lstatSync(from);
  if (info.isSymbolicLink()) {
    mkdirSync(path.dirname(to), { recursive: true });
    const target = realpathSync(from);
    symlinkSync(target, to);
    stats.symlinks++;
    stats.files++;
    stats.bytes += statSync(target).size;
  } else if (info.isDirectory()) {
    for (const name of readdirSync(from).sort()) {
      if (only && !only.has(name) && !lstatSync(path.join(from, name)).isDirectory()) continue;
      copyTree(path.join(from, name), path.join(to, name), only, stats);
    }
  } else if (info.isFile()) {
    mkdirSync(path.dirname(to), { recursive: true });
    copyFileSync(from, to);
    stats.files++;
    stats.bytes += info.size;
  }
}

/** What a finished layout was built from; a different recipe rebuilds it. */
function recipe(npm: string, quick: boolean): string {
  const versions = ["bootstrap", "@fortawesome/fontawesome-free", "katex", "bootstrap-icons"].map(
    (name) => {
      const manifest = JSON.parse(readFileSync(path.join(npm, name, "package.json"), "utf8")) as {
        version: string;
      };
      return `${name}@${manifest.version}`;
    },
  );
  const site = readdirSync(SITE_DIR, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const file = path.join(entry.parentPath, entry.name);
      return `${path.relative(SITE_DIR, file)}:${statSync(file).size}`;
    })
    .sort();
  const django = statSync(path.join(DJANGO_ADMIN_STATIC, "admin/css/base.css")).mtimeMs;
  return JSON.stringify({ quick, versions, site, django });
}

const MARKER = ".corpus.json";

/**
 * Lay the corpus out under `dir` (a project `static/` and `apps/<name>/`
 * folders), reusing an existing layout built from the same recipe so its
 * files keep their mtimes between invocations.
 */
export function layOutCorpus(dir: string, npm: string, quick: boolean): CorpusInfo {
  const wanted = recipe(npm, quick);
  const marker = path.join(dir, MARKER);
  if (existsSync(marker)) {
    const saved = JSON.parse(readFileSync(marker, "utf8")) as { recipe: string } & CopyStats;
    if (saved.recipe === wanted) return { dir, ...saved };
  }
  rmSync(dir, { recursive: true, force: true });
  const stats: CopyStats = { files: 0, bytes: 0, symlinks: 0 };
  for (const piece of PIECES) {
    if (quick && !piece.quick) continue;
    const only = quick && Array.isArray(piece.quick) ? new Set(piece.quick) : null;
    copyTree(piece.from(npm), path.join(dir, piece.to), only, stats);
  }
  for (const app of APPS) {
    // An empty module makes the folder an importable Django app.
    const init = path.join(dir, "apps", app, "__init__.py");
    if (existsSync(path.dirname(init))) writeFileSync(init, "");
  }
  writeFileSync(marker, JSON.stringify({ recipe: wanted, ...stats }));
  return { dir, ...stats };
}

/** The app folders present in a laid-out corpus (quick mode drops none, but check). */
export function corpusApps(dir: string): string[] {
  return APPS.filter((app) => existsSync(path.join(dir, "apps", app, "static")));
}
