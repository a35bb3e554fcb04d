// Stowage `collect` against Django 3.2 `collectstatic` with WhiteNoise's
// CompressedManifestStaticFilesStorage, on a corpus nobody here wrote.
// Usage: npm run bench -- collect [--runs N] [--quick] [--skip-django] [--skip-stowage]
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { compareVariants, type OutputScan, scanOutput } from "./compare.js";
import { corpusApps, layOutCorpus } from "./corpus.js";
import {
  buildStowage,
  type CollectJson,
  REPO,
  runDjango,
  runStowage,
  writeStowageConfig,
} from "./peers.js";
import { ensureAptPackages, ensureCorpusPackages } from "./setup.js";
import { median, renderTable, type ToolResult } from "./table.js";

const USAGE = `Usage: npm run bench -- collect [options]
  --runs N          cold + warm runs per tool; the table shows medians (default 1)
  --quick           a small corpus (about 250 files) to check the wiring quickly
  --skip-django     reuse the Django timings saved by the last run with Django
                    (bench/.work/django-times.json); not for published numbers
  --skip-stowage    measure Django only (e.g. while the collect is being built)`;

const TARGET_COLD = 6;
const TARGET_WARM = 100;

const log = (line: string) => process.stderr.write(`[collect] ${line}\n`);
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

interface SavedDjango {
  cold: number[];
  warm: number[];
  coldCpu: number[];
  warmCpu: number[];
  files: number;
  at: string;
}

const FLAGS = {
  runs: { type: "string", default: "1" },
  quick: { type: "boolean", default: false },
  "skip-django": { type: "boolean", default: false },
  "skip-stowage": { type: "boolean", default: false },
  help: { type: "boolean", default: false },
} as const;

function parseFlags() {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof FLAGS }>>;
  try {
    parsed = parseArgs({ options: FLAGS });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  const { values } = parsed;
  const runs = Number(values.runs);
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  if (!Number.isInteger(runs) || runs < 1) {
    process.stderr.write(`--runs must be a whole number of at least 1; got "${values.runs}".\n`);
    process.exit(2);
  }
  if (values["skip-django"] && values["skip-stowage"]) {
    process.stderr.write("--skip-django and --skip-stowage together leave nothing to measure.\n");
    process.exit(2);
  }
  return {
    runs,
    quick: values.quick,
    skipDjango: values["skip-django"],
    skipStowage: values["skip-stowage"],
  };
}

function loadSavedDjango(file: string, key: string): SavedDjango | null {
  if (!existsSync(file)) return null;
  const saved = JSON.parse(readFileSync(file, "utf8")) as Record<string, SavedDjango>;
  return saved[key] ?? null;
}

function saveDjango(file: string, key: string, entry: SavedDjango): void {
  const saved = existsSync(file)
    ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, SavedDjango>)
    : {};
  saved[key] = entry;
  writeFileSync(file, `${JSON.stringify(saved, null, 2)}\n`);
}

function describeStowage(
  label: string,
  { summary, seconds, cpuSeconds }: { summary: CollectJson; seconds: number; cpuSeconds: number },
): void {
  const compressed = Object.entries(summary.compressed ?? {})
    .map(([format, n]) => `${n} ${format}`)
    .join(", ");
  log(
    `stowage ${label}: ${seconds.toFixed(2)} s wall, ${cpuSeconds.toFixed(2)} s CPU ` +
      `(${summary.ms} ms inside); ` +
      `${summary.collected} collected, ${summary.unchanged} unchanged, ${summary.hashed} hashed` +
      (compressed ? `, compressed ${compressed}` : ""),
  );
}

async function main(): Promise<void> {
  const flags = parseFlags();
  const work = path.join(REPO, "bench/.work");
  const suffix = flags.quick ? "-quick" : "";
  const mode = flags.quick ? "quick" : "full";

  await ensureAptPackages(log);
  const npm = ensureCorpusPackages(path.join(work, "npm"), log);
  const corpus = layOutCorpus(path.join(work, `corpus${suffix}`), npm, flags.quick);
  const apps = corpusApps(corpus.dir);
  log(
    `corpus (${mode}): ${corpus.files} files, ${mib(corpus.bytes)} MiB ` +
      `(${corpus.symlinks} symlinks kept) in ${path.relative(REPO, corpus.dir)}; apps: ${apps.join(", ")}`,
  );

  const djangoRoot = path.join(work, `out-django${suffix}`);
  const stowageRoot = path.join(work, `out-stowage${suffix}`);
  const stowageSetup = {
    corpus: corpus.dir,
    root: stowageRoot,
    apps,
    configFile: path.join(work, `stowage.config${suffix}.json`),
  };
  writeStowageConfig(stowageSetup);
  if (!flags.skipStowage) {
    log("npm run build (the CLI is measured from dist/)");
    await buildStowage();
  }

  const empty = () => ({ cold: [], warm: [], coldCpu: [], warmCpu: [], scan: null });
  const django: ToolResult = { tool: "Django 3.2 + WhiteNoise", ...empty() };
  const stowage: ToolResult = { tool: "Stowage collect", ...empty() };
  const timesFile = path.join(work, "django-times.json");

  for (let run = 1; run <= flags.runs; run++) {
    const of = `run ${run}/${flags.runs}`;
    if (!flags.skipDjango) {
      rmSync(djangoRoot, { recursive: true, force: true });
      const setup = { corpus: corpus.dir, root: djangoRoot, apps };
      log(`django cold (${of})...`);
      const cold = await runDjango(setup);
      django.cold.push(cold.seconds);
      django.coldCpu.push(cold.cpuSeconds);
      log(`django cold: ${cold.seconds.toFixed(2)} s wall, ${cold.cpuSeconds.toFixed(2)} s CPU`);
      log(`django warm (${of})...`);
      const warm = await runDjango(setup);
      django.warm.push(warm.seconds);
      django.warmCpu.push(warm.cpuSeconds);
      log(`django warm: ${warm.seconds.toFixed(2)} s wall, ${warm.cpuSeconds.toFixed(2)} s CPU`);
    }
    if (!flags.skipStowage) {
      rmSync(stowageRoot, { recursive: true, force: true });
      // The incremental state lives beside the root: a cold run starts without it too.
      rmSync(path.join(path.dirname(stowageRoot), ".stowage-cache", path.basename(stowageRoot)), {
        recursive: true,
        force: true,
      });
      const cold = await runStowage(stowageSetup);
      stowage.cold.push(cold.seconds);
      stowage.coldCpu.push(cold.cpuSeconds);
      describeStowage(`cold (${of})`, cold);
      const warm = await runStowage(stowageSetup);
      stowage.warm.push(warm.seconds);
      stowage.warmCpu.push(warm.cpuSeconds);
      describeStowage(`warm (${of})`, warm);
    }
  }

  if (flags.skipDjango) {
    const saved = loadSavedDjango(timesFile, mode);
    if (!saved) throw new Error(`--skip-django: no saved ${mode} Django timings in ${timesFile}`);
    log(`Django timings reused from ${saved.at} (--skip-django)`);
    django.cold = saved.cold;
    django.warm = saved.warm;
    django.coldCpu = saved.coldCpu ?? [];
    django.warmCpu = saved.warmCpu ?? [];
  } else {
    saveDjango(timesFile, mode, {
      cold: django.cold,
      warm: django.warm,
      coldCpu: django.coldCpu,
      warmCpu: django.warmCpu,
      files: corpus.files,
      at: new Date().toISOString(),
    });
  }

  const scan = (root: string): OutputScan | null => (existsSync(root) ? scanOutput(root) : null);
  django.scan = scan(djangoRoot);
  stowage.scan = flags.skipStowage ? null : scan(stowageRoot);

  const results = flags.skipStowage ? [django] : [django, stowage];
  const load = loadavg().map((value) => value.toFixed(2));
  process.stdout.write(
    `\n### collect: ${corpus.files} files, ${mib(corpus.bytes)} MiB (${mode} corpus), ` +
      `median of ${flags.runs} run(s)\n\n${renderTable(results)}\n\n` +
      `Load average at the end: ${load.join(" ")} on ${availableParallelism()} cores.` +
      (flags.skipDjango ? " Django timings reused from an earlier run (--skip-django)." : "") +
      "\n",
  );

  let ok = true;
  if (django.scan && stowage.scan) {
    const equivalence = compareVariants(django.scan, stowage.scan);
    const list = (title: string, names: string[], limit: number) =>
      `${title}: ${names.length}` +
      (names.length ? `\n  ${names.slice(0, limit).join("\n  ")}` : "") +
      (names.length > limit ? `\n  ... and ${names.length - limit} more` : "");
    process.stdout.write(
      `\n${[
        list("Variants WhiteNoise wrote that Stowage did not", equivalence.missingInStowage, 40),
        list("Variants only Stowage wrote", equivalence.extraInStowage, 20),
        list("Files Django hashed that Stowage did not", equivalence.unhashedInStowage, 40),
        list("Files only Stowage hashed", equivalence.onlyHashedByStowage, 20),
      ].join("\n")}\n`,
    );
    const { missingInStowage, unhashedInStowage } = equivalence;
    ok = missingInStowage.length === 0 && unhashedInStowage.length === 0;
  }
  if (!flags.skipStowage) {
    const coldSpeedup = median(django.cold) / median(stowage.cold);
    const warmSpeedup = median(django.warm) / median(stowage.warm);
    process.stdout.write(
      `\nTargets: cold >= ${TARGET_COLD}x: ${coldSpeedup >= TARGET_COLD ? "met" : "NOT met"} ` +
        `(${coldSpeedup.toFixed(1)}x); warm >= ${TARGET_WARM}x: ` +
        `${warmSpeedup >= TARGET_WARM ? "met" : "NOT met"} (${warmSpeedup.toFixed(1)}x)\n`,
    );
  }
  // The work must be the same for the timings to mean anything.
  if (!ok) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`[collect] ${(error as Error).message}\n`);
  process.exitCode = 1;
});
