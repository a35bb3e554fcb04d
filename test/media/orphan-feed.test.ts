import { afterEach, describe, expect, it } from "vitest";
import { OrphanFeed } from "../../src/media/orphan-feed.js";
import { ScratchThread } from "../../src/media/scratch-thread.js";

/*
 * The deletion's reader of the scratch table: runs of any size, each read
 * ahead while the last one is worked on, every orphan once and in order.
 */
let scratch: ScratchThread | undefined;
afterEach(async () => {
  await scratch?.close();
  scratch = undefined;
});

async function filled(files: number): Promise<ScratchThread> {
  const thread = await ScratchThread.open();
  await thread.addReferences("default", ["kept.jpg"]);
  thread.referencesComplete();
  for (let i = 0; i < files; i++)
    thread.addFile(i % 3 === 0 ? "private" : "default", `${i}.jpg`, 1);
  await thread.finish();
  return thread;
}

describe("the orphan feed", () => {
  it("hands out every orphan once, in listing order, whatever the run sizes", async () => {
    scratch = await filled(10_000);
    const feed = new OrphanFeed(scratch);
    const seen: string[] = [];
    // Growing, shrinking and uneven runs: some served from what was read ahead, some read anew.
    const sizes = [7, 70, 1_000, 100, 3_333, 50, 9_000];
    for (let round = 0; ; round++) {
      const size = sizes[round % sizes.length];
      const run = await feed.take(size);
      expect(run.names.length).toBeLessThanOrEqual(size);
      if (run.names.length === 0) break;
      for (let i = 0; i < run.names.length; i++) seen.push(`${run.storages[i]}:${run.names[i]}`);
    }
    const all = await scratch.orphans(0, 20_000);
    expect(all.names).toHaveLength(10_000);
    expect(seen).toEqual(all.names.map((name, i) => `${all.storages[i]}:${name}`));
    expect(await feed.take(10)).toEqual({ storages: [], names: [] });
  });

  it("reports a failed read to the take that needs it", async () => {
    scratch = await filled(100);
    const feed = new OrphanFeed(scratch);
    expect((await feed.take(10)).names).toHaveLength(10);
    // The thread stops, maybe while the next run is being read ahead: at the
    // latest the take after the one served from what was read fails.
    await scratch.close();
    scratch = undefined;
    const takeTwice = async () => {
      await feed.take(10);
      await feed.take(10);
    };
    await expect(takeTwice()).rejects.toMatchObject({ code: "E_CLEANUP_SCRATCH" });
  });
});
