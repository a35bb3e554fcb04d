import { describe, expect, it } from "vitest";
import { ConfigError } from "../src/errors.js";
import { closestMatch, refuseUnknownKeys } from "../src/option-keys.js";

describe("closestMatch", () => {
  it.each([
    ["maxFilesize", ["maxFileSize", "maxFiles"], "maxFileSize"],
    ["forcepathstyle", ["forcePathStyle", "region"], "forcePathStyle"],
    ["--cleer", ["--clear", "--link"], "--clear"],
    ["--dry", ["--dry-run", "--json"], "--dry-run"],
    ["secrte", ["secret", "baseUrl"], "secret"],
    ["-x", ["-i", "-h"], undefined],
    ["colour", ["variants", "maxInputPixels"], undefined],
  ])("%s among %j is %s", (word, candidates, expected) => {
    expect(closestMatch(word, candidates)).toBe(expected);
  });
});

describe("refuseUnknownKeys", () => {
  it("names the key, the closest known one and the known ones", () => {
    let caught: unknown;
    try {
      refuseUnknownKeys({ secrett: "x" }, ["secret", "mounts"], "createMediaHandler");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).message).toBe(
      'Unknown option "secrett" for createMediaHandler. Did you mean "secret"? Known options: secret, mounts.',
    );
  });

  it("accepts known keys and refuses a value that is not an options object", () => {
    expect(() => refuseUnknownKeys({ secret: "x" }, ["secret"], "f")).not.toThrow();
    expect(() => refuseUnknownKeys("x", ["secret"], "f")).toThrow(/f needs an options object/);
  });
});
