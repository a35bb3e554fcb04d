import { describe, expect, it } from "vitest";
import { isAddressable, storedName } from "../../src/media/names.js";
import { checkName } from "../../src/storage/names.js";

/*
 * The sweep's fast name checks against the storage's name policy, on
 * generated names: the same verdict, the same name back, the same error.
 */

/** A small seeded generator, so a failure names an input that reproduces. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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

function generated(next: () => number): string {
  const length = Math.floor(next() * 10);
  let name = "";
  for (let i = 0; i < length; i++) name += PIECES[Math.floor(next() * PIECES.length)];
  return name;
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

describe("the sweep's fast name checks", () => {
  const next = random(20_240_611);
  const inputs = [...EDGES, ...long(), ...Array.from({ length: 20_000 }, () => generated(next))];

  it("agree with checkName on which names the Storage API can address", () => {
    const disagree = inputs.filter(
      (name) => isAddressable(name) !== (verdict(() => checkName(name)).error === undefined),
    );
    expect(disagree).toEqual([]);
  });

  it("give back what checkName gives back, or throw what it throws", () => {
    const disagree = inputs.filter(
      (name) =>
        JSON.stringify(verdict(() => storedName(name))) !==
        JSON.stringify(verdict(() => checkName(name))),
    );
    expect(disagree).toEqual([]);
  });

  it("cover both sides of the policy in the generated names", () => {
    const accepted = inputs.filter((name) => isAddressable(name));
    expect(accepted.length).toBeGreaterThan(1000);
    expect(inputs.length - accepted.length).toBeGreaterThan(1000);
  });
});
