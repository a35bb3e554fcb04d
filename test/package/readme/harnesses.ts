/**
 * The harnesses README code blocks run in. A block picks one with an HTML
 * comment on the line before its fence, `<!-- snippet: NAME -->`; without
 * one, ts/js blocks run as complete programs, sh blocks as `stowage`
 * commands and json blocks must parse. See test/package/packed/readme.test.ts.
 *
 * A TypeScript harness is a program template: the block's `import`
 * declarations go where `IMPORTS` is, the rest of the block where `SNIPPET`
 * is. Template names start with `__` so they never clash with a block's.
 */
import { readFileSync } from "node:fs";
import ts from "typescript";
import type { Language } from "./blocks.js";

/** Files to write into a fresh copy of the fixture project, and the command to run there. */
export interface Prepared {
  files: Record<string, string>;
  /** `tsx FILE` (TypeScript or JavaScript) or `sh FILE`. */
  command: ["tsx" | "sh", string];
}

export interface Harness {
  languages: readonly Language[];
  /** What the block may use, or what it must be (shown in errors and the docs). */
  provides: string;
  /** Why the block cannot run here, checked before anything runs. */
  refuse?(code: string): string | undefined;
  /** A check without running anything (json). */
  check?(code: string): void;
  prepare?(code: string, language: Language): Prepared;
}

/** The block's import declarations, and the rest of it, as TypeScript parses them. */
export function splitImports(code: string): { imports: string; body: string } {
  const file = ts.createSourceFile("block.ts", code, ts.ScriptTarget.Latest, true);
  const imports: string[] = [];
  let body = "";
  let from = 0;
  for (const statement of file.statements) {
    if (!ts.isImportDeclaration(statement)) continue;
    imports.push(code.slice(statement.getStart(file), statement.end));
    body += code.slice(from, statement.getFullStart());
    from = statement.end;
  }
  body += code.slice(from);
  return { imports: imports.join("\n"), body: body.trim() };
}

const IMPORTS = "/* IMPORTS */";
const SNIPPET = "/* SNIPPET */";

/**
 * A harness that runs the block inside `template` with tsx. Templates are
 * TypeScript, so a JavaScript block runs as `.ts` unless the template is
 * empty around it. `extra` files are written beside it (check modules the
 * template imports).
 */
function program(provides: string, template: string, extra: Record<string, string> = {}): Harness {
  if (!template.includes(IMPORTS) || !template.includes(SNIPPET)) {
    throw new Error(`A harness template needs ${IMPORTS} and ${SNIPPET}.`);
  }
  return {
    languages: ["ts", "js"],
    provides,
    prepare(code, language) {
      const { imports, body } = splitImports(code);
      const bare = template === `${IMPORTS}\n${SNIPPET}\n`;
      const file = language === "js" && bare ? "snippet.mjs" : "snippet.ts";
      const text = template.replace(IMPORTS, () => imports).replace(SNIPPET, () => body);
      return { files: { ...extra, [file]: text }, command: ["tsx", file] };
    },
  };
}

/** A check module of this folder, as text to copy into a block's folder. */
const checkModule = (name: string) => readFileSync(new URL(name, import.meta.url), "utf8");

/**
 * A harness for a block that is a whole app: it must start one server on
 * PORT (0 here) and 127.0.0.1; web-app-check.ts then drives it and closes it.
 */
function webApp(provides: string, checks: { page: boolean; media: boolean }): Harness {
  return program(
    provides,
    `import * as __testing from "stowage/testing";
import { checkWebApp as __checkWebApp, watchServers as __watchServers } from "./__web-app-check.ts";
${IMPORTS}
const __jpeg = (await __testing.imageFile({ format: "jpeg", width: 40, height: 30 })).content as Uint8Array;
process.env.PORT = "0";
const __servers = __watchServers();
${SNIPPET}
await __checkWebApp(__servers, { jpeg: __jpeg, page: ${checks.page}, media: ${checks.media} });
// The app's own handles (sharp's threads, keep-alive timers) are not the block's to close.
process.exit(0);
`,
    { "__web-app-check.ts": checkModule("./web-app-check.ts") },
  );
}

const STOWAGE_COMMAND = /^(?:npx )?stowage(?:\s|$)/;

const harnesses = {
  program: program("nothing: the block is a complete program", `${IMPORTS}\n${SNIPPET}\n`),

  config: program(
    "`config`: the fixture project's resolved config, its static files collected",
    `import * as __stowage from "stowage";
${IMPORTS}
const config = await __stowage.loadConfig();
${SNIPPET}
`,
  ),

  serving: program(
    "`config`, `app` (an Express app) and `fastify` (a Fastify instance, made ready after the block)",
    `import __express from "express";
import __Fastify from "fastify";
import * as __stowage from "stowage";
${IMPORTS}
const config = await __stowage.loadConfig();
const app = __express();
const fastify = __Fastify();
${SNIPPET}
await fastify.ready();
await fastify.close();
`,
  ),

  storage: program(
    "`bytesOrStream`: the bytes of a small file; STOWAGE_SECRET is set",
    `${IMPORTS}
const bytesOrStream = Buffer.from("hello from the README");
${SNIPPET}
`,
  ),

  "upload-handler": program(
    "`req` and `res` of a multipart POST whose `photo` field is a JPEG (cat.jpg), and `media`, the fixture's media storage; the handler must answer 2xx",
    `import { createServer as __createServer } from "node:http";
import type { AddressInfo as __AddressInfo } from "node:net";
import * as __stowage from "stowage";
import * as __storage from "stowage/storage";
import * as __testing from "stowage/testing";
${IMPORTS}
const __config = await __stowage.loadConfig();
const media = __storage.createStoragesFromConfig(__config).default;
const __server = __createServer(async (req, res) => {
  try {
    ${SNIPPET}
    if (!res.headersSent) res.end("done");
  } catch (error) {
    res.statusCode = 500;
    res.end(error instanceof Error ? (error.stack ?? error.message) : String(error));
  }
});
await new Promise<void>((resolve) => __server.listen(0, "127.0.0.1", resolve));
const __photo = await __testing.imageFile({ field: "photo", format: "jpeg", filename: "cat.jpg" });
const __form = __testing.multipartBody([__photo]);
const { port: __port } = __server.address() as __AddressInfo;
const __response = await fetch(\`http://127.0.0.1:\${__port}/upload\`, {
  method: "POST",
  headers: __form.headers,
  body: __form.body,
});
__server.close();
if (!__response.ok) {
  throw new Error(\`The upload handler answered \${__response.status}: \${await __response.text()}\`);
}
`,
  ),

  "quick-start": webApp(
    "nothing: the block is a whole app. It must listen on PORT and 127.0.0.1, answer GET / with a page linking css/site.css by its hashed URL and holding a multipart form, serve /static/, store a JPEG posted in the field `photo` to POST /upload in the media storage, and refuse with 400 a file in another field and a form without a photo",
    { page: true, media: false },
  ),

  "web-app": webApp(
    "nothing: the block is a whole app. It must listen on PORT and 127.0.0.1, serve /static/ and /media/, store a JPEG posted in the field `photo` to POST /upload in the default media storage (served back under /media/), and refuse with 400 a file in another field and a form without a photo",
    { page: false, media: true },
  ),

  "signed-links": program(
    "`config`, `app` (an Express app, started after the block) and `pdfBytes`; the block must leave in `link` a signed link to those bytes, which must open them while a changed, unsigned or expired link gets 403",
    `import __express from "express";
import * as __stowage from "stowage";
import * as __storage from "stowage/storage";
import { checkSignedLink as __checkSignedLink } from "./__signed-links-check.ts";
${IMPORTS}
const config = await __stowage.loadConfig();
const app = __express();
const pdfBytes = Buffer.from("%PDF-1.4\\n1 0 obj << >> endobj\\ntrailer << >>\\n%%EOF\\n");
${SNIPPET}
await __checkSignedLink(app.listen(0, "127.0.0.1"), {
  link,
  bytes: pdfBytes,
  secret: process.env.STOWAGE_SECRET ?? "",
  signQuery: __storage.signQuery,
});
`,
    { "__signed-links-check.ts": checkModule("./signed-links-check.ts") },
  ),

  images: program(
    "`config` (with `images.variants`) and `media`, the fixture's media storage holding photos/cat.jpg",
    `import * as __stowage from "stowage";
import * as __storage from "stowage/storage";
import * as __testing from "stowage/testing";
${IMPORTS}
const config = await __stowage.loadConfig();
const media = __storage.createStoragesFromConfig(config).default;
const __cat = await __testing.imageFile({ format: "jpeg", width: 120, height: 90 });
await media.save("photos/cat.jpg", __cat.content);
${SNIPPET}
`,
  ),

  "config-file": {
    languages: ["ts", "js", "json"],
    provides: "nothing: the block is the project's config file, and must load",
    prepare(code, language) {
      const name = {
        ts: "stowage.config.ts",
        js: "stowage.config.mjs",
        json: "stowage.config.json",
      }[language as "ts" | "js" | "json"];
      const load = `import { loadConfig } from "stowage";
const config = await loadConfig();
if (!config.file?.endsWith("${name}")) throw new Error(\`loaded \${config.file}, not ${name}\`);
`;
      return {
        files: { [name]: code, "load-config.mjs": load },
        command: ["tsx", "load-config.mjs"],
      };
    },
  },

  json: {
    languages: ["json"],
    provides: "nothing: the block must be valid JSON",
    check(code) {
      JSON.parse(code);
    },
  },

  cli: {
    languages: ["sh"],
    provides: "the fixture project as the working directory, with `stowage` on PATH",
    refuse(code) {
      const lines = code
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => line !== "" && !line.startsWith("#"));
      const other = lines.find((line) => !STOWAGE_COMMAND.test(line));
      return other === undefined
        ? undefined
        : `the cli harness runs stowage commands only, not "${other}"; mark the block <!-- snippet: not run: REASON --> instead.`;
    },
    prepare(code) {
      // npx would look the name up in the registry; here it means the installed bin.
      const npx = 'npx() { [ "$1" = stowage ] || return 127; shift; stowage "$@"; }';
      return {
        files: { "snippet.sh": `set -e\n${npx}\n${code}\n` },
        command: ["sh", "snippet.sh"],
      };
    },
  },
} satisfies Record<string, Harness>;

export type HarnessName = keyof typeof harnesses;
export const HARNESSES: Record<HarnessName, Harness> = harnesses;
