import type { OutputScan } from "./compare.js";

export interface ToolResult {
  tool: string;
  /** Wall-clock seconds of every cold run. */
  cold: number[];
  /** Wall-clock seconds of every warm run. */
  warm: number[];
  /** CPU seconds (user + system) of every cold run. */
  coldCpu: number[];
  /** CPU seconds (user + system) of every warm run. */
  warmCpu: number[];
  scan: OutputScan | null;
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const seconds = (value: number) =>
  Number.isNaN(value) ? "n/a" : value < 1 ? value.toFixed(3) : value.toFixed(2);
const ratio = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)}x` : "n/a");
const count = (value: number | undefined) => (value === undefined ? "n/a" : String(value));

/**
 * The markdown table: medians of the runs, and for each tool its wall-clock
 * speedup over the baseline (the first row, Django) and its brotli bytes
 * relative to it. CPU seconds sit beside the wall clock because a shared
 * machine's load moves the latter far more.
 */
export function renderTable(results: ToolResult[]): string {
  const baseline = results[0];
  const baseCold = median(baseline.cold);
  const baseWarm = median(baseline.warm);
  const baseBr = baseline.scan?.brBytes;
  const lines = [
    "| tool | cold s | warm s | cold CPU s | warm CPU s | files | .br | .gz | br bytes | br bytes vs Django | cold speedup | warm speedup |",
    "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
  ];
  for (const result of results) {
    const cold = median(result.cold);
    const warm = median(result.warm);
    const brBytes = result.scan?.brBytes;
    const brRatio =
      brBytes !== undefined && baseBr ? `${((brBytes / baseBr) * 100).toFixed(1)}%` : "n/a";
    lines.push(
      `| ${result.tool} | ${seconds(cold)} | ${seconds(warm)} | ` +
        `${seconds(median(result.coldCpu))} | ${seconds(median(result.warmCpu))} | ${count(result.scan?.files)} | ` +
        `${count(result.scan?.br.length)} | ${count(result.scan?.gz.length)} | ${count(brBytes)} | ` +
        `${brRatio} | ${ratio(baseCold / cold)} | ${ratio(baseWarm / warm)} |`,
    );
  }
  return lines.join("\n");
}
