import { describe, expect, it } from "vitest";
import { intermediateSize, planVariant } from "../../src/images/geometry.js";
import { validateVariantSpec, variantSize } from "../../src/images/index.js";

const CASES: [string, [number, number], Record<string, unknown>, [number, number]][] = [
  ["fit shrinks a landscape photo into the box", [5640, 3172], { fit: [1920, 1080] }, [1920, 1080]],
  ["fit keeps the aspect ratio", [4000, 3000], { fit: [1920, 1080] }, [1440, 1080]],
  ["fit never enlarges by default", [800, 600], { fit: [1920, 1080] }, [800, 600]],
  ["fit enlarges when asked", [800, 600], { fit: [1600, 1600], enlarge: true }, [1600, 1200]],
  ["fit of a portrait photo", [3000, 4000], { fit: [1920, 1080] }, [810, 1080]],
  ["cover fills the box exactly", [5640, 3172], { cover: [300, 300] }, [300, 300]],
  ["cover of a wide box", [1000, 1000], { cover: [400, 100] }, [400, 100]],
  [
    "cover of a small image shrinks the box, keeping its shape",
    [200, 100],
    { cover: [300, 300] },
    [100, 100],
  ],
  [
    "cover of a small image enlarges when asked",
    [200, 100],
    { cover: [300, 300], enlarge: true },
    [300, 300],
  ],
  ["format-only keeps the size", [1234, 567], { format: "webp" }, [1234, 567]],
  ["format-only is capped at the output limit", [10_000, 5_000], { format: "webp" }, [8192, 4096]],
  ["a 1-pixel-high strip stays at least 1 px", [10_000, 1], { fit: [100, 100] }, [100, 1]],
];

describe("variantSize", () => {
  it.each(CASES)("%s", (_, [width, height], raw, expected) => {
    const spec = validateVariantSpec("v", raw);
    const size = variantSize({ width, height }, spec);
    expect([size.width, size.height]).toEqual(expected);
  });
});

describe("intermediateSize", () => {
  const input = { width: 5640, height: 3172 };
  const plan = (raw: Record<string, unknown>) =>
    planVariant(input, validateVariantSpec("v", raw), 8192);

  it("is the largest fit's exact output, so that variant needs no second resample", () => {
    expect(
      intermediateSize(input, [plan({ cover: [300, 300] }), plan({ fit: [1920, 1080] })]),
    ).toEqual({
      width: 1920,
      height: 1080,
    });
  });

  it("is big enough for a cover box on both sides", () => {
    const size = intermediateSize(input, [plan({ cover: [300, 300] })]);
    expect(size.height).toBeGreaterThanOrEqual(300);
    expect(size.width).toBeGreaterThanOrEqual(533);
    expect(size.width).toBeLessThanOrEqual(534);
  });

  it("never exceeds the input when nothing enlarges", () => {
    const small = { width: 200, height: 100 };
    const fit = planVariant(small, validateVariantSpec("v", { fit: [1920, 1080] }), 8192);
    expect(intermediateSize(small, [fit])).toEqual(small);
  });

  it("never exceeds the input even when a variant enlarges a thin strip to cover a big box", () => {
    const strip = { width: 32_768, height: 328 };
    const cover = planVariant(
      strip,
      validateVariantSpec("v", { cover: [8192, 8192], enlarge: true }),
      8192,
    );
    const thumb = planVariant(strip, validateVariantSpec("v", { cover: [100, 100] }), 8192);
    // Scaled to the cover plan (x25) it would be 819,200 x 8,192 pixels.
    expect(cover.scale).toBeGreaterThan(24);
    expect(intermediateSize(strip, [cover, thumb])).toEqual(strip);
  });
});
