import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DRIVER_FEATURE_PACKAGES, DRIVER_PACKAGES } from "../../src/storage/packages.js";
import { driverEntry } from "../../src/storage/spec.js";

/*
 * The README's table of drivers (options, npm packages) is what users
 * install and configure from: it must name what the code reads and loads.
 */

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

function driverRows(): Map<string, { options: string; packages: string }> {
  const rows = new Map<string, { options: string; packages: string }>();
  const header = readme.indexOf("| driver | options (required in bold) | npm packages it loads |");
  expect(header, "the README's driver table").toBeGreaterThan(0);
  for (const line of readme.slice(header).split("\n").slice(2)) {
    if (!line.startsWith("|")) break;
    const [, driver, options, packages] = line.split("|").map((cell) => cell.trim());
    rows.set(driver.replaceAll("`", ""), { options, packages });
  }
  return rows;
}

/** The first backquoted word of each comma-separated item: `bucket`, `partSize` (5 MiB) -> bucket, partSize. */
const keysOf = (cell: string) =>
  cell
    .split(/,(?![^(]*\))/)
    .map((item) => /`([^`]+)`/.exec(item)?.[1])
    .filter((key): key is string => key !== undefined);

const packagesOf = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1]);

describe("the README's driver table", () => {
  const rows = driverRows();

  it("has one row per driver the code knows", () => {
    expect([...rows.keys()].sort()).toEqual(Object.keys(DRIVER_PACKAGES).sort());
  });

  it.each(Object.keys(DRIVER_PACKAGES))(
    "%s: lists exactly the options its schema reads",
    (driver) => {
      const documented = keysOf(rows.get(driver)!.options).sort();
      expect(documented).toEqual(Object.keys(driverEntry(driver).schema).sort());
    },
  );

  it.each(Object.keys(DRIVER_PACKAGES))("%s: lists exactly the packages it loads", (driver) => {
    const documented = packagesOf(rows.get(driver)!.packages).sort();
    const loaded = [
      ...DRIVER_PACKAGES[driver],
      ...(DRIVER_FEATURE_PACKAGES[driver] ?? []).map((each) => each.name),
    ].sort();
    expect(documented).toEqual(loaded);
  });
});
