/**
 * Django's `scary_file_names` (tests/file_uploads) and friends, with the bare
 * name `filenames: "basename"` (and `sanitizeFilename`) makes of each. Under
 * the default `filenames: "reject"` every one of them is refused.
 */
export const TRAVERSAL_NAMES: [string, string][] = [
  ["/tmp/hax0rd.txt", "hax0rd.txt"],
  ["C:\\Windows\\hax0rd.txt", "hax0rd.txt"],
  ["C:hax0rd.txt", "hax0rd.txt"],
  ["\\tmp\\hax0rd.txt", "hax0rd.txt"],
  ["/tmp\\hax0rd.txt", "hax0rd.txt"],
  ["../../../../../tmp/hax0rd.txt", "hax0rd.txt"],
  ["..\\..\\..\\..\\..\\tmp\\hax0rd.txt", "hax0rd.txt"],
  ["../..\\..\\..\\..\\tmp\\hax0rd.txt", "hax0rd.txt"],
  ["../&#x2e;&#x2e;/&#x2e;&#x2e;/hax0rd.txt", "hax0rd.txt"],
  ["../&#X2E;&#X2E;/&#X2E;&#X2E;/hax0rd.txt", "hax0rd.txt"],
  ["..&#x2F;hax0rd.txt", "hax0rd.txt"],
  ["..&#47;..&#47;hax0rd.txt", "hax0rd.txt"],
  ["..&#x5C;hax0rd.txt", "hax0rd.txt"],
  ["../../x", "x"],
  ["sub/../../x", "x"],
  ["/etc/x", "x"],
  ["\\etc\\x", "x"],
  ["C:\\x", "x"],
  ["..&#x2F;x", "x"],
  ["..", "unnamed"],
  [".", "unnamed"],
  ["a\u0000b\u001f.txt", "ab.txt"],
  ["a\tb.txt", "ab.txt"],
];

/** Names that look odd but are plain file names: accepted under the default. */
export const PLAIN_NAMES = [
  "report.pdf",
  "Report 2024 (final).PDF",
  "...",
  "..hidden",
  "a..b.txt",
  "résumé.txt",
  "naïve &amp; co.txt",
  "note: draft.txt",
];
