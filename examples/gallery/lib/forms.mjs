// Reading the site's forms with Stowage's parser, checking them with
// messages in the site's own words, and answering both kinds of client:
// script clients get `{ success, errors }` JSON with 400/413, form posts get
// the page again with each message beside its field and what was typed kept.
import { probeImage } from "stowage/images";
import {
  extensionOf,
  MB,
  parseNodeUpload,
  wantsJson as requestWantsJson,
  typeAgreesWithExtension,
  UploadSizeError,
  UploadValidationError,
  uploadErrorReply,
  uploadOptionsFromConfig,
} from "stowage/uploads";

/**
 * How far past a field's limit the parser keeps reading, so the message can
 * give the true size of a file that is a little too large ("Your file is
 * 11.00MB."). Anything larger is cut off while it streams in; the fields
 * typed before it still come back with the refusal (`error.fields`).
 */
const READ_PAST_LIMIT = 3;

/** Extensions for the types the sniffer reports, for "File type .exe is not allowed." */
const EXTENSION_OF_TYPE = {
  "application/pdf": "pdf",
  "application/msword": "doc",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
  "text/plain": "txt",
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/gif": "gif",
  "image/webp": "webp",
  "image/avif": "avif",
  "image/heic": "heic",
  "image/svg+xml": "svg",
  "text/html": "html",
  "application/zip": "zip",
  "application/x-msdownload": "exe",
  "application/x-elf": "elf",
  "application/x-mach-binary": "macho",
  "application/x-sh": "sh",
};

/** @param {number} bytes */
const megabytes = (bytes) => `${(bytes / MB).toFixed(2)}MB`;
/** @param {number} bytes */
const limitText = (bytes) =>
  `${Number.isInteger(bytes / MB) ? bytes / MB : (bytes / MB).toFixed(2)}MB`;

/** @typedef {{ field: string, rule: string, message: string }} Failure */

/**
 * One file field's checks, in the order a person fixes them: its type by
 * name, its size, then whether its bytes are what the name says. (A form
 * without a file never gets here: `readForm` reports it.)
 * @param {import("stowage/uploads").UploadedFile | undefined} file
 * @param {{ field: string, extensions: string[], maxSize: number, maxDimensions?: [number, number] }} rules
 * @returns {Promise<Failure[]>}
 */
export async function checkFile(file, rules) {
  if (!file) return [];
  const { field } = rules;
  /** @param {string} rule @param {string} message */
  const fail = (rule, message) => [{ field, rule, message }];
  const declared = checkNameAndSize(file, rules);
  if (declared.length > 0) return declared;
  const allowed = `Allowed types: ${rules.extensions.map((ext) => `.${ext}`).join(", ")}.`;
  if (!typeAgreesWithExtension(file.detectedType, file.extension)) {
    const real = EXTENSION_OF_TYPE[/** @type {keyof EXTENSION_OF_TYPE} */ (file.detectedType)];
    if (real && !rules.extensions.includes(real)) {
      return fail("realType", `File type .${real} is not allowed. ${allowed}`);
    }
    return fail(
      "realType",
      real
        ? `This file is a .${real} file named .${file.extension}. Rename it or choose another file.`
        : `This file's content is not a valid .${file.extension} file.`,
    );
  }
  if (rules.maxDimensions) {
    const [maxWidth, maxHeight] = rules.maxDimensions;
    let size;
    try {
      // As displayed: a portrait phone photo is measured upright.
      size = await probeImage(file.path ?? (await file.bytes()));
    } catch {
      return fail(
        "image",
        "Upload a valid image. The file you uploaded was either not an image or a corrupted image.",
      );
    }
    if (size.width > maxWidth || size.height > maxHeight) {
      return fail(
        "imageDimensions",
        `Image dimensions must be at most ${maxWidth}x${maxHeight} pixels. Your image is ${size.width}x${size.height}.`,
      );
    }
  }
  return [];
}

/**
 * The checks a file's name and size answer, also before a direct upload
 * sends a byte: empty, its type by name, its size.
 * @param {{ filename: string, size: number }} file
 * @param {{ field: string, extensions: string[], maxSize: number }} rules
 * @returns {Failure[]}
 */
export function checkNameAndSize(file, rules) {
  const { field } = rules;
  /** @param {string} rule @param {string} message */
  const fail = (rule, message) => [{ field, rule, message }];
  if (file.size === 0) return fail("empty", "The submitted file is empty.");
  const allowed = `Allowed types: ${rules.extensions.map((ext) => `.${ext}`).join(", ")}.`;
  const extension = extensionOf(String(file.filename ?? ""));
  if (!rules.extensions.includes(extension)) {
    const shown = extension ? `.${extension}` : "(none)";
    return fail("extension", `File type ${shown} is not allowed. ${allowed}`);
  }
  if (file.size > rules.maxSize) {
    return fail(
      "maxSize",
      `File size must be under ${limitText(rules.maxSize)}. Your file is ${megabytes(file.size)}.`,
    );
  }
  return [];
}

/** @param {string} field @param {string | undefined} value @param {{ maxLength: number }} rules @returns {Failure[]} */
export function checkText(field, value, { maxLength }) {
  const text = (value ?? "").trim();
  if (text === "") return [{ field, rule: "required", message: "This field is required." }];
  if (text.length > maxLength) {
    return [
      {
        field,
        rule: "maxLength",
        message: `Ensure this value has at most ${maxLength} characters (it has ${text.length}).`,
      },
    ];
  }
  return [];
}

/** @param {string} field @param {string | undefined} value @param {string[]} choices @returns {Failure[]} */
export function checkChoice(field, value, choices) {
  if (!value) return [{ field, rule: "required", message: "This field is required." }];
  if (!choices.includes(value)) {
    return [
      {
        field,
        rule: "choice",
        message: `Select a valid choice. ${value} is not one of the available choices.`,
      },
    ];
  }
  return [];
}

/** Throws the failures as one validation error (413 when every one is about size). @param {Failure[]} failures */
export function refuse(failures) {
  if (failures.length > 0) throw new UploadValidationError(failures);
}

/**
 * Parses a form post with the config's upload settings (`media.uploads`)
 * and this form's limits: with `fileField`, exactly one file, in that field
 * (the parser refuses a form without one, and a file in any other field),
 * read up to a few times `maxFileSize` so the checks above can word the
 * refusal. A missing file or one over even that comes back in `refused`,
 * in the site's words, with the fields typed before it (the parser's
 * `error.fields`), so the route reports it beside its other checks and the
 * page keeps what was typed.
 * @param {import("express").Request} req @param {import("express").Response} res
 * @param {{ fileField?: string, maxFileSize?: number }} [options]
 * @returns {Promise<{ fields: Record<string, string>, file: import("stowage/uploads").UploadedFile | undefined, refused: Failure[] }>}
 */
export async function readForm(req, res, { fileField, maxFileSize = 0 } = {}) {
  const limit = maxFileSize * READ_PAST_LIMIT;
  let upload;
  try {
    upload = await parseNodeUpload(
      req,
      res,
      uploadOptionsFromConfig(req.app.locals.config, {
        files: fileField ? { [fileField]: { max: 1, required: true } } : {},
        maxFileSize: limit,
        maxFields: 20,
        maxFieldSize: 64 * 1024,
        // The type checks above run with the other checks, in the site's words.
        verifyType: false,
      }),
    );
  } catch (error) {
    const refused = fileField ? inSiteWords(error, maxFileSize, limit) : undefined;
    if (!refused) throw error;
    const { fields } = /** @type {import("stowage/uploads").UploadError} */ (error);
    return { fields, file: undefined, refused };
  }
  res.on("close", () => void upload.cleanup());
  return {
    fields: upload.fields,
    file: fileField ? upload.file(fileField) : undefined,
    refused: [],
  };
}

/**
 * The parser's refusals of the file field, as this site words them: no
 * file at all, or one far over the limit. Anything else stays as it is.
 * @param {unknown} error @param {number} maxFileSize @param {number} limit
 * @returns {Failure[] | undefined}
 */
function inSiteWords(error, maxFileSize, limit) {
  if (error instanceof UploadValidationError && error.code === "E_MISSING_FILE") {
    return error.failures.map(({ field }) => ({
      field,
      rule: "required",
      message: "Choose a file to upload.",
    }));
  }
  if (error instanceof UploadSizeError && error.limit === "fileSize" && error.field) {
    return [
      {
        field: error.field,
        rule: "maxSize",
        message: `File size must be under ${limitText(maxFileSize)}. Your file is larger than ${megabytes(limit)}.`,
      },
    ];
  }
  return undefined;
}

/**
 * Whether to answer `req` with JSON: the library's rule, the same one its
 * `uploadErrorReply` answers refusals by, so a client gets one kind of
 * answer whether its upload is accepted or refused.
 * @param {import("express").Request} req
 */
export function wantsJson(req) {
  return requestWantsJson(req.headers);
}

/**
 * Answers a form that succeeded: a script gets `{ success: true, redirect,
 * ...details }` with `status`, a browser a 303 to `redirect`. `message` is
 * flashed either way, so it shows on the next page whoever follows the
 * redirect.
 * @param {import("express").Request} req @param {import("express").Response} res
 * @param {{ flash(req: import("express").Request, res: import("express").Response, kind: string, text: string): void }} sessions
 * @param {{ message: string, redirect: string, status?: number, details?: Record<string, unknown> }} done
 */
export function answerDone(req, res, sessions, { message, redirect, status = 200, details = {} }) {
  sessions.flash(req, res, "success", message);
  if (wantsJson(req)) res.status(status).json({ success: true, redirect, ...details });
  else res.redirect(303, redirect);
}

/**
 * Answers a refused form: JSON for scripts, otherwise `renderForm(errors,
 * typed)` with the same status; `typed` holds the fields the parser had
 * read when it refused the upload (empty when the route's own checks
 * refused it: the route has them). Anything that is not an upload error is
 * rethrown (an outage stays a 500, never a form message).
 * @param {import("express").Request} req @param {import("express").Response} res
 * @param {unknown} error
 * @param {(errors: Record<string, string[]>, typed: Readonly<Record<string, string>>) => Promise<unknown>} renderForm
 */
export async function answerRefusal(req, res, error, renderForm) {
  const reply = uploadErrorReply(error, req.headers);
  res.status(reply.status);
  if (reply.json) {
    res.json(reply.body);
    return;
  }
  res.send(String(await renderForm(reply.errors, reply.fields)));
}
