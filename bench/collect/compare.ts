import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

/** What a collect left in its output folder. */
export interface OutputScan {
  /** Every regular file (variants included), relative, `/`-separated. */
  files: number;
  br: string[];
  gz: string[];
  brBytes: number;
  gzBytes: number;
  /** staticfiles.json `paths`: original -> hashed name. */
  manifest: Record<string, string>;
}

function walk(dir: string, prefix: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    const absolute = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(absolute, relative, out);
    else if (entry.isFile() || (entry.isSymbolicLink() && statSync(absolute).isFile())) {
      out.push(relative);
    }
  }
}

export function scanOutput(root: string): OutputScan {
  const names: string[] = [];
  walk(root, "", names);
  const br = names.filter((name) => name.endsWith(".br"));
  const gz = names.filter((name) => name.endsWith(".gz"));
  const size = (name: string) => statSync(path.join(root, name)).size;
  const manifestFile = path.join(root, "staticfiles.json");
  const manifest = existsSync(manifestFile)
    ? ((JSON.parse(readFileSync(manifestFile, "utf8")) as { paths: Record<string, string> })
        .paths ?? {})
    : {};
  return {
    files: names.length,
    br,
    gz,
    brBytes: br.reduce((sum, name) => sum + size(name), 0),
    gzBytes: gz.reduce((sum, name) => sum + size(name), 0),
    manifest,
  };
}

/**
 * Name a compressed output by what it stands for, independent of either
 * tool's hash: `orig:<source path>` for an original, `hashed:<source path>`
 * for the hashed copy (found through that tool's manifest), `other:<name>`
 * for anything else (e.g. Django's intermediate hashed files).
 */
export function logicalName(outputName: string, hashedToOriginal: Map<string, string>): string {
  const original = hashedToOriginal.get(outputName);
  if (original !== undefined && original !== outputName) return `hashed:${original}`;
  return `orig:${outputName}`;
}

function logicalVariants(scan: OutputScan, suffix: ".br" | ".gz"): Set<string> {
  const hashedToOriginal = new Map<string, string>();
  for (const [original, hashed] of Object.entries(scan.manifest)) {
    hashedToOriginal.set(hashed, original);
  }
  const variants = suffix === ".br" ? scan.br : scan.gz;
  return new Set(
    variants.map((name) => {
      const base = name.slice(0, -suffix.length);
      const logical = logicalName(base, hashedToOriginal);
      // An unhashed name that is neither in the manifest nor a source is Django's leftover.
      if (logical.startsWith("orig:") && !(base in scan.manifest)) return `other:${base}`;
      return logical;
    }),
  );
}

export interface Equivalence {
  /** Variants WhiteNoise wrote that Stowage did not (must be empty). */
  missingInStowage: string[];
  /** Variants Stowage wrote that WhiteNoise did not (informative). */
  extraInStowage: string[];
  /** Originals hashed by Django but absent from Stowage's manifest (must be empty). */
  unhashedInStowage: string[];
  /** Originals in Stowage's manifest but not Django's (informative). */
  onlyHashedByStowage: string[];
}

/** Compare by logical name, so different hashes in the two outputs still line up. */
export function compareVariants(django: OutputScan, stowage: OutputScan): Equivalence {
  const missing: string[] = [];
  const extra: string[] = [];
  for (const suffix of [".br", ".gz"] as const) {
    const ours = logicalVariants(stowage, suffix);
    const theirs = logicalVariants(django, suffix);
    for (const name of theirs) if (!ours.has(name)) missing.push(`${name}${suffix}`);
    for (const name of ours) if (!theirs.has(name)) extra.push(`${name}${suffix}`);
  }
  const theirPaths = Object.keys(django.manifest);
  const ourPaths = Object.keys(stowage.manifest);
  return {
    missingInStowage: missing.sort(),
    extraInStowage: extra.sort(),
    unhashedInStowage: theirPaths.filter((name) => !(name in stowage.manifest)).sort(),
    onlyHashedByStowage: ourPaths.filter((name) => !(name in django.manifest)).sort(),
  };
}
