import type { Output } from "./command.js";

/**
 * A one-line progress bar redrawn in place. Only used on a terminal; redraws
 * at most every 100 ms so it never slows the work it reports.
 */
export function createProgressBar(out: Output, enabled: boolean) {
  let last = 0;
  let shown = false;
  return {
    update(label: string, done: number, total: number) {
      if (!enabled) return;
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const width = 30;
      const ratio = total > 0 ? Math.min(1, done / total) : 1;
      const filled = Math.round(ratio * width);
      const bar = `${"#".repeat(filled)}${"-".repeat(width - filled)}`;
      out.write(`\r\x1b[2K${label.padEnd(9)} [${bar}] ${done}/${total}`);
      shown = true;
    },
    /** For work whose total is not known yet (a listing): the count so far. */
    count(label: string, done: number) {
      if (!enabled) return;
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      out.write(`\r\x1b[2K${label.padEnd(9)} ${done}`);
      shown = true;
    },
    done() {
      if (shown) out.write("\r\x1b[2K");
      shown = false;
    },
  };
}
