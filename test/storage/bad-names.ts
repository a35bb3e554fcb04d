/**
 * Names from Django's upload and storage tests (traversal, Windows paths,
 * encoded separators, empties, control characters, markup): each must give a
 * typed error or a safe name, never a file outside the root.
 */
export const BAD_NAMES: readonly string[] = [
  "/etc/x",
  "C:\\x",
  "C:/x",
  "\\etc\\x",
  "../../x",
  "..\\..\\x",
  "sub/../../x",
  "sub/..",
  "..&#x2F;x",
  "..%2Fx",
  "",
  ".",
  "..",
  "a\u0000b",
  "x".repeat(300),
  `${"y".repeat(300)}.tar.gz`,
  "<script>alert(1)</script>.html",
  'it\'s "quoted".txt',
  "semi;colon.txt",
  "new\nline.txt",
  "carriage\rreturn.txt",
  "  spaced  name .txt",
  "./",
  "dir/",
  "dir//x.txt",
  "ünïcödé.txt",
];

/** Error codes a bad name may be refused with. */
export const NAME_ERROR_CODES = new Set(["E_INVALID_NAME", "E_PATH_TRAVERSAL"]);
