/**
 * The fenced code blocks of a Markdown file, and how each one is run.
 *
 * A small line scanner rather than a Markdown library: the README's blocks
 * are fences at the start of a line (``` or ~~~, up to three spaces in), and
 * the only other thing read is an HTML comment on the line before a fence.
 * The rules it applies are tested in test/package/readme-blocks.test.ts.
 */
import { HARNESSES, type HarnessName } from "./harnesses.js";

export interface CodeBlock {
  /** 1-based line of the opening fence. */
  line: number;
  /** The info string's first word, lower-cased (`ts`, `sh`, ...); `""` when there is none. */
  lang: string;
  code: string;
  /** The text of `<!-- snippet: TEXT -->` on the line before the fence, if any. */
  marker: string | undefined;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)/;
const MARKER = /^\s*<!--\s*snippet:\s*([\s\S]*?)\s*-->\s*$/;

/** Every fenced block of `markdown`, in order. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split("\n");
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    const fence = open[1];
    const body: string[] = [];
    let j = i + 1;
    // A closing fence is the same character, at least as long, and nothing after it.
    const close = new RegExp(`^ {0,3}${fence[0]}{${fence.length},}\\s*$`);
    while (j < lines.length && !close.test(lines[j])) body.push(lines[j++]);
    const previous = i > 0 ? MARKER.exec(lines[i - 1]) : null;
    blocks.push({
      line: i + 1,
      lang: open[2].toLowerCase(),
      code: body.join("\n"),
      marker: previous ? previous[1] : undefined,
    });
    i = j;
  }
  return blocks;
}

/** Languages the harnesses know, by the names a fence may use. */
export type Language = "ts" | "js" | "sh" | "json";
const LANGUAGES: Record<string, Language | "prose"> = {
  ts: "ts",
  typescript: "ts",
  js: "js",
  javascript: "js",
  mjs: "js",
  sh: "sh",
  bash: "sh",
  shell: "sh",
  json: "json",
  text: "prose",
  txt: "prose",
};

/** The harness a block runs in when it has no marker. */
const DEFAULT_HARNESS: Record<Language, HarnessName> = {
  ts: "program",
  js: "program",
  sh: "cli",
  json: "json",
};

export type Plan = { run: HarnessName; language: Language } | { skip: string } | { error: string };

/**
 * How `block` is checked: run in a harness, skipped for a stated reason
 * (`<!-- snippet: not run: REASON -->`, or a `text` block, which is not
 * code), or an error saying what to add so it can run.
 */
export function planBlock(block: CodeBlock): Plan {
  const where = `README.md:${block.line}`;
  const language = LANGUAGES[block.lang];
  if (block.marker !== undefined && /^not run\b/.test(block.marker)) {
    const reason = block.marker.replace(/^not run:?/, "").trim();
    if (reason === "") return { error: `${where}: "not run" needs a reason after "not run:".` };
    return { skip: reason };
  }
  if (block.lang === "") {
    return { error: `${where}: the block has no language; use ts, js, sh, json or text.` };
  }
  if (language === undefined) {
    return {
      error: `${where}: no harness runs "${block.lang}" blocks; use ts, js, sh, json or text, or mark it <!-- snippet: not run: REASON -->.`,
    };
  }
  if (language === "prose") {
    if (block.marker !== undefined) return { error: `${where}: a text block is never run.` };
    return { skip: "text, not code" };
  }
  const name = (block.marker ?? DEFAULT_HARNESS[language]) as HarnessName;
  const harness = HARNESSES[name];
  if (harness === undefined) {
    return {
      error: `${where}: unknown snippet harness "${name}"; known: ${Object.keys(HARNESSES).join(", ")}.`,
    };
  }
  if (!harness.languages.includes(language)) {
    return { error: `${where}: the "${name}" harness runs ${harness.languages.join("/")} blocks.` };
  }
  const refusal = harness.refuse?.(block.code);
  if (refusal) return { error: `${where}: ${refusal}` };
  return { run: name, language };
}
