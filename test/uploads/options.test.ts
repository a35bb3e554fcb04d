import { mkdtemp, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { Hono } from "hono";
import { describe, expect, test } from "vitest";
import { defineConfig, loadConfig } from "../../src/config/load.js";
import { resolveConfig } from "../../src/config/resolve.js";
import { ConfigError } from "../../src/errors.js";
import { MultipartBuilder } from "../../src/testing/multipart.js";
import { uploadMiddleware } from "../../src/uploads/adapters/express.js";
import { parseFastifyUpload } from "../../src/uploads/adapters/fastify.js";
import { parseRequestUpload } from "../../src/uploads/adapters/fetch.js";
import { parseNodeUpload } from "../../src/uploads/adapters/node.js";
import { uploadOptionsFromConfig } from "../../src/uploads/config.js";
import { MB } from "../../src/uploads/format.js";
import { resolveUploadOptions, type UploadOptions } from "../../src/uploads/options.js";
import { parseUpload } from "../../src/uploads/parse.js";
import { maxSize } from "../../src/uploads/validators.js";
import { streamOf } from "./helpers.js";

const misspelt = { maxFilesize: 5 * MB } as unknown as UploadOptions;
const SUGGESTION =
  /^Unknown upload option "maxFilesize"\. Did you mean "maxFileSize"\? Known: maxFileSize, /;

describe("unknown upload options are refused with the key named and a suggestion", () => {
  const req = new http.IncomingMessage(null as never);
  const res = new http.ServerResponse(req);
  test.each([
    ["resolveUploadOptions", () => resolveUploadOptions(misspelt)],
    ["parseUpload", () => parseUpload({ headers: {}, body: null }, misspelt)],
    ["parseNodeUpload", () => parseNodeUpload(req, res, misspelt)],
    ["uploadMiddleware (when the route is made)", () => uploadMiddleware(misspelt)],
    ["parseFastifyUpload", () => parseFastifyUpload({ raw: req }, { raw: res }, misspelt)],
    ["parseRequestUpload", () => parseRequestUpload(new Request("http://x/"), misspelt)],
    [
      "uploadOptionsFromConfig overrides",
      () => uploadOptionsFromConfig(resolveConfig({}, "/"), misspelt),
    ],
  ])("%s", (_name, call) => {
    const error = (() => {
      try {
        call();
      } catch (caught) {
        return caught;
      }
      throw new Error("expected a ConfigError");
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: "E_CONFIG", key: "maxFilesize" });
    expect((error as Error).message).toMatch(SUGGESTION);
  });

  test.each([
    [
      { maxFileSize: "10MB" },
      'Upload option "maxFileSize" must be a number of bytes ≥ 0 (Infinity for no limit); found "10MB".',
    ],
    [
      { idleTimeout: 0 },
      'Upload option "idleTimeout" must be a number of milliseconds > 0 (Infinity for no limit); found 0.',
    ],
    [{ verifyType: "yes" }, 'Upload option "verifyType" must be true or false; found "yes".'],
    [
      { files: { avatar: 0 } },
      'Upload option "files" must be an object of file field names and their most files (≥ 1) or { max, required }, e.g. { avatar: 1 } or { avatar: { max: 1, required: true } }; "avatar" has 0; found an object.',
    ],
    [{ files: { avatar: "1" } }, '; "avatar" has "1"; found an object.'],
    [{ files: { avatar: { max: 1.5 } } }, '; "avatar".max has 1.5; found an object.'],
    [{ files: { avatar: { required: "yes" } } }, '; "avatar".required has "yes"; found an object.'],
    [
      { files: { avatar: { max: 1, requried: true } } },
      '; "avatar" has the unknown key "requried" (did you mean "required"?); found an object.',
    ],
    [
      { validators: { photo: maxSize(1) } },
      'Upload option "validators" must be an object of field names and lists of validators (extensions([...]), ...); "photo" is not a list of validators; found an object.',
    ],
    [{ signal: "stop" }, 'Upload option "signal" must be an AbortSignal; found "stop".'],
  ])("a wrong value is refused: %j", (options, message) => {
    expect(() => resolveUploadOptions(options as unknown as UploadOptions)).toThrow(message);
  });

  test("a name far from every option gets no suggestion", () => {
    expect(() => resolveUploadOptions({ colour: "red" } as unknown as UploadOptions)).toThrow(
      /^Unknown upload option "colour"\. Known: /,
    );
  });

  test("the type of the options refuses a misspelt key at compile time", () => {
    // @ts-expect-error maxFilesize is not an upload option
    const options: UploadOptions = { maxFilesize: 1 };
    expect(options).toBeDefined();
    // @ts-expect-error nor is it a key of media.uploads in a config
    const config = defineConfig({ media: { uploads: { maxFilesize: 1 } } });
    expect(config).toBeDefined();
  });
});

describe("media.uploads in the config", () => {
  test("reaches the parser through uploadOptionsFromConfig, overrides winning", async () => {
    const config = resolveConfig(
      { media: { uploads: { maxFileSize: 1000, maxFields: 3, tmpDir: "var/tmp" } } },
      "/srv/app",
    );
    expect(config.media.uploads.tmpDir).toBe(path.join("/srv/app", "var/tmp"));
    const options = uploadOptionsFromConfig(config, { maxFields: 5 });
    expect(options).toEqual({ maxFileSize: 1000, maxFields: 5, tmpDir: "/srv/app/var/tmp" });
    const tmp = await mkdtemp(path.join(os.tmpdir(), "stowage-config-uploads-"));
    try {
      const form = new MultipartBuilder().file("f", "a.bin", Buffer.alloc(1001)).build();
      await expect(
        parseUpload(
          { headers: form.headers, body: streamOf(form.body) },
          { ...options, tmpDir: tmp },
        ),
      ).rejects.toMatchObject({ code: "E_LIMIT_FILE_SIZE", status: 413 });
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });

  test("an unknown key in a config file is refused with the full key and a suggestion", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "stowage-config-uploads-"));
    try {
      await writeFile(
        path.join(dir, "stowage.config.json"),
        JSON.stringify({ media: { uploads: { maxFilesize: 1000 } } }),
      );
      await expect(loadConfig({ cwd: dir, env: {} })).rejects.toMatchObject({
        code: "E_CONFIG",
        key: "media.uploads.maxFilesize",
        message: expect.stringMatching(
          /^Unknown config key "media\.uploads\.maxFilesize"\. Did you mean "media\.uploads\.maxFileSize"\?/,
        ),
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test.each([
    [{ maxFiles: -1 }, 'Config key "media.uploads.maxFiles" must be a number ≥ 0'],
    [{ filenames: "strip" }, 'Config key "media.uploads.filenames" must be "reject" or "basename"'],
    [{ signal: new AbortController().signal }, 'Unknown config key "media.uploads.signal"'],
    ["10MB", 'Config key "media.uploads" must be an object of upload options'],
  ])("a bad media.uploads is refused: %j", (uploads, message) => {
    expect(() => resolveConfig({ media: { uploads } }, "/")).toThrow(message);
  });

  test("a fetch handler can use the config's options too (Hono)", async () => {
    const config = resolveConfig({ media: { uploads: { maxFields: 1 } } }, "/");
    const app = new Hono();
    app.post("/", async (c) => {
      try {
        await parseRequestUpload(c.req.raw, uploadOptionsFromConfig(config));
        return c.text("ok");
      } catch (error) {
        return c.text((error as Error).message, (error as { status: 400 }).status);
      }
    });
    const form = new URLSearchParams({ a: "1", b: "2" });
    const response = await app.request("/", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form.toString(),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toBe(
      "Too many form fields: send at most 1 form fields in one request.",
    );
  });
});
