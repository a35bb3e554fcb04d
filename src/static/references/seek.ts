/**
 * Remembers where the next occurrence of one char is, so scanners can jump
 * over long strings and comments with native `indexOf` instead of walking
 * them char by char. Each `from` must be at least the previous one; the text
 * is then searched once in total, however many times it is asked.
 */
export class NextChar {
  private at = -1;

  constructor(
    private readonly text: string,
    private readonly char: string,
  ) {}

  /** Index of the first occurrence at or after `from`, or the text's length when none. */
  from(from: number): number {
    if (this.at < from) {
      const found = this.text.indexOf(this.char, from);
      this.at = found < 0 ? this.text.length : found;
    }
    return this.at;
  }
}

/** Seekers for the chars that end or interrupt a quoted string. */
export class StringSeekers {
  readonly backslash: NextChar;
  readonly lineFeed: NextChar;
  readonly carriageReturn: NextChar;

  constructor(text: string) {
    this.backslash = new NextChar(text, "\\");
    this.lineFeed = new NextChar(text, "\n");
    this.carriageReturn = new NextChar(text, "\r");
  }

  /** The first line end at or after `from` (or the text's length). */
  lineEnd(from: number): number {
    return Math.min(this.lineFeed.from(from), this.carriageReturn.from(from));
  }
}
