import { parentPort } from "node:worker_threads";

/** A task sent to a worker. */
export interface TaskRequest {
  taskId: number;
  payload: unknown;
}

/** A worker's answer to one task; errors travel as plain data. */
export type TaskReply =
  | { taskId: number; ok: true; result: unknown }
  | { taskId: number; ok: false; error: { name: string; message: string; stack?: string } };

/** What a task handler returns: the result and the ArrayBuffers in it to move to the caller. */
export interface TaskResult {
  result: unknown;
  transfer: ArrayBuffer[];
}

/**
 * Runs inside a worker: answers every task from the pool with `handler`. A
 * thrown error is sent back as that task's failure; the worker lives on.
 */
export function serveTasks(handler: (payload: unknown) => Promise<TaskResult>): void {
  const port = parentPort;
  if (!port) throw new Error("serveTasks() must run inside a worker thread");
  port.on("message", async ({ taskId, payload }: TaskRequest) => {
    let reply: TaskReply;
    let transfer: ArrayBuffer[] = [];
    try {
      const outcome = await handler(payload);
      reply = { taskId, ok: true, result: outcome.result };
      transfer = outcome.transfer;
    } catch (thrown) {
      const error = thrown instanceof Error ? thrown : new Error(String(thrown));
      reply = {
        taskId,
        ok: false,
        error: { name: error.name, message: error.message, stack: error.stack },
      };
    }
    port.postMessage(reply, transfer);
  });
}
