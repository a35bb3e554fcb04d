import { describe, expect, it } from "vitest";
import { stronglyConnectedComponents } from "../../../src/static/references/index.js";

function normalised(components: number[][]): number[][] {
  return components.map((component) => [...component].sort((a, b) => a - b));
}

/** Each component must come after every component it points into. */
function dependenciesFirst(edges: number[][], components: number[][]): boolean {
  const position = new Map<number, number>();
  for (const [i, component] of components.entries()) {
    for (const node of component) position.set(node, i);
  }
  return edges.every((targets, node) =>
    targets.every((target) => position.get(target)! <= position.get(node)!),
  );
}

describe("stronglyConnectedComponents", () => {
  it.each([
    ["no edges", [[], [], []], [[0], [1], [2]]],
    ["a chain", [[1], [2], []], [[2], [1], [0]]],
    ["a two-cycle", [[1], [0]], [[0, 1]]],
    ["a three-cycle with a tail", [[1], [2], [0, 3], []], [[3], [0, 1, 2]]],
    ["a self-loop", [[0]], [[0]]],
    [
      "two cycles joined by one edge",
      [[1], [0, 2], [3], [2]],
      [
        [2, 3],
        [0, 1],
      ],
    ],
    ["a diamond", [[1, 2], [3], [3], []], [[3], [1], [2], [0]]],
  ])("splits %s", (_name, edges, expected) => {
    const components = stronglyConnectedComponents(edges);
    expect(normalised(components)).toEqual(expected);
    expect(dependenciesFirst(edges, components)).toBe(true);
  });

  it("walks a chain of 200,000 nodes without overflowing the stack", () => {
    const count = 200_000;
    const edges = Array.from({ length: count }, (_, i) => (i + 1 < count ? [i + 1] : []));
    const components = stronglyConnectedComponents(edges);
    expect(components).toHaveLength(count);
    expect(components[0]).toEqual([count - 1]);
  });

  it("finds one component in a ring of 200,000 nodes", () => {
    const count = 200_000;
    const edges = Array.from({ length: count }, (_, i) => [(i + 1) % count]);
    expect(stronglyConnectedComponents(edges).map((c) => c.length)).toEqual([count]);
  });
});
