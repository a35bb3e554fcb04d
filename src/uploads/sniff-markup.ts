/**
 * Markup a browser would run: SVG and HTML, found the way a browser finds
 * them rather than by the first few bytes. Before its first element an XML
 * or HTML document may hold any amount of whitespace, comments, processing
 * instructions (`<?xml ...?>`, `<?foo?>`) and a DOCTYPE with an internal
 * subset (`<!DOCTYPE svg [ <!ENTITY ...> ]>`); all of it is skipped, and the
 * first element decides.
 */

/** Tags that make a browser sniff a text resource as HTML, plus `html` itself. */
const HTML_TAGS = new Set([
  "html",
  "head",
  "body",
  "script",
  "iframe",
  "h1",
  "div",
  "font",
  "table",
  "a",
  "style",
  "title",
  "b",
  "br",
  "p",
  "meta",
  "object",
  "embed",
  "frameset",
]);

export type MarkupKind = "image/svg+xml" | "text/html" | "application/xml";

const WHITESPACE = /[\t\n\f\r ]/;

/** End of a DOCTYPE declaration: its `>` outside quotes and outside `[ ... ]`. */
function doctypeEnd(text: string, start: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let index = start; index < text.length; index += 1) {
    const char = text[index];
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") {
      quote = char;
    } else if (char === "[") {
      depth += 1;
    } else if (char === "]") {
      depth = Math.max(0, depth - 1);
    } else if (char === ">" && depth === 0) {
      return index;
    }
  }
  return -1;
}

/**
 * What markup `text` (the start of a file) is. `complete` says whether
 * `text` is the whole file. `undefined` when it is not markup a browser
 * would render. When the prolog runs past the end of `text` on a longer
 * file, the first element is unknown: it is reported as HTML, the most
 * dangerous reading, so such a file is only accepted where HTML would be.
 */
export function sniffMarkup(text: string, complete: boolean): MarkupKind | undefined {
  let index = 0;
  let first: "comment" | "pi" | "doctype" | undefined;
  let sawXml = false;
  let doctype = "";
  const unresolved = () => (complete ? undefined : "text/html");
  while (index < text.length) {
    if (WHITESPACE.test(text[index])) {
      index += 1;
      continue;
    }
    if (text.startsWith("<!--", index)) {
      first ??= "comment";
      const end = text.indexOf("-->", index + 4);
      if (end === -1) return complete ? "text/html" : unresolved();
      index = end + 3;
      continue;
    }
    if (text.startsWith("<?", index)) {
      first ??= "pi";
      sawXml = true;
      const end = text.indexOf("?>", index + 2);
      if (end === -1) return complete ? "application/xml" : unresolved();
      index = end + 2;
      continue;
    }
    if (/^<!doctype/i.test(text.slice(index, index + 9))) {
      first ??= "doctype";
      const end = doctypeEnd(text, index + 9);
      if (end === -1) return complete ? "application/xml" : unresolved();
      doctype = /^\s*([^\s[>]*)/.exec(text.slice(index + 9, end))?.[1].toLowerCase() ?? "";
      index = end + 1;
      continue;
    }
    return rootKind(text.slice(index, index + 64), { first, sawXml, doctype });
  }
  // Nothing but prolog: on a cut-off view the element may come next.
  if (first === undefined) return undefined;
  return complete ? endOfPrologKind(first, sawXml, doctype) : unresolved();
}

function endOfPrologKind(
  first: "comment" | "pi" | "doctype",
  sawXml: boolean,
  doctype: string,
): MarkupKind {
  if (doctype === "html" || first === "comment") return "text/html";
  return sawXml || doctype !== "" ? "application/xml" : "text/html";
}

/** The first element decides: `<svg>` (any prefix), an HTML tag, or other XML. */
function rootKind(
  start: string,
  context: { first: "comment" | "pi" | "doctype" | undefined; sawXml: boolean; doctype: string },
): MarkupKind | undefined {
  const match = /^<([A-Za-z_][\w.:-]*)/.exec(start);
  const terminated = match && /^[\s/>]/.test(start.slice(match[0].length) || ">");
  if (match && terminated) {
    const local = match[1].slice(match[1].lastIndexOf(":") + 1).toLowerCase();
    if (local === "svg") return "image/svg+xml";
    if (HTML_TAGS.has(local)) return "text/html";
  }
  if (context.doctype === "html" || context.first === "comment") return "text/html";
  if (context.doctype === "svg") return "image/svg+xml";
  if (context.sawXml || context.doctype !== "") return "application/xml";
  return undefined;
}
