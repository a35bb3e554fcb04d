import { type ImageLimits, imageLimitCheck } from "../images/probe.js";
import type { UploadedFile } from "./file.js";
import { formatBytes } from "./format.js";
import { typeAgreesWithExtension, typeMismatchMessage } from "./type-agreement.js";

/**
 * One rule for the files of a field. `validate` returns a message a person
 * can act on, or `undefined` when the file passes.
 */
export interface Validator {
  /** Stable rule name, reported with the field: `maxSize`, `extension`, ... */
  rule: string;
  validate(file: UploadedFile): string | undefined | Promise<string | undefined>;
}

/** Files larger than `bytes` fail (Django's `FileExtensionValidator`'s sibling for size). */
export function maxSize(bytes: number): Validator {
  return {
    rule: "maxSize",
    validate: (file) =>
      file.size > bytes
        ? `File size must be under ${formatBytes(bytes, { short: true })}. Your file is ${formatBytes(file.size)}.`
        : undefined,
  };
}

/** Empty files, or files smaller than `bytes`, fail. */
export function minSize(bytes = 1): Validator {
  return {
    rule: "minSize",
    validate: (file) =>
      file.size < bytes
        ? file.size === 0
          ? "The file is empty."
          : `File size must be at least ${formatBytes(bytes, { short: true })}. Your file is ${formatBytes(file.size)}.`
        : undefined,
  };
}

/** Only these extensions pass (case-insensitive, with or without the dot). */
export function extensions(allowed: string[]): Validator {
  const list = allowed.map((ext) => ext.replace(/^\./, "").toLowerCase());
  return {
    rule: "extension",
    validate: (file) =>
      list.includes(file.extension)
        ? undefined
        : `File extension "${file.extension || "(none)"}" is not allowed. Allowed extensions are: ${list.join(", ")}.`,
  };
}

/** `image/*`-style patterns against a MIME type. */
function matchesType(mime: string, pattern: string): boolean {
  return pattern.endsWith("/*") ? mime.startsWith(pattern.slice(0, -1)) : mime === pattern;
}

/**
 * The bytes must be one of `types` (patterns like `image/*` allowed) and
 * agree with the file's extension. Reads only the detected type, which the
 * parser took from the first bytes.
 */
export function realType(types: string[] = []): Validator {
  return {
    rule: "realType",
    validate: (file) => {
      if (types.length > 0 && !types.some((pattern) => matchesType(file.detectedType, pattern))) {
        return `The file's content is ${file.detectedType}, which is not accepted here. Accepted: ${types.join(", ")}.`;
      }
      if (!typeAgreesWithExtension(file.detectedType, file.extension)) {
        return typeMismatchMessage(file);
      }
      return undefined;
    },
  };
}

export interface DimensionRules {
  minWidth?: number;
  maxWidth?: number;
  minHeight?: number;
  maxHeight?: number;
  /** Most pixels (width × height): guards against decompression bombs before anything decodes. */
  maxPixels?: number;
  /**
   * The image limits the renderer applies (`maxInputPixels`, `maxInputSide`,
   * `maxAspectRatio`), so an upload `makeVariants` would refuse is refused
   * now, before it is stored: pass `imageOptionsFromConfig(config).limits`.
   * @default the defaults of `stowage/images`
   */
  limits?: ImageLimits;
}

/**
 * Width, height and pixel count as displayed (EXIF orientation applied, the
 * largest frame of an animation), read from the header by the probe the
 * renderer uses; nothing is decoded. A file that is not a readable image fails.
 */
export function imageDimensions(rules: DimensionRules = {}): Validator {
  const limitError = imageLimitCheck(rules.limits);
  return {
    rule: "imageDimensions",
    validate: async (file) => {
      const size = await file.imageSize();
      if (!size) {
        return "The file is not an image whose size can be read (JPEG, PNG, WebP, AVIF, HEIC, GIF, TIFF).";
      }
      const { width, height } = size;
      const found = `${width}×${height}`;
      if (rules.maxWidth !== undefined && width > rules.maxWidth) {
        return `Image width must be at most ${rules.maxWidth} px. Your image is ${found}.`;
      }
      if (rules.maxHeight !== undefined && height > rules.maxHeight) {
        return `Image height must be at most ${rules.maxHeight} px. Your image is ${found}.`;
      }
      if (rules.minWidth !== undefined && width < rules.minWidth) {
        return `Image width must be at least ${rules.minWidth} px. Your image is ${found}.`;
      }
      if (rules.minHeight !== undefined && height < rules.minHeight) {
        return `Image height must be at least ${rules.minHeight} px. Your image is ${found}.`;
      }
      if (rules.maxPixels !== undefined && width * height > rules.maxPixels) {
        return `Image must have at most ${rules.maxPixels.toLocaleString("en")} pixels. Your image is ${found} (${(width * height).toLocaleString("en")}).`;
      }
      return limitError(size)?.message;
    },
  };
}
