import { availableParallelism } from "node:os";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  decodeActivity,
  defineVariants,
  renderVariant,
  setMaxConcurrentDecodes,
  transformImage,
  withDecodeSlot,
} from "../../src/images/index.js";
import { createStorage } from "../../src/storage/index.js";
import type { Storage } from "../../src/storage/types.js";
import { photoJpeg } from "./fixtures.js";

afterEach(() => setMaxConcurrentDecodes(availableParallelism()));

/** Takes every decode slot until `release` is called. */
async function holdAllSlots(): Promise<{ release: () => Promise<void> }> {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const held = Array.from({ length: decodeActivity().limit }, () => withDecodeSlot(() => gate));
  await vi.waitFor(() => expect(decodeActivity().active).toBe(held.length));
  return {
    release: async () => {
      open();
      await Promise.all(held);
    },
  };
}

describe("the process-wide decode budget", () => {
  it("defaults to one decode per CPU core", () => {
    expect(decodeActivity()).toEqual({ limit: availableParallelism(), active: 0, waiting: 0 });
  });

  it("queues renders while every slot is busy, and never runs more than the limit", async () => {
    setMaxConcurrentDecodes(2);
    const input = await photoJpeg(600, 400);
    const busy = await holdAllSlots();
    let finished = 0;
    const seen: number[] = [];
    const renders = Array.from({ length: 6 }, () =>
      transformImage(input, { fit: [50, 50], format: "webp" }).then((out) => {
        seen.push(decodeActivity().active);
        finished += 1;
        return out;
      }),
    );
    await vi.waitFor(() => expect(decodeActivity().waiting).toBe(6));
    expect(finished).toBe(0);
    await busy.release();
    const outputs = await Promise.all(renders);
    expect(outputs.map((out) => out.width)).toEqual(Array(6).fill(50));
    expect(Math.max(...seen)).toBeLessThanOrEqual(2);
    expect(decodeActivity()).toEqual({ limit: 2, active: 0, waiting: 0 });
  });

  it("holds back lazy variant renders too, before they read the original", async () => {
    setMaxConcurrentDecodes(1);
    const storage = createStorage("memory://");
    await storage.save("a.jpg", await photoJpeg(300, 200));
    let reads = 0;
    const counting: Storage = Object.create(storage, {
      read: {
        value: (name: string) => {
          reads += 1;
          return storage.read(name);
        },
      },
    });
    const variants = defineVariants({ thumb: { cover: [40, 40], format: "webp" } });
    const busy = await holdAllSlots();
    const lazy = renderVariant(counting, "a.jpg", "thumb", variants);
    await vi.waitFor(() => expect(decodeActivity().waiting).toBe(1));
    expect(reads).toBe(0); // a queue of renders holds no image bytes
    await busy.release();
    expect((await lazy).format).toBe("webp");
    expect(reads).toBe(1);
  });

  it("lets queued renders start when the limit is raised", async () => {
    setMaxConcurrentDecodes(1);
    const busy = await holdAllSlots();
    const queued = withDecodeSlot(async () => "ran");
    await vi.waitFor(() => expect(decodeActivity().waiting).toBe(1));
    setMaxConcurrentDecodes(2);
    expect(await queued).toBe("ran");
    await busy.release();
    expect(decodeActivity()).toEqual({ limit: 2, active: 0, waiting: 0 });
  });

  it("gives a slot back when the work fails", async () => {
    await expect(withDecodeSlot(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(decodeActivity().active).toBe(0);
  });

  it.each([0, 1.5, Number.NaN])("refuses a limit of %s", (value) => {
    expect(() => setMaxConcurrentDecodes(value)).toThrow(/whole number of at least 1/);
  });
});
