import { describe, expect, it } from "vitest";
import { ifRangeAllows, isNotModified, parseEntityTags } from "../../src/serve/conditional.js";

const TAG = '"65f1-2a"';
const MTIME = Math.floor(Date.parse("2024-05-01T12:00:00Z") / 1000);
const AT = "Wed, 01 May 2024 12:00:00 GMT";
const BEFORE = "Wed, 01 May 2024 11:59:59 GMT";
const AFTER = "Wed, 01 May 2024 12:00:01 GMT";

const NOT_MODIFIED: ReadonlyArray<[string, string | undefined, string | undefined, boolean]> = [
  ["no conditions", undefined, undefined, false],
  ["exact tag", TAG, undefined, true],
  ["weak form of the tag", `W/${TAG}`, undefined, true],
  ["tag in a list", `"a", ${TAG}, "b"`, undefined, true],
  ["tag in a list without spaces", `"a",${TAG}`, undefined, true],
  ["star", "*", undefined, true],
  ["other tag", '"other"', undefined, false],
  ["unquoted tag", TAG.slice(1, -1), undefined, false],
  ["tag missing its closing quote", TAG.slice(0, -1), undefined, false],
  ["tag with junk after the quote", `${TAG}x`, undefined, false],
  ["lower-case weak prefix", `w/${TAG}`, undefined, false],
  ["empty If-None-Match", "", undefined, false],
  ["date equal to Last-Modified", undefined, AT, true],
  ["date after", undefined, AFTER, true],
  ["date before", undefined, BEFORE, false],
  ["unparseable date", undefined, "yesterday", false],
  ["If-None-Match miss wins over a matching date", '"other"', AFTER, false],
  ["If-None-Match hit with an old date", TAG, BEFORE, true],
];

describe("isNotModified", () => {
  it.each(NOT_MODIFIED)("%s", (_label, ifNoneMatch, ifModifiedSince, expected) => {
    expect(isNotModified(ifNoneMatch, ifModifiedSince, TAG, MTIME)).toBe(expected);
  });
});

const IF_RANGE: ReadonlyArray<[string, string | undefined, boolean]> = [
  ["absent", undefined, true],
  ["the strong tag", TAG, true],
  ["a weak tag (never matches)", `W/${TAG}`, false],
  ["another tag", '"x"', false],
  ["the exact date", AT, true],
  ["a later date", AFTER, false],
  ["garbage", "garbage", false],
];

describe("ifRangeAllows", () => {
  it.each(IF_RANGE)("with %s", (_label, header, expected) => {
    expect(ifRangeAllows(header, TAG, MTIME)).toBe(expected);
  });
});

describe("parseEntityTags", () => {
  it("keeps weak flags and drops malformed elements", () => {
    expect(parseEntityTags(`W/"a", "b", junk, "c"`)).toEqual([
      { weak: true, opaque: '"a"' },
      { weak: false, opaque: '"b"' },
      { weak: false, opaque: '"c"' },
    ]);
  });
});
