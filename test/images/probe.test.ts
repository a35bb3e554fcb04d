import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probeImage } from "../../src/images/index.js";
import { imageFile } from "../../src/testing/factories.js";
import { craftedGif, pngBomb, rotatedJpeg } from "./fixtures.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "stowage-probe-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("probeImage", () => {
  it.each([
    ["png", 640, 480],
    ["jpeg", 33, 17],
    ["gif", 5, 300],
    ["webp", 1023, 2],
    ["avif", 128, 96],
  ] as const)(
    "reads %s dimensions from the header, bytes or path alike",
    async (format, width, height) => {
      const part = await imageFile({ format, width, height });
      const file = path.join(dir, `image.${format}`);
      await writeFile(file, part.content as Buffer);
      for (const input of [part.content as Buffer, file]) {
        expect(await probeImage(input)).toMatchObject({ format, width, height, frames: 1 });
      }
    },
  );

  it.each([6, 8])(
    "reports a phone photo stored 400 x 100 with EXIF orientation %i as displayed, 100 x 400",
    async (orientation) => {
      const probe = await probeImage(await rotatedJpeg(400, 100, orientation));
      expect(probe).toMatchObject({ format: "jpeg", width: 100, height: 400, orientation });
    },
  );

  it("reports a GIF as large as its largest frame, whatever its logical screen says", async () => {
    const gif = craftedGif(10, 10, [
      { left: 0, top: 0, width: 10, height: 10 },
      { left: 0, top: 0, width: 60_000, height: 60_000 },
    ]);
    expect(gif.byteLength).toBeLessThan(200);
    expect(await probeImage(gif)).toMatchObject({
      format: "gif",
      width: 60_000,
      height: 60_000,
      frames: 2,
    });
  });

  it("counts a frame's offset on the screen in the GIF's extent", async () => {
    const gif = craftedGif(10, 10, [
      { left: 0, top: 0, width: 10, height: 10 },
      { left: 30_000, top: 5, width: 20, height: 20 },
    ]);
    expect(await probeImage(gif)).toMatchObject({ width: 30_020, height: 25 });
  });

  it("reads a bomb's claimed size without decoding it", async () => {
    expect(await probeImage(pngBomb())).toMatchObject({ width: 50_000, height: 50_000 });
  });
});
