// The inputs of the decode-memory benchmark: each sits at a default limit
// (89,478,485 pixels, a 32,768 px side, 100:1) in the shape and encoding that
// makes libvips hold the most of it at once.

export interface MemoryCase {
  name: string;
  input: {
    format: "jpeg" | "png" | "webp" | "gif" | "tiff" | "avif";
    width: number;
    height: number;
    channels: 3 | 4;
    /** Bits per sample (10 for AVIF only). */
    depth: 8 | 10 | 16;
    /** Progressive JPEG, interlaced (Adam7) PNG: decoders must hold the whole image. */
    progressive?: boolean;
    /** Frames of an animation, each `width` x `height`. */
    frames?: number;
  };
  /** Variant specs rendered in one `renderImages` call. */
  variants: Record<string, Record<string, unknown>>;
  placeholder?: boolean;
}

/** 9459 x 9459 = 89,472,681 pixels, just under the default pixel limit. */
const SQUARE = 9459;
/** 32,768 x 2,730 = 89,456,640 pixels: the longest side at the pixel limit. */
const LONG = 32_768;
const SHORT = 2_730;
/**
 * libheif refuses to decode more than 2 GiB of image data (about 24 bytes per
 * pixel for 10-bit RGBA): 9400 x 9400 is near the largest it accepts.
 */
const AVIF_10_BIT = 9400;

const THUMB = { thumb: { cover: [300, 300], format: "webp" } };
/** What `makeVariants` does at upload: several outputs and a placeholder from one decode. */
const UPLOAD = {
  thumb: { cover: [300, 300], format: "webp" },
  large: { fit: [1920, 1080], format: "jpeg" },
  full: { format: "webp" }, // format only: capped at 8192 px, the largest intermediate
};

export const CASES: MemoryCase[] = [
  {
    name: "jpeg-square-thumb",
    input: { format: "jpeg", width: SQUARE, height: SQUARE, channels: 3, depth: 8 },
    variants: THUMB,
  },
  {
    name: "jpeg-progressive-square-thumb",
    input: {
      format: "jpeg",
      width: SQUARE,
      height: SQUARE,
      channels: 3,
      depth: 8,
      progressive: true,
    },
    variants: THUMB,
  },
  {
    name: "jpeg-progressive-square-upload",
    input: {
      format: "jpeg",
      width: SQUARE,
      height: SQUARE,
      channels: 3,
      depth: 8,
      progressive: true,
    },
    variants: UPLOAD,
    placeholder: true,
  },
  {
    name: "png8-rgba-square-upload",
    input: { format: "png", width: SQUARE, height: SQUARE, channels: 4, depth: 8 },
    variants: UPLOAD,
    placeholder: true,
  },
  {
    name: "png16-rgba-square-thumb",
    input: { format: "png", width: SQUARE, height: SQUARE, channels: 4, depth: 16 },
    variants: THUMB,
  },
  {
    name: "png16-rgba-interlaced-square-thumb",
    input: {
      format: "png",
      width: SQUARE,
      height: SQUARE,
      channels: 4,
      depth: 16,
      progressive: true,
    },
    variants: THUMB,
  },
  {
    name: "png16-rgba-interlaced-square-upload",
    input: {
      format: "png",
      width: SQUARE,
      height: SQUARE,
      channels: 4,
      depth: 16,
      progressive: true,
    },
    variants: UPLOAD,
    placeholder: true,
  },
  {
    name: "png16-rgba-wide-upload",
    input: { format: "png", width: LONG, height: SHORT, channels: 4, depth: 16 },
    variants: UPLOAD,
    placeholder: true,
  },
  {
    name: "png16-rgba-tall-thumb",
    input: { format: "png", width: SHORT, height: LONG, channels: 4, depth: 16 },
    variants: THUMB,
  },
  {
    name: "webp-lossless-square-thumb",
    input: { format: "webp", width: SQUARE, height: SQUARE, channels: 4, depth: 8 },
    variants: THUMB,
  },
  {
    name: "gif-square-thumb",
    input: { format: "gif", width: SQUARE, height: SQUARE, channels: 3, depth: 8 },
    variants: THUMB,
  },
  {
    name: "gif-animated-30-frames",
    input: { format: "gif", width: 1727, height: 1727, channels: 3, depth: 8, frames: 30 },
    variants: { anim: { fit: [800, 800], format: "webp", animated: true } },
  },
  {
    name: "tiff16-rgba-square-thumb",
    input: { format: "tiff", width: SQUARE, height: SQUARE, channels: 4, depth: 16 },
    variants: THUMB,
  },
  {
    name: "avif-square-thumb",
    input: { format: "avif", width: SQUARE, height: SQUARE, channels: 3, depth: 8 },
    variants: THUMB,
  },
  {
    name: "avif10-rgba-square-thumb",
    input: { format: "avif", width: AVIF_10_BIT, height: AVIF_10_BIT, channels: 4, depth: 10 },
    variants: THUMB,
  },
  {
    name: "avif10-rgba-square-upload",
    input: { format: "avif", width: AVIF_10_BIT, height: AVIF_10_BIT, channels: 4, depth: 10 },
    variants: UPLOAD,
    placeholder: true,
  },
];
