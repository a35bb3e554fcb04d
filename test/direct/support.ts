import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import sharp from "sharp";
import type { Storage } from "../../src/storage/types.js";
import { fileFromBytes, multipartBody } from "../../src/testing/index.js";
import { fieldValidators } from "../../src/uploads/direct/checks.js";
import { createDirectUploads, type DirectUploads } from "../../src/uploads/direct/index.js";
import type { PreparedUpload } from "../../src/uploads/direct/prepare.js";
import { imageDimensions, MB, parseUpload } from "../../src/uploads/index.js";

export const SECRET = "direct-upload-test-secret-0123456789";

/** A real PDF header with filler: enough for the sniffer. */
export function pdfBytes(size = 64 * 1024): Buffer {
  const body = Buffer.alloc(size, 0x20);
  body.write("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "latin1");
  return body;
}

/** A Windows executable's first bytes: what an `.exe` renamed `.pdf` really is. */
export function exeBytes(size = 16 * 1024): Buffer {
  const body = Buffer.alloc(size);
  body.write("MZ");
  return body;
}

export async function pngBytes(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: "#3a7" } })
    .png()
    .toBuffer();
}

export const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/** The fields every storage's suite uses: a document and a photo field. */
export function directFor(
  storages: Record<string, Storage> & { default: Storage },
  extra: { tusPath?: string } = {},
): DirectUploads {
  return createDirectUploads({
    storages,
    secret: SECRET,
    endpoint: "/uploads/direct/",
    ...extra,
    fields: {
      document: { maxSize: 1 * MB, extensions: ["pdf", "txt"], uploadTo: "documents/{uuid}.{ext}" },
      photo: {
        maxSize: 2 * MB,
        extensions: ["png", "jpg"],
        uploadTo: "photos/{user}/{uuid}.{ext}",
        validators: [imageDimensions({ maxWidth: 400, maxHeight: 400 })],
      },
    },
  });
}

/** An app server on loopback that mounts the direct-upload endpoint. */
export async function startApp(
  direct: DirectUploads,
): Promise<{ base: string; close(): Promise<void>; server: Server }> {
  const handler = direct.nodeHandler();
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** What a browser does with a prepared upload: a form POST or a PUT, as told. */
export async function sendUpload(
  prepared: PreparedUpload,
  bytes: Buffer,
  base: string,
  filename = "file",
): Promise<Response> {
  const upload = prepared.upload;
  const url = new URL(upload.url, base);
  if (upload.method === "POST") {
    const form = new FormData();
    for (const [key, value] of Object.entries(upload.fields)) form.append(key, value);
    form.append(
      upload.fileField,
      new Blob([new Uint8Array(bytes)], { type: upload.fields["Content-Type"] }),
      filename,
    );
    return fetch(url, { method: "POST", body: form });
  }
  if (upload.method === "PUT") {
    return fetch(url, { method: "PUT", headers: upload.headers, body: new Uint8Array(bytes) });
  }
  throw new Error(`sendUpload does not speak ${upload.method}`);
}

/**
 * The error a form upload gives for the same file under the same field's
 * rules: what a direct upload's confirm must answer too.
 */
export async function formUploadError(
  direct: DirectUploads,
  field: string,
  filename: string,
  bytes: Buffer,
): Promise<{ code: string; status: number; message: string }> {
  const form = multipartBody([fileFromBytes(filename, new Uint8Array(bytes), { field })]);
  const rules = direct.options.fields[field];
  try {
    const result = await parseUpload(
      { headers: form.headers, body: Readable.from([Buffer.from(form.body)]) },
      { validators: { [field]: fieldValidators(rules) }, allowSvg: rules.allowSvg },
    );
    await result.cleanup();
  } catch (error) {
    const { code, status, message } = error as { code: string; status: number; message: string };
    return { code, status, message };
  }
  throw new Error("expected the form upload to be refused");
}
