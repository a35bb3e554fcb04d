import { describe, expect, it } from "vitest";
import { WorkerPool } from "../../../src/static/compress/pool.js";
import type { FixtureTask } from "./fixtures/tasks-worker.js";

const workerUrl = new URL("./fixtures/tasks-worker.ts", import.meta.url);

function run(pool: WorkerPool, task: FixtureTask): Promise<{ value: number; threadId: number }> {
  return pool.run(task) as Promise<{ value: number; threadId: number }>;
}

describe("WorkerPool", () => {
  it("runs tasks on up to `size` threads and answers each task with its own result", async () => {
    const pool = new WorkerPool(workerUrl, 2);
    try {
      const results = await Promise.all(
        [1, 2, 3, 4, 5].map((value) => run(pool, { kind: "wait", value: 20 + value })),
      );
      expect(results.map((r) => r.value)).toEqual([21, 22, 23, 24, 25]);
      expect(new Set(results.map((r) => r.threadId)).size).toBe(2);
    } finally {
      await pool.close();
    }
  });

  it("rejects a failing task with the worker's error and keeps serving the next ones", async () => {
    const pool = new WorkerPool(workerUrl, 1);
    try {
      const failing = run(pool, { kind: "fail", value: 7 });
      const after = run(pool, { kind: "echo", value: 8 });
      await expect(failing).rejects.toThrow("task 7 asked to fail");
      await expect(failing).rejects.toMatchObject({ name: "TypeError" });
      await expect(after).resolves.toMatchObject({ value: 8 });
      expect(pool.threadCount).toBe(1);
    } finally {
      await pool.close();
    }
  });

  it("rejects the task of a thread that dies and replaces the thread for later tasks", async () => {
    const pool = new WorkerPool(workerUrl, 1);
    try {
      const first = await run(pool, { kind: "echo", value: 1 });
      await expect(run(pool, { kind: "crash" })).rejects.toThrow("exited with code 3");
      const second = await run(pool, { kind: "echo", value: 2 });
      expect(second.value).toBe(2);
      expect(second.threadId).not.toBe(first.threadId);
    } finally {
      await pool.close();
    }
  });

  it("close() fails running and queued tasks with E_COMPRESSOR_CLOSED and stops every thread", async () => {
    const pool = new WorkerPool(workerUrl, 2);
    const tasks = [1, 2, 3].map((value) => run(pool, { kind: "wait", value: 10_000 + value }));
    const settled = Promise.allSettled(tasks);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pool.threadCount).toBe(2);
    await pool.close();
    expect(pool.threadCount).toBe(0);
    for (const outcome of await settled) {
      expect(outcome).toMatchObject({
        status: "rejected",
        reason: { code: "E_COMPRESSOR_CLOSED" },
      });
    }
    await expect(run(pool, { kind: "echo", value: 1 })).rejects.toMatchObject({
      code: "E_COMPRESSOR_CLOSED",
    });
  });

  it("reports a worker module that cannot load as the failure of the task that needed it", async () => {
    const pool = new WorkerPool(new URL("./fixtures/does-not-exist.ts", import.meta.url), 1);
    try {
      await expect(run(pool, { kind: "echo", value: 1 })).rejects.toThrow(/does-not-exist/);
    } finally {
      await pool.close();
    }
    expect(pool.threadCount).toBe(0);
  });
});
