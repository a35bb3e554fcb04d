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
import { fileURLToPath } from "node:url";
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
  /**
   * The block runs in Chromium (STOWAGE_CHROMIUM): skipped with a message
   * where it is missing, failed in CI, as the other browser tests.
   */
  needsChromium?: boolean;
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

/** Why an sh block cannot run as stowage commands, if it cannot. */
function refuseOtherCommands(code: string): string | undefined {
  const lines = code
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
  const other = lines.find((line) => !STOWAGE_COMMAND.test(line));
  return other === undefined
    ? undefined
    : `the harness runs stowage commands only, not "${other}"; mark the block <!-- snippet: not run: REASON --> instead.`;
}

/**
 * A stowage.config.mjs that extends the fixture's stowage.config.json (the
 * .mjs is found first): `media` and `static` keys merged over the fixture's.
 * `head` is code placed before it (imports).
 */
function extendedConfig(extra: { media?: string; static?: string }, head = ""): string {
  return `import { readFileSync } from "node:fs";
${head}
const base = JSON.parse(readFileSync(new URL("./stowage.config.json", import.meta.url), "utf8"));
export default {
  ...base,
  static: { ...base.static, ${extra.static ?? ""} },
  media: { ...base.media, ${extra.media ?? ""} },
};
`;
}

/** The test files of this repository, for harness programs that import them by path. */
const REPO_TEST = fileURLToPath(new URL("../../", import.meta.url));

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

  "unit-of-work": program(
    "`photo` (an `UploadedFile`: a JPEG parsed from a real multipart body) and `user` (`{ id: 1 }`); the config's `media.database` is the SQLite file var/app.db, whose `users.avatar` is the one reference, and user 1's avatar avatars/1.jpg is stored with an image variant. Afterwards the row must name a new stored file holding the photo, and the old avatar and its variant must be gone",
    `import * as __stowage from "stowage";
import * as __images from "stowage/images";
import * as __media from "stowage/media";
import * as __storage from "stowage/storage";
import * as __testing from "stowage/testing";
import * as __uploads from "stowage/uploads";
${IMPORTS}
const __config = await __stowage.loadConfig();
const __files = __storage.createStoragesFromConfig(__config).default;
const __seed = __media.createDatabase("sqlite:var/app.db");
await __seed.schema
  .createTable("users")
  .addColumn("id", "integer", (column) => column.primaryKey())
  .addColumn("avatar", "text")
  .execute();
const __old = await __testing.imageFile({ format: "jpeg", width: 80, height: 80 });
await __files.save("avatars/1.jpg", __old.content);
const __oldVariants = await __images.makeVariants(
  __files,
  "avatars/1.jpg",
  __images.imageOptionsFromConfig(__config).variants,
);
await __seed.insertInto("users").values({ id: 1, avatar: "avatars/1.jpg" }).execute();
await __seed.destroy();
const __part = await __testing.imageFile({ field: "photo", format: "jpeg", filename: "me.jpg" });
const __form = __testing.multipartBody([__part]);
const __upload = await __uploads.parseUpload(
  new Request("http://app/profile", { method: "POST", headers: __form.headers, body: __form.body }),
);
const photo = __upload.file("photo")!;
const user = { id: 1 };
${SNIPPET}
const __check = __media.createDatabase("sqlite:var/app.db");
const __row = await __check.selectFrom("users").select("avatar").where("id", "=", 1).executeTakeFirstOrThrow();
await __check.destroy();
const __new = __row.avatar as unknown;
if (typeof __new !== "string" || __new === "avatars/1.jpg") {
  throw new Error(\`README unit-of-work check: the users row names \${String(__new)}, not a new avatar.\`);
}
if (!Buffer.from(await __files.read(__new)).equals(Buffer.from(__part.content as Uint8Array))) {
  throw new Error(\`README unit-of-work check: \${__new} does not hold the uploaded photo.\`);
}
for (const __name of ["avatars/1.jpg", ...Object.values(__oldVariants.variants).map((made) => made.name)]) {
  if (await __files.exists(__name)) {
    throw new Error(\`README unit-of-work check: \${__name} of the old avatar was not deleted.\`);
  }
}
await __upload.cleanup();
// The block's own handles (the database it opened, sharp's threads) are not the check's to close.
process.exit(0);
`,
    {
      "stowage.config.mjs": extendedConfig({
        media: `database: "sqlite:var/app.db", references: [{ table: "users", column: "avatar" }],`,
      }),
    },
  ),

  cleanup: {
    languages: ["sh"],
    provides:
      "the fixture project with the SQLite database var/app.db as `media.database` and `users.avatar` and `contracts.pdf` (private storage) as `media.references`, and files of known ages in both storages (orphans older than 7 days and 2 days, a fresh one, referenced files, image variants of each kind). Each command runs in order; what it deleted and printed is checked against its flags and its comment",
    refuse: refuseOtherCommands,
    prepare(code) {
      return {
        files: {
          "stowage.config.mjs": extendedConfig({
            media: `database: "sqlite:var/app.db",
    references: [
      { table: "users", column: "avatar" },
      { table: "contracts", column: "pdf", storage: "private" },
    ],`,
          }),
          "__cleanup-check.ts": checkModule("./cleanup-check.ts"),
          "snippet.ts": `import { checkCleanupBlock, seedProject } from "./__cleanup-check.ts";
await checkCleanupBlock(${JSON.stringify(code)}, await seedProject());
`,
        },
        command: ["tsx", "snippet.ts"],
      };
    },
  },

  tus: program(
    "`storages` (the fixture's), `secret`, `fields` (a `photo` field), `app` (an Express 5 app), `fastify` (a Fastify instance) and `request` (a tus creation request for a prepared photo). The block must leave `direct`, `tus` and `response` (handleWeb's answer to `request`); the harness then sends half the photo through Express, asks the offset and sends the rest through Fastify, confirms it with `direct`, and checks the stored bytes, a refused second creation and `removeExpired()`",
    `import { once as __once } from "node:events";
import type { AddressInfo as __AddressInfo } from "node:net";
import __express from "express";
import __Fastify from "fastify";
import * as __stowage from "stowage";
import * as __storage from "stowage/storage";
import * as __testing from "stowage/testing";
import * as __uploads from "stowage/uploads";
import { checkTus as __checkTus, tusCreation as __tusCreation } from "./__tus-check.ts";
${IMPORTS}
const __config = await __stowage.loadConfig();
const storages = __storage.createStoragesFromConfig(__config);
const secret = __config.secret ?? "";
const fields = {
  photo: { maxSize: 5 * __uploads.MB, extensions: ["jpg", "jpeg"], uploadTo: "photos/{uuid}.{ext}" },
};
const app = __express();
const fastify = __Fastify();
const __photo = (await __testing.imageFile({ format: "jpeg", width: 300, height: 200 })).content as Uint8Array;
// Tickets are signed, so one prepared here is valid for the block's direct uploads too.
const __prepared = await __uploads
  .createDirectUploads({ storages, secret, fields, tusPath: "/uploads/tus/" })
  .prepare({ field: "photo", filename: "cat.jpg", size: __photo.length, method: "tus" });
const request = __tusCreation("http://app", __prepared, __photo.length);
${SNIPPET}
const __server = app.listen(0, "127.0.0.1");
await __once(__server, "listening");
await fastify.listen({ port: 0, host: "127.0.0.1" });
await __checkTus({
  response,
  creation: __tusCreation("http://app", __prepared, __photo.length),
  express: \`http://127.0.0.1:\${(__server.address() as __AddressInfo).port}\`,
  fastify: \`http://127.0.0.1:\${(fastify.server.address() as __AddressInfo).port}\`,
  bytes: __photo,
  confirm: async () => storages.default.read((await direct.confirm(__prepared.ticket)).name),
  removeExpired: () => tus.removeExpired(),
});
// The block's interval and the servers' sockets are not the check's to close.
process.exit(0);
`,
    { "__tus-check.ts": checkModule("./tus-check.ts") },
  ),

  browser: {
    languages: ["js"],
    provides:
      'a page served by an Express app with a file input, a progress bar and the block as a module script; the client is collected from `static.dirs` (`{ prefix: "stowage-client", dir: clientAssetDir() }`) and served under /static/, and the app\'s /uploads/prepare and /uploads/confirm routes take a `photo` (.jpg, .png) into the fixture\'s media storage. In Chromium a JPEG chosen in the input must be stored and logged as "stored as NAME" with the bar full; a .txt file must log the server\'s messages by field',
    needsChromium: true,
    prepare(code) {
      return {
        files: {
          "stowage.config.mjs": extendedConfig(
            {
              static: `dirs: [...base.static.dirs, { prefix: "stowage-client", dir: clientAssetDir() }],`,
            },
            'import { clientAssetDir } from "stowage/uploads";',
          ),
          "page.js": code,
          "__browser-check.ts": checkModule("./browser-check.ts"),
          "snippet.ts": `import { execFile } from "node:child_process";
import { once } from "node:events";
import { readFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import express from "express";
import { loadConfig } from "stowage";
import { createStaticFiles, nodeHandler, staticOptionsFromConfig } from "stowage/serve";
import { createStoragesFromConfig } from "stowage/storage";
import * as testing from "stowage/testing";
import { createDirectUploads, MB, uploadErrorReply } from "stowage/uploads";
import { launchChromium } from ${JSON.stringify(`${REPO_TEST}e2e/support/browser.ts`)};
import { checkBrowserUpload } from "./__browser-check.ts";

await promisify(execFile)("stowage", ["collect"]);
const config = await loadConfig();
const storages = createStoragesFromConfig(config);
const direct = createDirectUploads({
  storages,
  secret: config.secret ?? "",
  fields: { photo: { maxSize: 5 * MB, extensions: ["jpg", "png"], uploadTo: "photos/{uuid}.{ext}" } },
});
const app = express();
app.get("/", (_req, res) => {
  res.type("html").send(\`<!doctype html>
<input type="file" accept=".jpg,.png"> <progress value="0" max="1"></progress>
<script type="module" src="/page.js"></script>\`);
});
app.get("/page.js", async (_req, res) => {
  res.type("text/javascript").send(await readFile("page.js", "utf8"));
});
app.post("/uploads/prepare", express.json(), async (req, res) => {
  res.json(await direct.prepare(req.body));
});
app.post("/uploads/confirm", express.json(), async (req, res) => {
  const photo = await direct.confirm(req.body.ticket);
  res.json({ name: photo.name });
});
app.use(direct.nodeHandler());
app.use(nodeHandler(createStaticFiles(staticOptionsFromConfig(config))));
app.use((error: unknown, req: express.Request, res: express.Response, _next: express.NextFunction) => {
  const reply = uploadErrorReply(error, req.headers);
  res.status(reply.status).json({ success: false, errors: reply.errors });
});
const server = app.listen(0, "127.0.0.1");
await once(server, "listening");
const media = storages.default;
async function names(): Promise<string[]> {
  const all: string[] = [];
  for await (const entry of media.list("")) all.push(entry.name);
  return all.sort();
}
await checkBrowserUpload(\`http://127.0.0.1:\${(server.address() as AddressInfo).port}\`, {
  launch: launchChromium,
  jpeg: (await testing.imageFile({ format: "jpeg", width: 40, height: 30 })).content as Uint8Array,
  stored: async (name) => ((await media.exists(name)) ? media.read(name) : undefined),
  names,
});
process.exit(0);
`,
        },
        command: ["tsx", "snippet.ts"],
      };
    },
  },

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
    refuse: refuseOtherCommands,
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
