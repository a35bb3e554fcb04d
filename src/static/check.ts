import { existsSync, statSync } from "node:fs";
import path from "node:path";
import type { ConfigProblem, ResolvedConfig } from "../config/types.js";
import { isInside } from "./collect/layout.js";
import { readManifestSync } from "./manifest.js";

type Problem = ConfigProblem;

function checkSources(config: ResolvedConfig, problems: Problem[]): void {
  const seen = new Map<string, string>();
  for (const source of config.static.sources) {
    const key = `static.${source.origin}`;
    if (!existsSync(source.dir)) {
      problems.push({
        level: "error",
        key,
        message: `${key}: the folder ${source.dir} does not exist.`,
      });
    } else if (!statSync(source.dir).isDirectory()) {
      problems.push({ level: "error", key, message: `${key}: ${source.dir} is not a folder.` });
    }
    const earlier = seen.get(`${source.prefix}\0${source.dir}`);
    if (earlier) {
      problems.push({ level: "warning", key, message: `${key} repeats static.${earlier}.` });
    }
    seen.set(`${source.prefix}\0${source.dir}`, source.origin);
    if (isInside(config.static.root, source.dir)) {
      problems.push({
        level: "error",
        key: "static.root",
        message: `static.root (${config.static.root}) is inside ${key} (${source.dir}).`,
      });
    } else if (isInside(source.dir, config.static.root)) {
      problems.push({
        level: "error",
        key,
        message: `${key} (${source.dir}) is inside static.root (${config.static.root}).`,
      });
    }
  }
  if (config.static.sources.length === 0) {
    problems.push({
      level: "warning",
      key: "static.dirs",
      message: "No static sources: set static.dirs or static.apps, or create a static/ folder.",
    });
  }
}

function checkUrls(config: ResolvedConfig, problems: Problem[]): void {
  const a = config.static.url;
  const b = config.media.url;
  if (a.startsWith(b) || b.startsWith(a)) {
    problems.push({
      level: "error",
      key: "media.url",
      message: `static.url (${a}) and media.url (${b}) overlap; give them separate prefixes.`,
    });
  }
}

function checkRoot(config: ResolvedConfig, problems: Problem[]): void {
  const root = config.static.root;
  if (!existsSync(root)) {
    problems.push({
      level: "warning",
      key: "static.root",
      message: `static.root (${root}) does not exist yet; run "stowage collect".`,
    });
    return;
  }
  let manifest: ReturnType<typeof readManifestSync>;
  try {
    manifest = readManifestSync(root);
  } catch (error) {
    problems.push({ level: "error", key: "static.root", message: (error as Error).message });
    return;
  }
  if (!manifest && config.static.hash) {
    problems.push({
      level: "warning",
      key: "static.root",
      message: `static.root has no staticfiles.json; run "stowage collect".`,
    });
  }
  const missing = Object.values(manifest?.paths ?? {}).filter(
    (hashed) => !existsSync(path.join(root, hashed)),
  );
  if (missing.length > 0) {
    problems.push({
      level: "error",
      key: "static.root",
      message: `staticfiles.json names ${missing.length} file(s) missing from static.root, e.g. ${missing[0]}; run "stowage collect".`,
    });
  }
}

/**
 * Problems with the `static` section, without changing anything: missing or
 * repeated source folders, `static.root` inside a source (or the reverse),
 * `static.url` overlapping `media.url`, a missing or stale manifest.
 */
export function checkStaticConfig(config: ResolvedConfig): ConfigProblem[] {
  const problems: Problem[] = [];
  checkSources(config, problems);
  checkUrls(config, problems);
  checkRoot(config, problems);
  return problems;
}
