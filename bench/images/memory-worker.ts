// One child of the decode-memory benchmark: `make CASE FILE` writes the
// input of a case, `measure CASE FILE` renders it and prints one JSON line
// with the peak RSS before and after (a fresh process per case, so one
// case's heap never hides another's).
import { readFileSync } from "node:fs";
import sharp from "sharp";
import { defineVariants, type RenderRequest, renderImages } from "../../src/images/index.js";
import { CASES, type MemoryCase } from "./memory-cases.js";

function maxRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

async function make(spec: MemoryCase, file: string): Promise<void> {
  const { width, height, channels, depth, format } = spec.input;
  const frames = spec.input.frames ?? 1;
  // A flat colour: decode memory does not depend on the content, and the
  // files stay small enough to write quickly.
  const background = channels === 4 ? { r: 40, g: 90, b: 160, alpha: 0.5 } : "#285aa0";
  const create = { width, height: height * frames, channels, background };
  let image =
    frames > 1
      ? sharp(await sharp({ create, limitInputPixels: false }).raw().toBuffer(), {
          raw: { width, height: height * frames, channels, pageHeight: height },
          limitInputPixels: false,
        })
      : sharp({ create, limitInputPixels: false });
  if (depth === 16) image = image.toColourspace("rgb16");
  const progressive = spec.input.progressive ?? false;
  const encoded = {
    jpeg: () => image.jpeg({ quality: 90, progressive, chromaSubsampling: "4:4:4" }),
    png: () => image.png({ progressive, compressionLevel: 1 }),
    webp: () => image.webp({ lossless: true, effort: 0 }),
    gif: () => image.gif({ loop: 0, delay: new Array(frames).fill(100), effort: 1 }),
    tiff: () => image.tiff({ compression: "deflate" }),
    avif: () => image.avif({ effort: 0, quality: 30, bitdepth: depth === 10 ? 10 : 8 }),
  }[format]();
  await encoded.toFile(file);
}

async function measure(spec: MemoryCase, file: string): Promise<void> {
  // Warm up: load libvips and run one small render, so the baseline holds
  // everything but the case's own pixels.
  const warm = await sharp({ create: { width: 64, height: 64, channels: 3, background: "#888" } })
    .png()
    .toBuffer();
  const warmSpec = defineVariants({ w: { fit: [32, 32], format: "webp" } });
  await renderImages(warm, { w: { spec: warmSpec.w, format: "webp" } }, { placeholder: true });
  const baseline = maxRssMb();
  const specs = defineVariants(spec.variants as Record<string, Record<string, unknown>>);
  const requests: Record<string, RenderRequest> = {};
  for (const [key, variant] of Object.entries(specs)) {
    requests[key] = { spec: variant, format: variant.format ?? "jpeg" };
  }
  const started = process.hrtime.bigint();
  const result = await renderImages(readFileSync(file), requests, {
    placeholder: spec.placeholder ?? false,
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const outputs = Object.values(result.outputs).map((out) => `${out.width}x${out.height}`);
  process.stdout.write(
    `${JSON.stringify({
      baselineMb: baseline,
      peakMb: maxRssMb(),
      ms,
      outputs,
      pixels: result.source.width * result.source.height * (spec.input.frames ?? 1),
    })}\n`,
  );
}

const [command, name, file] = process.argv.slice(2);
const spec = CASES.find((candidate) => candidate.name === name);
if (spec === undefined || file === undefined) {
  throw new Error(
    `usage: memory-worker.ts make|measure CASE FILE (cases: ${CASES.map((c) => c.name).join(", ")})`,
  );
}
if (command === "make") await make(spec, file);
else if (command === "measure") await measure(spec, file);
else throw new Error(`unknown command ${command}`);
