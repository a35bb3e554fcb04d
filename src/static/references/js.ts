import {
  BLOCK_AFTER,
  CONTROL,
  isDigit,
  isLineEnd,
  isNamePart,
  isNameStart,
  keywordFlags,
  moduleName,
  REGEX_AFTER,
  scanRegex,
} from "./js-lexing.js";
import { ModuleName, ModuleSyntax, Token } from "./js-modules.js";
import { NextChar, StringSeekers } from "./seek.js";
import { sourceMapReference } from "./sourcemap.js";
import type { RawReference } from "./types.js";

/*
 * A JS scanner: comments, strings, template literals (with `${}` nesting),
 * regex literals, names and punctuation — enough to hand clean tokens to
 * `ModuleSyntax` and never mistake text inside a string, comment, template or
 * regex for code.
 *
 * Whether `/` starts a regex or divides is decided from the previous token,
 * the way most non-parsing tools do: after a value (name, number, string, `)`,
 * `]`, `}` closing an object literal) it divides; after an operator, `(`, `,`,
 * `;`, a keyword like `return`, a block's `}` or an `if (...)` it starts a
 * regex. Runs over latin1 text so offsets are byte offsets.
 */

/** What an open `{` is, so its `}` says whether a regex may follow. */
enum Brace {
  Expression = 0,
  Block = 1,
  Substitution = 2,
}

/** What an open `(` heads: after a statement head's `)`, `/` starts a regex (`if (x) /re/.test(y)`). */
enum Paren {
  Other = 0,
  Control = 1,
  /** A `for (` head, before its `of`: the first `of` in it is the keyword. */
  ForHead = 2,
  ForHeadAfterOf = 3,
}

const BOM = "\u00ef\u00bb\u00bf";

/** Find every module reference and source map pragma in a script or module (latin1 text). */
export function scanJs(text: string): RawReference[] {
  return new JsScanner(text).run();
}

class JsScanner {
  private readonly refs: RawReference[] = [];
  private readonly modules = new ModuleSyntax(this.refs);
  /** One entry per open `(`. */
  private readonly parens: Paren[] = [];
  private readonly braces: Brace[] = [];
  /** Whether a `/` here starts a regex literal. */
  private regexOk = true;
  /** Whether a `{` here opens a block (else an object literal). */
  private braceIsBlock = true;
  /** The previous token was `if`/`while`/`with` (Control) or `for`/`for await` (ForHead). */
  private headNext = Paren.Other;
  /** The previous token was `.` or `?.`: the next name is a property. */
  private afterDot = false;

  private readonly seek: StringSeekers;
  private readonly dollar: NextChar;

  constructor(private readonly text: string) {
    this.seek = new StringSeekers(text);
    this.dollar = new NextChar(text, "$");
  }

  run(): RawReference[] {
    const text = this.text;
    let i = text.startsWith(BOM) ? BOM.length : 0;
    if (text.startsWith("#!", i)) {
      while (i < text.length && !isLineEnd(text.charCodeAt(i))) i++;
    }
    while (i < text.length) {
      const code = text.charCodeAt(i);
      if (code === 32 || code === 10 || code === 9 || code === 13 || code === 11 || code === 12) {
        i++;
      } else if (code === 47 && text.charCodeAt(i + 1) === 47) {
        i = this.lineComment(i);
      } else if (code === 47 && text.charCodeAt(i + 1) === 42) {
        i = this.blockComment(i);
      } else {
        i = this.token(code, i);
      }
    }
    return this.refs;
  }

  private lineComment(i: number): number {
    const end = this.seek.lineEnd(i + 2);
    const map = sourceMapReference(this.text, i + 2, end);
    if (map) this.refs.push(map);
    return end;
  }

  private blockComment(i: number): number {
    const close = this.text.indexOf("*/", i + 2);
    const end = close < 0 ? this.text.length : close;
    const map = sourceMapReference(this.text, i + 2, end);
    if (map) this.refs.push(map);
    return close < 0 ? this.text.length : close + 2;
  }

  /** Scan one token starting at `start`; returns the index after it. */
  private token(code: number, start: number): number {
    const text = this.text;
    const afterDot = this.afterDot;
    const head = this.headNext;
    this.afterDot = false;
    this.headNext = Paren.Other;
    let end: number;
    if (isNameStart(code)) {
      return this.name(start, afterDot, head);
    }
    if (code === 34 || code === 39) {
      const close = this.string(start);
      if (this.modules.state !== 0) this.modules.feed(Token.String, 0, start + 1, close);
      this.value();
      return close < text.length && text.charCodeAt(close) === code ? close + 1 : close;
    }
    if (
      code === 96 ||
      (code === 125 && this.braces[this.braces.length - 1] === Brace.Substitution)
    ) {
      if (code === 125) this.braces.pop();
      end = this.template(start + 1);
      if (end < 0) {
        this.braces.push(Brace.Substitution);
        end = -end - 1;
        this.regexOk = true;
        this.braceIsBlock = false;
      } else {
        this.value();
      }
    } else if (isDigit(code) || (code === 46 && isDigit(text.charCodeAt(start + 1)))) {
      end = start + 1;
      while (
        end < text.length &&
        (isNamePart(text.charCodeAt(end)) || text.charCodeAt(end) === 46)
      ) {
        end++;
      }
      this.value();
    } else if (code === 47 && this.regexOk) {
      end = scanRegex(text, start);
      this.value();
    } else {
      end = this.punctuation(code, start, head);
      if (this.modules.state !== 0) this.modules.feed(Token.Punct, code, start, end);
      return end;
    }
    if (this.modules.state !== 0) this.modules.feed(Token.Other, 0, start, end);
    return end;
  }

  /** Index of the closing quote of the string opening at `i` (or of the line end that cuts it short). */
  private string(i: number): number {
    const text = this.text;
    const quote = text[i];
    let j = i + 1;
    for (;;) {
      const found = text.indexOf(quote, j);
      const close = found < 0 ? text.length : found;
      const lineEnd = this.seek.lineEnd(j);
      const backslash = this.seek.backslash.from(j);
      if (backslash >= close || backslash >= lineEnd) return Math.min(close, lineEnd);
      j = backslash + (text.startsWith("\r\n", backslash + 1) ? 3 : 2);
    }
  }

  /**
   * Scan template text from `i` (just after a backtick or a substitution's
   * `}`). Returns the index after the closing backtick, or, when a
   * substitution opens, the index after its `${` as `-(index) - 1`.
   */
  private template(i: number): number {
    const text = this.text;
    let j = i;
    for (;;) {
      const found = text.indexOf("`", j);
      const close = found < 0 ? text.length : found;
      const backslash = this.seek.backslash.from(j);
      const dollar = this.dollar.from(j);
      if (backslash < close && backslash < dollar) {
        j = backslash + 2;
      } else if (dollar < close) {
        if (text.charCodeAt(dollar + 1) === 123) return -(dollar + 2) - 1;
        j = dollar + 1;
      } else {
        return Math.min(close + 1, text.length);
      }
    }
  }

  private name(start: number, afterDot: boolean, head: Paren): number {
    const text = this.text;
    let end = start + 1;
    while (end < text.length) {
      const part = text.charCodeAt(end);
      if (isNamePart(part)) end += part === 92 ? 2 : 1;
      else break;
    }
    // A name after `.` is a property: `a.import(...)`, `x.return / 2`.
    let flags = afterDot ? 0 : keywordFlags(text, start, end);
    if (flags !== 0 && end - start === 2 && text.startsWith("of", start)) {
      // `of` is the keyword once in a for head (`for (x of /re/g)`); elsewhere a name (`of / 2`).
      const top = this.parens.length - 1;
      if (this.parens[top] === Paren.ForHead) this.parens[top] = Paren.ForHeadAfterOf;
      else flags = 0;
    }
    this.regexOk = (flags & REGEX_AFTER) !== 0;
    this.braceIsBlock = (flags & BLOCK_AFTER) !== 0 || (flags & REGEX_AFTER) === 0;
    if ((flags & CONTROL) !== 0) {
      this.headNext =
        end - start === 3 && text.startsWith("for", start) ? Paren.ForHead : Paren.Control;
    } else if (head === Paren.ForHead && end - start === 5 && text.startsWith("await", start)) {
      this.headNext = Paren.ForHead; // `for await (...)`
    }
    const name = afterDot ? ModuleName.Plain : moduleName(text, start, end);
    if (this.modules.state !== 0 || name !== ModuleName.Plain) {
      this.modules.feed(Token.Name, name, start, end);
    }
    return end;
  }

  /** After a value (string, number, regex, template), `/` divides. */
  private value(): void {
    this.regexOk = false;
    this.braceIsBlock = false;
  }

  /** Handle the punctuator starting at `at`; returns the index after it. */
  private punctuation(code: number, at: number, head: Paren): number {
    const next = this.text.charCodeAt(at + 1);
    switch (code) {
      case 40: // (
        this.parens.push(head);
        this.regexOk = true;
        this.braceIsBlock = false;
        return at + 1;
      case 41: // )
        this.regexOk = (this.parens.pop() ?? Paren.Other) !== Paren.Other;
        this.braceIsBlock = true;
        return at + 1;
      case 123: // {
        this.braces.push(this.braceIsBlock ? Brace.Block : Brace.Expression);
        this.regexOk = true;
        this.braceIsBlock = true;
        return at + 1;
      case 125: // }
        this.regexOk = (this.braces.pop() ?? Brace.Block) === Brace.Block;
        this.braceIsBlock = true;
        return at + 1;
      case 93: // ]
        this.value();
        return at + 1;
      case 59: // ;
        this.regexOk = true;
        this.braceIsBlock = true;
        return at + 1;
      case 46: // .
        this.afterDot = true;
        this.value();
        return at + 1;
      case 63: // ?  (`?.` is property access, but `a?.5:1` is a conditional)
        if (next === 46 && !isDigit(this.text.charCodeAt(at + 2))) {
          this.afterDot = true;
          this.value();
          return at + 2;
        }
        break;
      case 43: // +
      case 45: // -
        // `a++ / 2` divides: a regex can never directly follow `++` or `--`.
        if (next === code) {
          this.value();
          return at + 2;
        }
        break;
      case 61: // =
        // `=>`: a `{` after it is a function body.
        if (next === 62) {
          this.regexOk = true;
          this.braceIsBlock = true;
          return at + 2;
        }
        break;
    }
    this.regexOk = true;
    this.braceIsBlock = false;
    return at + 1;
  }
}
