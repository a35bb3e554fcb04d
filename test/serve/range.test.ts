import { describe, expect, it } from "vitest";
import { parseRange, type RangeResult } from "../../src/serve/range.js";

const ignore: RangeResult = { kind: "ignore" };
const unsatisfiable: RangeResult = { kind: "unsatisfiable" };
const range = (start: number, end: number): RangeResult => ({ kind: "range", start, end });

const CASES: ReadonlyArray<[string | undefined, number, RangeResult]> = [
  [undefined, 100, ignore],
  ["bytes=0-0", 100, range(0, 0)],
  ["bytes=0-99", 100, range(0, 99)],
  ["bytes=10-", 100, range(10, 99)],
  ["bytes=-10", 100, range(90, 99)],
  ["bytes=-1000", 100, range(0, 99)],
  ["bytes=50-1000", 100, range(50, 99)],
  ["bytes=99-99", 100, range(99, 99)],
  ["BYTES=1-2", 100, range(1, 2)],
  ["bytes= 1-2 ", 100, range(1, 2)],
  ["bytes=1-2,", 100, range(1, 2)],
  ["bytes=100-", 100, unsatisfiable],
  ["bytes=100-200", 100, unsatisfiable],
  ["bytes=-0", 100, unsatisfiable],
  ["bytes=0-0", 0, unsatisfiable],
  ["bytes=-5", 0, unsatisfiable],
  ["bytes=5-1", 100, ignore],
  ["bytes=0-1,3-4", 100, ignore],
  ["bytes=0-50,25-75", 100, ignore],
  ["bytes=abc", 100, ignore],
  ["bytes=a-b", 100, ignore],
  ["bytes=1", 100, ignore],
  ["bytes=-", 100, ignore],
  ["bytes=--1", 100, ignore],
  ["bytes=1.5-2", 100, ignore],
  ["bytes=+1-2", 100, ignore],
  ["bytes=0x1-2", 100, ignore],
  ["items=0-1", 100, ignore],
  ["bytes", 100, ignore],
  ["", 100, ignore],
  ["bytes=", 100, ignore],
  ["bytes=99999999999999999999-", 100, unsatisfiable],
  ["bytes=0-99999999999999999999", 100, range(0, 99)],
];

describe("parseRange", () => {
  it.each(CASES)("parses %j against %i bytes", (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected);
  });
});
