import type { Sharp, SharpOptions } from "sharp";
import { refuseUnknownKeys } from "../option-keys.js";
import { rethrowDecodeError } from "./decode-errors.js";
import { withDecodeSlot } from "./decode-slots.js";
import { canAnimate } from "./formats.js";
import { intermediateSize, planVariant, type Size, type VariantPlan } from "./geometry.js";
import {
  IMAGE_LIMIT_KEYS,
  type ImageLimits,
  pickImageLimits,
  type ResolvedImageLimits,
  resolveImageLimits,
} from "./limits.js";
import { placeholderFromRaw } from "./placeholder.js";
import { assertImageAllowed, type ImageProbe, probeImage } from "./probe.js";
import { loadSharp, type SharpFactory } from "./sharp.js";
import type { OutputFormat, VariantSpec } from "./spec.js";

/** One output to make: a validated spec and the format it is written in. */
export interface RenderRequest {
  spec: VariantSpec;
  format: OutputFormat;
}

export interface RenderedImage {
  data: Buffer;
  format: OutputFormat;
  /** Pixels. */
  width: number;
  /** Pixels. */
  height: number;
}

export interface RenderResult {
  /** The original's header. */
  source: ImageProbe;
  outputs: Record<string, RenderedImage>;
  /** Base64 thumbhash of the original, when asked for. */
  placeholder?: string;
}

export interface RenderOptions extends ImageLimits {
  /** Also compute a thumbhash placeholder (about 25 bytes, base64). @default false */
  placeholder?: boolean;
}

/** What one pipeline produced: some outputs, perhaps the placeholder. */
interface RenderedPart {
  entries: [string, RenderedImage][];
  placeholder?: string;
}

interface Job {
  key: string;
  request: RenderRequest;
  plan: VariantPlan;
  keepFrames: boolean;
}

function inputOptions(limits: ResolvedImageLimits, frames: number): SharpOptions {
  return {
    // Checked from the header already; this is libvips's own backstop.
    limitInputPixels: limits.maxInputPixels * frames,
    // "truncated" refuses cut-off and corrupt data but tolerates the harmless
    // warnings real cameras produce (extraneous bytes, odd markers).
    failOn: "truncated",
    autoOrient: true,
    animated: frames > 1,
  };
}

/** Resize (and crop) `image` from its current size to the planned output. */
function shape(sharp: SharpFactory, image: Sharp, spec: VariantSpec, from: Size, to: Size): Sharp {
  if (spec.cover !== undefined) {
    const position =
      spec.position === "attention"
        ? sharp.strategy.attention
        : spec.position === "entropy"
          ? sharp.strategy.entropy
          : "centre";
    return image.resize(to.width, to.height, { fit: "cover", position });
  }
  if (from.width === to.width && from.height === to.height) return image;
  return image.resize(to.width, to.height, { fit: "fill" });
}

function encode(image: Sharp, request: RenderRequest, source: ImageProbe): Sharp {
  const { spec, format } = request;
  let out = image;
  if (format === "jpeg") out = out.flatten({ background: spec.background ?? "#ffffff" });
  // Pixels are converted to sRGB; tag them so colour-managed viewers agree.
  if (source.hasProfile) out = out.withIccProfile("srgb");
  if (spec.keepMetadata) out = out.keepExif().keepXmp();
  const quality = spec.quality;
  switch (format) {
    case "jpeg":
      return out.jpeg({ quality });
    case "webp":
      return out.webp({ quality });
    case "avif":
      return out.avif({ quality });
    case "png":
      return out.png();
    case "gif":
      return out.gif();
  }
}

async function finish(image: Sharp, format: OutputFormat): Promise<RenderedImage> {
  const { data, info } = await image.toBuffer({ resolveWithObject: true });
  // For animations libvips reports the page height in `pageHeight`.
  const height = (info as { pageHeight?: number }).pageHeight ?? info.height;
  return { data, format, width: info.width, height };
}

/** A pipeline straight from the input: for animation and metadata, which raw pixels lose. */
function renderDirect(
  sharp: SharpFactory,
  input: Uint8Array | string,
  job: Job,
  source: ImageProbe,
  limits: ResolvedImageLimits,
): Promise<RenderedImage> {
  const frames = job.keepFrames ? source.frames : 1;
  const image = sharp(input, inputOptions(limits, frames));
  const shaped = shape(sharp, image, job.request.spec, source, job.plan.output);
  return finish(encode(shaped, job.request, source), job.request.format);
}

/**
 * The shared path: decode once, with shrink-on-load, to the largest size any
 * of these outputs needs, then cut each output (and the placeholder) from
 * those pixels instead of decoding the source again.
 */
async function renderShared(
  sharp: SharpFactory,
  input: Uint8Array | string,
  jobs: readonly Job[],
  source: ImageProbe,
  limits: ResolvedImageLimits,
  withPlaceholder: boolean,
): Promise<RenderedPart> {
  const size = intermediateSize(
    source,
    jobs.map((job) => job.plan),
  );
  let decoder = sharp(input, inputOptions(limits, 1));
  if (size.width !== source.width || size.height !== source.height) {
    decoder = decoder.resize(size.width, size.height, { fit: "fill" });
  }
  const { data, info } = await decoder
    .toColourspace("srgb")
    .raw({ depth: "uchar" })
    .toBuffer({ resolveWithObject: true });
  const raw = { raw: { width: info.width, height: info.height, channels: info.channels } };
  // One encoder at a time: an 8192 px WebP encoder alone holds hundreds of
  // MB, and the decode slot stands for one image's worth of memory.
  const entries: [string, RenderedImage][] = [];
  for (const job of jobs) {
    const shaped = shape(sharp, sharp(data, raw), job.request.spec, info, job.plan.output);
    entries.push([job.key, await finish(encode(shaped, job.request, source), job.request.format)]);
  }
  if (!withPlaceholder) return { entries };
  return { entries, placeholder: await placeholderFromRaw(data, info) };
}

/**
 * Makes every requested output of one image. Limits are checked from the
 * header before any pixel is decoded; the decode waits for a slot of the
 * process-wide budget (`setMaxConcurrentDecodes`). Failures become typed
 * image errors (`E_IMAGE_EMPTY`, `E_IMAGE_CORRUPT`, `E_IMAGE_UNSUPPORTED`,
 * `E_IMAGE_TOO_LARGE`).
 */
export function renderImages(
  input: Uint8Array | string,
  requests: Record<string, RenderRequest>,
  options: RenderOptions = {},
): Promise<RenderResult> {
  refuseUnknownKeys(options, RENDER_OPTION_KEYS, "renderImages");
  return withDecodeSlot(() => renderHoldingSlot(input, requests, options));
}

const RENDER_OPTION_KEYS = [...IMAGE_LIMIT_KEYS, "placeholder"];

/** `renderImages` for a caller that already holds a decode slot (and may read the input inside it). */
export async function renderHoldingSlot(
  input: Uint8Array | string,
  requests: Record<string, RenderRequest>,
  options: RenderOptions = {},
): Promise<RenderResult> {
  const limits = resolveImageLimits(pickImageLimits(options));
  const source = await probeImage(input);
  const sharp = await loadSharp();
  const jobs: Job[] = Object.entries(requests).map(([key, request]) => ({
    key,
    request,
    plan: planVariant(source, request.spec, limits.maxOutputDimension),
    keepFrames: Boolean(request.spec.animated) && canAnimate(request.format) && source.frames > 1,
  }));
  assertImageAllowed(source, limits, { keepFrames: jobs.some((job) => job.keepFrames) });

  const direct = jobs.filter((job) => job.keepFrames || job.request.spec.keepMetadata);
  const shared = jobs.filter((job) => !direct.includes(job));
  // A lone output gets its own pipeline: sharp already shrinks on load for it.
  if (shared.length === 1 && !options.placeholder) direct.push(shared.pop()!);
  // One decode at a time within the slot: the slot stands for one decode's memory.
  const parts: RenderedPart[] = [];
  try {
    for (const job of direct) {
      parts.push({ entries: [[job.key, await renderDirect(sharp, input, job, source, limits)]] });
    }
    if (shared.length > 0 || options.placeholder) {
      parts.push(
        await renderShared(sharp, input, shared, source, limits, Boolean(options.placeholder)),
      );
    }
  } catch (error) {
    rethrowDecodeError(error, limits.maxInputPixels);
  }
  const outputs = Object.fromEntries(parts.flatMap((part) => part.entries));
  const placeholder = parts.find((part) => part.placeholder !== undefined)?.placeholder;
  return placeholder === undefined ? { source, outputs } : { source, outputs, placeholder };
}
