import fc from "fast-check";

/*
 * Generated stylesheets for the differential test against postcss and
 * postcss-value-parser: every form of `url()`, `@import` and `image-set()`,
 * with escapes, odd spacing and case, mixed with text that only looks like a
 * reference (in comments, strings, selectors and other functions).
 */

const urlPiece = fc.constantFrom(
  "img/",
  "../",
  "a",
  "b-c",
  "d_e",
  ".png",
  ".svg",
  "?v=1",
  "#x",
  "%20",
  "é",
);

/** The text of an unquoted `url(...)`, with the escapes CSS allows there. */
const unquotedUrl = fc
  .array(
    fc.oneof(
      { weight: 5, arbitrary: urlPiece },
      fc.constantFrom("\\)", "\\(", "\\ ", "\\'", '\\"', "\\41 "),
    ),
    {
      minLength: 1,
      maxLength: 5,
    },
  )
  // postcss-value-parser drops an escaped space that ends the URL (`url(a\ )`), which CSS keeps.
  .map((parts) => parts.join("").replace(/\\ $/, "\\ x"));

/** A quoted URL, e.g. `"img/a.png"`, with quotes, parens, spaces and escapes inside. */
const quotedUrl = fc
  .constantFrom('"', "'")
  .chain((quote) =>
    fc
      .array(
        fc.oneof(
          { weight: 5, arbitrary: urlPiece },
          fc.constantFrom(
            " ",
            "(",
            ")",
            "url(",
            `\\${quote}`,
            "\\\n",
            "\\\\",
            quote === '"' ? "'" : '"',
          ),
        ),
        { maxLength: 5 },
      )
      .map((parts) => `${quote}${parts.join("")}${quote}`),
  );

const space = fc.constantFrom("", " ", "  ", "\n", "\t");

/**
 * `url(...)` in any of its spellings. Only a quoted argument gets an upper-case
 * name: postcss-value-parser reads an unquoted `URL(a/b)` as an ordinary
 * function (CSS names are case-insensitive, so that is its mistake; the
 * case table covers ours).
 */
const urlFunction = fc
  .oneof(
    fc.tuple(fc.constant("url"), space, unquotedUrl, space),
    fc.tuple(fc.constantFrom("url", "URL", "Url"), space, quotedUrl, space),
  )
  .map(([name, before, argument, after]) => `${name}(${before}${argument}${after})`);

const imageSet = fc
  .tuple(
    fc.constantFrom("image-set", "-webkit-image-set"),
    fc.array(
      fc.tuple(
        fc.oneof(quotedUrl, urlFunction),
        fc.constantFrom("1x", "2x", 'type("image/avif") 1x'),
      ),
      {
        minLength: 1,
        maxLength: 3,
      },
    ),
  )
  .map(
    ([name, options]) => `${name}(${options.map(([url, tail]) => `${url} ${tail}`).join(", ")})`,
  );

/** Value parts that are not references but may look like one. */
const decoyValue = fc.constantFrom(
  '"url(no.png)"',
  "'@import \"no.css\"'",
  "myurl(no.png)",
  "url-like",
  "linear-gradient(to right, red 0%, blue 100%)",
  "var(--x, 1px)",
  "calc(1px + 2px)",
  "/* url(no.png) */",
  "attr(data-url)",
  "format('woff2')",
  "#fff",
  "1px",
  "none",
);

const value = fc
  .array(fc.oneof(urlFunction, imageSet, decoyValue), { minLength: 1, maxLength: 4 })
  .map((parts) => parts.join(" "));

const property = fc.constantFrom(
  "background",
  "background-image",
  "content",
  "mask",
  "--custom",
  "cursor",
  "src",
  "BACKGROUND",
);

const declaration = fc
  .tuple(property, value, fc.constantFrom("", " !important"))
  .map(([name, v, important]) => `${name}: ${v}${important};`);

const selector = fc.constantFrom(
  "a",
  ".c",
  "#id:hover",
  'a[href="url(no.png)"]',
  "a::after",
  ":is(.a, .b)",
  "html > body",
);

const rule = fc
  .tuple(selector, fc.array(declaration, { maxLength: 4 }))
  .map(([sel, decls]) => `${sel} { ${decls.join(" ")} }`);

const importRule = fc
  .tuple(
    fc.constantFrom("@import", "@IMPORT", "@import /* why */"),
    fc.oneof(quotedUrl, urlFunction),
    fc.constantFrom(
      "",
      " screen",
      " layer(base)",
      " supports(display: grid) screen and (min-width: 40em)",
    ),
  )
  .map(([at, target, tail]) => `${at} ${target}${tail};`);

const block = fc.oneof(
  rule,
  importRule,
  fc
    .array(rule, { maxLength: 3 })
    .map((rules) => `@media screen and (min-width: 10px) { ${rules.join(" ")} }`),
  fc
    .array(rule, { maxLength: 3 })
    .map((rules) => `@supports (display: grid) { ${rules.join(" ")} }`),
  fc
    .tuple(urlFunction, urlFunction)
    .map(
      ([a, b]) =>
        `@font-face { font-family: "F"; src: ${a} format("woff2"), ${b} format('woff'); }`,
    ),
  fc.constant('/* url(no.png) @import "no.css"; */'),
  fc.constant('@charset "UTF-8";'),
);

const gap = fc.constantFrom("\n", " ", "\r\n", "\n\n");

/** A whole stylesheet. */
export const stylesheet = fc
  .array(fc.tuple(block, gap), { maxLength: 10 })
  .map((pieces) => pieces.map(([code, g]) => code + g).join(""));
