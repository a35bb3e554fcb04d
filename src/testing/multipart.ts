import { randomBytes } from "node:crypto";

/** A plain form field. */
export interface FieldPart {
  name: string;
  value: string;
}

/** A file field, as a browser sends one. */
export interface FilePart {
  name: string;
  filename: string;
  content: Uint8Array | string;
  /** @default "application/octet-stream" */
  contentType?: string;
}

export type FormPart = FieldPart | FilePart;

/** A built request body with the headers that go with it. */
export interface MultipartBody {
  /**
   * The bytes, as a plain `Uint8Array` over its own `ArrayBuffer`: a body
   * `fetch` takes as it is (a `Buffer` is refused there by strict types),
   * and one `http.request().end()` and supertest's `send()` take too.
   */
  body: Uint8Array<ArrayBuffer>;
  boundary: string;
  contentType: string;
  /** `Content-Type` and `Content-Length`, ready for `fetch`, supertest or `http.request`. */
  headers: Record<string, string>;
}

/** Quote a parameter value as browsers do (WHATWG): `"` -> `%22`, CR/LF -> `%0D`/`%0A`. */
function quote(value: string): string {
  return `"${value.replace(/"/g, "%22").replace(/\r/g, "%0D").replace(/\n/g, "%0A")}"`;
}

function isFile(part: FormPart): part is FilePart {
  return "filename" in part;
}

/**
 * Builds a `multipart/form-data` body byte for byte as a browser would, so
 * an app's tests can post to their own routes:
 *
 * ```ts
 * const form = new MultipartBuilder().field("title", "Hi").file("doc", "a.pdf", bytes).build();
 * await fetch(url, { method: "POST", headers: form.headers, body: form.body });
 * ```
 */
export class MultipartBuilder {
  private readonly parts: FormPart[] = [];

  constructor(
    private readonly boundary = `----StowageFormBoundary${randomBytes(12).toString("hex")}`,
  ) {}

  field(name: string, value: string): this {
    this.parts.push({ name, value });
    return this;
  }

  file(name: string, filename: string, content: Uint8Array | string, contentType?: string): this {
    this.parts.push({ name, filename, content, contentType });
    return this;
  }

  /** Adds a part made by a factory (`fileFromBytes`, `imageFile`). */
  add(part: FormPart): this {
    this.parts.push(part);
    return this;
  }

  build(): MultipartBody {
    return multipartBody(this.parts, this.boundary);
  }
}

/** One-call form of `MultipartBuilder`. */
export function multipartBody(
  parts: FormPart[],
  boundary = `----StowageFormBoundary${randomBytes(12).toString("hex")}`,
): MultipartBody {
  const encoder = new TextEncoder();
  const chunks: Uint8Array[] = [];
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name=${quote(part.name)}`;
    if (isFile(part)) {
      head += `; filename=${quote(part.filename)}\r\nContent-Type: ${part.contentType ?? "application/octet-stream"}`;
    }
    chunks.push(encoder.encode(`${head}\r\n\r\n`));
    const content = isFile(part) ? part.content : part.value;
    chunks.push(typeof content === "string" ? encoder.encode(content) : content);
    chunks.push(encoder.encode("\r\n"));
  }
  chunks.push(encoder.encode(`--${boundary}--\r\n`));
  return built(concat(chunks), `multipart/form-data; boundary=${boundary}`, boundary);
}

/** A urlencoded body, as a plain HTML form posts it. */
export function urlencodedBody(fields: Record<string, string> | [string, string][]): MultipartBody {
  const text = new URLSearchParams(fields).toString();
  return built(new TextEncoder().encode(text), "application/x-www-form-urlencoded", "");
}

/** The chunks copied into one array of their own (never a view of a shared pool). */
function concat(chunks: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const body = new Uint8Array(chunks.reduce((total, chunk) => total + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

function built(
  body: Uint8Array<ArrayBuffer>,
  contentType: string,
  boundary: string,
): MultipartBody {
  return {
    body,
    boundary,
    contentType,
    headers: { "content-type": contentType, "content-length": String(body.byteLength) },
  };
}
