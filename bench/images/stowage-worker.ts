// The seed's photo job with Stowage: one decode per photo, two outputs cut
// from it. Usage: tsx stowage-worker.ts LIST_FILE OUT_DIR CONCURRENCY
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { defineVariants, renderImages } from "../../src/images/index.js";

const [listFile, outDir, concurrencyArg] = process.argv.slice(2);
const paths = readFileSync(listFile, "utf8").split("\n").filter(Boolean);
const concurrency = Number(concurrencyArg ?? "1");
const specs = defineVariants({
  large: { fit: [1920, 1080], format: "jpeg", quality: 85 },
  thumb: { cover: [300, 300], format: "jpeg", quality: 85 },
});

async function job(file: string): Promise<void> {
  const result = await renderImages(file, {
    large: { spec: specs.large, format: "jpeg" },
    thumb: { spec: specs.thumb, format: "jpeg" },
  });
  const stem = path.basename(file).replace(/\.[^.]+$/, "");
  await Promise.all(
    Object.entries(result.outputs).map(([key, image]) =>
      writeFile(path.join(outDir, `${stem}-${key}.jpg`), image.data),
    ),
  );
}

const start = Date.now();
let next = 0;
async function lane(): Promise<void> {
  while (next < paths.length) await job(paths[next++]);
}
await Promise.all(Array.from({ length: concurrency }, lane));
const end = Date.now();
process.stdout.write(`${JSON.stringify({ start, end, photos: paths.length })}\n`);
