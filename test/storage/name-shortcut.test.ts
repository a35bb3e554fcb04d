import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkName, checkNameFully } from "../../src/storage/names.js";

/*
 * checkName's shortcut for plain names against the full check, on
 * generated names: the same verdict, the same name back, the same error.
 */

// Every character class the policy treats apart, ASCII and not.
const PIECES = [
  "a",
  "Z",
  "0",
  "_",
  "-",
  ".",
  "..",
  "/",
  "//",
  "\\",
  ":",
  "C:",
  " ",
  "~",
  "%",
  "+",
  "\u0000",
  "\u001f",
  "\u007f",
  "é",
  "e\u0301",
  "\u00a0",
  "😀",
  "\ud800",
  "\udfff",
  "ß",
];

/** Names of up to nine pieces, from a fixed seed so a failure reproduces. */
function generated(count: number): string[] {
  const name = fc
    .array(fc.constantFrom(...PIECES), { maxLength: 9 })
    .map((parts) => parts.join(""));
  return fc.sample(name, { numRuns: count, seed: 20_240_611 });
}

/** Names around the 255-byte part limit, in ASCII and in two-byte characters. */
function long(): string[] {
  const names: string[] = [];
  for (const length of [1, 127, 128, 254, 255, 256, 300]) {
    for (const unit of ["a", ".", "é", "-"]) {
      const part = unit.repeat(length);
      names.push(part, `dir/${part}`, `${part}/file`, `${part}/${part}`, `x${part}`);
    }
  }
  return names;
}

const EDGES = [
  "",
  "a",
  ".a",
  "a/.b",
  "a/",
  "/a",
  "a//b",
  "./a",
  "a/./b",
  "a/../b",
  "..",
  "-",
  "_/-",
  "a.b.c/d-e_f.txt",
  "photos/cat.jpg.thumb-1a2b3c4d.webp",
  "C:/x",
  "c:x",
];

function verdict(run: () => string): { name?: string; error?: string } {
  try {
    return { name: run() };
  } catch (error) {
    return { error: `${(error as Error).constructor.name}: ${(error as Error).message}` };
  }
}

describe("checkName's shortcut for plain names", () => {
  const inputs = [...EDGES, ...long(), ...generated(20_000)];

  it("agrees with the full check on which names the Storage API can address", () => {
    const disagree = inputs.filter(
      (name) =>
        (verdict(() => checkName(name)).error === undefined) !==
        (verdict(() => checkNameFully(name)).error === undefined),
    );
    expect(disagree).toEqual([]);
  });

  it("gives back what the full check gives back, or throws what it throws", () => {
    const disagree = inputs.filter(
      (name) =>
        JSON.stringify(verdict(() => checkName(name))) !==
        JSON.stringify(verdict(() => checkNameFully(name))),
    );
    expect(disagree).toEqual([]);
  });

  it("cover both sides of the policy in the generated names", () => {
    const accepted = inputs.filter(
      (name) => verdict(() => checkNameFully(name)).error === undefined,
    );
    expect(accepted.length).toBeGreaterThan(1000);
    expect(inputs.length - accepted.length).toBeGreaterThan(1000);
  });
});
