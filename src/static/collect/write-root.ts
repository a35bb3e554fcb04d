import type { CompressionFormat } from "../../config/types.js";
import { type CompressorOptions, createCompressor } from "../compress/index.js";
import { mapLimit } from "./limit.js";
import { type Output, removeVariants, writeContent, writeVariants } from "./outputs.js";

/** What to write into a local `static.root`, and where to report it. */
export interface RootWrites {
  root: string;
  /** Outputs to write (each path once). */
  outputs: readonly Output[];
  /** One output per distinct content to compress, by sha; the variants serve every output with that content. */
  jobs: ReadonlyMap<string, Output>;
  /** Every file the root held when the collect started. */
  present: Set<string>;
  compressor: CompressorOptions;
  onFile(output: Output, bytes: number): void;
  /** An output and all its variants are written: `kept` are the variants it has now. */
  onDone(output: Output, kept: CompressionFormat[], bytes: number): void;
  progress(phase: "compress" | "write", done: number, total: number): void;
}

interface Gate {
  promise: Promise<void>;
  open(): void;
  fail(error: unknown): void;
}

function gate(): Gate {
  let open!: () => void;
  let fail!: (error: unknown) => void;
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  promise.catch(() => {});
  return { promise, open, fail };
}

/**
 * Write outputs while the threads compress, in the one order that never
 * lets a variant disagree with its file, whenever the process stops: first
 * the output's old variants go, then the output is replaced (one rename),
 * then its new variants arrive (one rename each). A server, or the next
 * collect after a crash, sees each output with no variants or with variants
 * of the very bytes it holds.
 */
export async function writeRoot(plan: RootWrites): Promise<void> {
  const { root, outputs, jobs, present } = plan;
  const fileWritten = new Map(outputs.map((output) => [output.path, gate()]));
  const bySha = new Map<string, Output[]>();
  for (const output of outputs) bySha.set(output.sha, [...(bySha.get(output.sha) ?? []), output]);

  const variantWrites: Promise<void>[] = [];
  const afterFile = (
    output: Output,
    variants: Partial<Record<CompressionFormat, Uint8Array>>,
  ): void => {
    const done = fileWritten
      .get(output.path)!
      .promise.then(() => writeVariants(root, output.path, variants))
      .then(({ bytes, kept }) => plan.onDone(output, kept, bytes));
    // Awaited below; until then a failure must not count as unhandled.
    done.catch(() => {});
    variantWrites.push(done);
  };

  const compressor = jobs.size > 0 ? createCompressor(plan.compressor) : null;
  const compressing = compressor
    ? compressor
        .compress(
          [...jobs.values()].map((o) => ({ id: o.sha, path: o.path, content: o.content })),
          (done, total, outcome) => {
            if (outcome)
              for (const output of bySha.get(outcome.id) ?? []) afterFile(output, outcome.variants);
            plan.progress("compress", done, total);
          },
        )
        .finally(() => compressor.close())
    : Promise.resolve([]);

  let written = 0;
  const writing = mapLimit(outputs, 16, async (output) => {
    const fileGate = fileWritten.get(output.path)!;
    try {
      await removeVariants(root, output.path, present);
      plan.onFile(output, await writeContent(root, output));
    } catch (error) {
      fileGate.fail(error);
      throw error;
    }
    fileGate.open();
    if (!jobs.has(output.sha)) afterFile(output, {});
    plan.progress("write", ++written, outputs.length);
  });

  const [compressed, wrote] = await Promise.allSettled([compressing, writing]);
  // Outputs a failure kept from being written get no variants either.
  const stopped = wrote.status === "rejected" ? wrote.reason : new Error("not written");
  for (const pending of fileWritten.values()) pending.fail(stopped);
  // Every compression callback has run by now, so the list of variant writes is complete.
  const variants = await Promise.allSettled(variantWrites);
  if (wrote.status === "rejected") throw wrote.reason;
  if (compressed.status === "rejected") throw compressed.reason;
  for (const outcome of variants) if (outcome.status === "rejected") throw outcome.reason;
}
