import { afterEach, describe, expect, it } from "vitest";
import { ScratchThread } from "../../src/media/scratch-thread.js";

/*
 * The sweep's scratch thread on its own: batches in, orphans out, a bounded
 * queue between the threads, and failures that reach whoever waits.
 */
let scratch: ScratchThread | undefined;
afterEach(async () => {
  await scratch?.close();
  scratch = undefined;
});

async function allOrphans(thread: ScratchThread, pageSize: number) {
  const found: string[] = [];
  let afterId = 0;
  for (;;) {
    const page = await thread.orphans(afterId, pageSize);
    if (page.names.length === 0) return found;
    for (let i = 0; i < page.names.length; i++) found.push(`${page.storages[i]}:${page.names[i]}`);
    afterId = page.lastId;
  }
}

const thumb = (name: string) => `${name}.thumb-1a2b3c4d.webp`;

describe("the scratch thread", () => {
  it("joins files listed before and after the references are complete, in listing order", async () => {
    scratch = await ScratchThread.open();
    // More than one batch before the references are complete, the rest after.
    const early = Array.from({ length: 5000 }, (_, i) => `early/${i}.jpg`);
    const late = Array.from({ length: 5000 }, (_, i) => `late/${i}.jpg`);
    for (const name of early) scratch.addFile("default", name, 1);
    scratch.addFile("private", "early/0.jpg", 1);
    // Even names are referenced in the default storage; the private one is not.
    const referenced = [...early, ...late].filter((_, i) => i % 2 === 0);
    await scratch.addReferences("default", referenced);
    scratch.referencesComplete();
    for (const name of late) {
      scratch.addFile("default", name, 2);
      scratch.addFile("default", thumb(name), 4);
    }
    const counts = await scratch.finish();
    expect(Object.fromEntries(counts)).toEqual({
      default: { orphans: 2500 + 2 * 2500, bytes: 2500 + (2 + 4) * 2500 },
      private: { orphans: 1, bytes: 1 },
    });
    const orphans = (await allOrphans(scratch, 999)).filter((name) => name.startsWith("default:"));
    const odd = (names: string[]) => names.filter((_, i) => i % 2 === 1);
    expect(orphans).toEqual([
      ...odd(early).map((name) => `default:${name}`),
      ...odd(late).flatMap((name) => [`default:${name}`, `default:${thumb(name)}`]),
    ]);
  });

  it("makes the sweep wait while too many names are in flight, and stores every one", async () => {
    scratch = await ScratchThread.open();
    let waits = 0;
    const files = 400_000;
    for (let i = 0; i < files; i++) {
      const full = scratch.addFile("default", `f/${i}.pdf`, 1);
      if (full) {
        waits += 1;
        await full;
      }
    }
    await scratch.addReferences("default", ["f/0.pdf"]);
    scratch.referencesComplete();
    expect(waits).toBeGreaterThan(0);
    expect((await scratch.finish()).get("default")).toEqual({
      orphans: files - 1,
      bytes: files - 1,
    });
  });

  it("a failure on the thread reaches the waiting request and every later one", async () => {
    scratch = await ScratchThread.open();
    scratch.referencesComplete();
    // References after they were declared complete: the thread refuses them and stops.
    expect(scratch.addReferences("default", ["late.pdf"])).toBeUndefined();
    await expect(scratch.finish()).rejects.toThrow(
      /^The sweep's scratch file failed: the references were already complete$/,
    );
    await expect(scratch.orphans(0, 10)).rejects.toMatchObject({ code: "E_CLEANUP_SCRATCH" });
    expect(() => scratch!.addFile("default", "a.pdf", 1)).not.toThrow();
  });
});
