import { describe, expect, it } from "vitest";
import { codeBlocks, planBlock } from "./readme/blocks.js";
import { HARNESSES, splitImports } from "./readme/harnesses.js";

const fence = "```";
const plan = (markdown: string) => codeBlocks(markdown).map(planBlock);

describe("README code blocks: extraction", () => {
  it("finds fenced blocks with their line, language and marker", () => {
    const markdown = [
      "# Title",
      "",
      "<!-- snippet: serving -->",
      `${fence}ts`,
      'import { x } from "y";',
      "",
      "x();",
      fence,
      "",
      "~~~~JSON",
      "{}",
      "~~~~",
      `   ${fence}`,
      "plain",
      `   ${fence}`,
    ].join("\n");
    expect(codeBlocks(markdown)).toEqual([
      { line: 4, lang: "ts", code: 'import { x } from "y";\n\nx();', marker: "serving" },
      { line: 10, lang: "json", code: "{}", marker: undefined },
      { line: 13, lang: "", code: "plain", marker: undefined },
    ]);
  });

  it("keeps a shorter fence inside a longer one as code", () => {
    const markdown = ["````md", fence, "inner", fence, "````"].join("\n");
    expect(codeBlocks(markdown)).toEqual([
      { line: 1, lang: "md", code: `${fence}\ninner\n${fence}`, marker: undefined },
    ]);
  });

  it("reads a marker only on the line right before the fence", () => {
    const markdown = ["<!-- snippet: config -->", "", `${fence}ts`, "1", fence].join("\n");
    expect(codeBlocks(markdown)[0].marker).toBeUndefined();
  });
});

describe("README code blocks: every block needs a way to run", () => {
  it("runs unmarked ts/js as programs, sh as stowage commands, json as JSON", () => {
    expect(
      plan(
        [`${fence}ts`, "1", fence, `${fence}js`, "1", fence, `${fence}sh`, "stowage check", fence]
          .concat([`${fence}json`, "{}", fence, `${fence}text`, "a/", fence])
          .join("\n"),
      ),
    ).toEqual([
      { run: "program", language: "ts" },
      { run: "program", language: "js" },
      { run: "cli", language: "sh" },
      { run: "json", language: "json" },
      { skip: "text, not code" },
    ]);
  });

  it("fails a block without a language", () => {
    expect(plan([fence, "npm start", fence].join("\n"))).toEqual([
      { error: "README.md:1: the block has no language; use ts, js, sh, json or text." },
    ]);
  });

  it("fails a block in a language no harness runs", () => {
    expect(plan([`${fence}python`, "print(1)", fence].join("\n"))[0]).toMatchObject({
      error: expect.stringContaining('no harness runs "python" blocks'),
    });
  });

  it("fails an unknown harness, naming the known ones", () => {
    expect(
      plan(["<!-- snippet: expres-app -->", `${fence}ts`, "app;", fence].join("\n"))[0],
    ).toEqual({
      error: `README.md:2: unknown snippet harness "expres-app"; known: ${Object.keys(HARNESSES).join(", ")}.`,
    });
  });

  it("fails a harness used for a language it does not run", () => {
    expect(
      plan(["<!-- snippet: serving -->", `${fence}sh`, "stowage serve", fence].join("\n"))[0],
    ).toEqual({ error: 'README.md:2: the "serving" harness runs ts/js blocks.' });
  });

  it("fails an sh block with commands other than stowage, unless marked not run with a reason", () => {
    const shell = [`${fence}sh`, "stowage collect", "npm start", fence].join("\n");
    expect(plan(shell)[0]).toMatchObject({
      error: expect.stringContaining('runs stowage commands only, not "npm start"'),
    });
    expect(plan(`<!-- snippet: not run: starts a server -->\n${shell}`)[0]).toEqual({
      skip: "starts a server",
    });
    expect(plan(`<!-- snippet: not run -->\n${shell}`)[0]).toEqual({
      error: 'README.md:2: "not run" needs a reason after "not run:".',
    });
  });

  it("accepts npx stowage and comments in sh blocks", () => {
    const shell = [`${fence}bash`, "# build the site", "npx stowage collect --noinput", fence];
    expect(plan(shell.join("\n"))).toEqual([{ run: "cli", language: "sh" }]);
  });

  it("fails a marker on a text block, which never runs", () => {
    expect(plan(["<!-- snippet: config -->", `${fence}text`, "a", fence].join("\n"))[0]).toEqual({
      error: "README.md:2: a text block is never run.",
    });
  });
});

describe("README code blocks: harness programs", () => {
  it("hoists the block's imports above the template and keeps the rest in place", () => {
    const code = [
      'import { a } from "a";',
      "// uses a",
      "const b = a();",
      'import type { C } from "c";',
      "b;",
    ].join("\n");
    expect(splitImports(code)).toEqual({
      imports: 'import { a } from "a";\nimport type { C } from "c";',
      body: "// uses a\nconst b = a();\nb;",
    });
  });

  it("puts the block inside the upload handler of its template", () => {
    const prepared = HARNESSES["upload-handler"].prepare!(
      'import { parseNodeUpload } from "stowage/uploads";\nconst upload = await parseNodeUpload(req, res);',
      "ts",
    );
    const program = prepared.files["snippet.ts"];
    expect(prepared.command).toEqual(["tsx", "snippet.ts"]);
    expect(program.indexOf('import { parseNodeUpload } from "stowage/uploads";')).toBeLessThan(
      program.indexOf("__createServer(async (req, res)"),
    );
    expect(program.indexOf("const upload = await parseNodeUpload(req, res);")).toBeGreaterThan(
      program.indexOf("__createServer(async (req, res)"),
    );
  });

  it("runs a cleanup block's commands from a check, in a project that extends the fixture's config", () => {
    const prepared = HARNESSES.cleanup.prepare!("stowage cleanup --dry-run", "sh");
    expect(prepared.command).toEqual(["tsx", "snippet.ts"]);
    expect(prepared.files["stowage.config.mjs"]).toContain('database: "sqlite:var/app.db"');
    expect(prepared.files["stowage.config.mjs"]).toContain("./stowage.config.json");
    expect(prepared.files["snippet.ts"]).toContain('"stowage cleanup --dry-run"');
    expect(HARNESSES.cleanup.refuse!("rm -rf media")).toMatch(/runs stowage commands only/);
  });

  it("checks json blocks by parsing them", () => {
    expect(() => HARNESSES.json.check!("{ not json }")).toThrow();
    expect(() => HARNESSES.json.check!('{ "static": {} }')).not.toThrow();
  });
});
