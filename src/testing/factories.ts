import { importOptional } from "../errors.js";
import type { FilePart } from "./multipart.js";

/** A file part from bytes or text (Django's `SimpleUploadedFile`). */
export function fileFromBytes(
  filename: string,
  content: Uint8Array | string,
  options: { field?: string; contentType?: string } = {},
): FilePart {
  return {
    name: options.field ?? "file",
    filename,
    content,
    contentType: options.contentType ?? "application/octet-stream",
  };
}

export type ImageFormat = "png" | "jpeg" | "webp" | "gif" | "avif";

export interface ImageFileOptions {
  /** Pixels. @default 64 */
  width?: number;
  /** Pixels. @default 48 */
  height?: number;
  /** @default "png" */
  format?: ImageFormat;
  /** Field name. @default "image" */
  field?: string;
  /** @default `image.<format's extension>` */
  filename?: string;
  /** Fill colour. @default a mid grey */
  color?: { r: number; g: number; b: number };
}

const EXTENSIONS: Record<ImageFormat, string> = {
  png: "png",
  jpeg: "jpg",
  webp: "webp",
  gif: "gif",
  avif: "avif",
};

/** A real image of the given size and format, made with sharp, as a file part. */
export async function imageFile(options: ImageFileOptions = {}): Promise<FilePart> {
  const { default: sharp } = await importOptional<typeof import("sharp")>(
    "sharp",
    "imageFile() in stowage/testing",
  );
  const format = options.format ?? "png";
  const content = await sharp({
    create: {
      width: options.width ?? 64,
      height: options.height ?? 48,
      channels: 3,
      background: options.color ?? { r: 128, g: 128, b: 128 },
    },
  })
    .toFormat(format)
    .toBuffer();
  return {
    name: options.field ?? "image",
    filename: options.filename ?? `image.${EXTENSIONS[format]}`,
    content,
    contentType: format === "jpeg" ? "image/jpeg" : `image/${format}`,
  };
}
