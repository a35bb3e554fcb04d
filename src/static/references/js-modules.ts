import type { RawReference } from "./types.js";

/*
 * The module-syntax half of the JS scanner: fed one token at a time, it
 * recognises the statements that name another module and records the string
 * that does:
 *   import x from "s"     import {a, b as c} from "s"     import * as m from "s"
 *   import "s"            import("s") / import("s", {with: ...})
 *   export * from "s"     export * as ns from "s"         export {a} from "s"
 * Anything that departs from these shapes drops back to Idle, so `import.meta`,
 * `obj.import(...)`, `import(base + "x")` and `export {a}` (no `from`) name nothing.
 */

/** Token kinds the scanner reports. */
export enum Token {
  Name = 1,
  Punct = 2,
  String = 3,
  /** Numbers, regexes, template literals: they only matter for ending a statement shape. */
  Other = 4,
}

/** Names the state machine cares about (anything else is `Plain`). */
export enum ModuleName {
  Plain = 0,
  Import = 1,
  Export = 2,
  From = 3,
}

enum State {
  Idle = 0,
  AfterImport = 1,
  DynamicOpen = 2,
  DynamicString = 3,
  Clause = 4,
  AfterExport = 5,
}

const OPEN_PAREN = 40;
const CLOSE_PAREN = 41;
const STAR = 42;
const COMMA = 44;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;

export class ModuleSyntax {
  /** Read by the scanner to skip calls while nothing is in progress. */
  state: State = State.Idle;
  private depth = 0;
  private lastWasFrom = false;
  private pendingStart = 0;
  private pendingEnd = 0;

  constructor(private readonly refs: RawReference[]) {}

  /**
   * One token: its kind, for `Name` which name it is, for `Punct` its char
   * code, and for `String` the offsets of its content (inside the quotes).
   */
  feed(kind: Token, detail: number, start: number, end: number): void {
    switch (this.state) {
      case State.Idle:
        if (kind === Token.Name && detail === ModuleName.Import) this.state = State.AfterImport;
        else if (kind === Token.Name && detail === ModuleName.Export)
          this.state = State.AfterExport;
        return;
      case State.AfterImport:
        if (kind === Token.Punct && detail === OPEN_PAREN) this.state = State.DynamicOpen;
        else if (kind === Token.String) this.emit(start, end);
        else if (kind === Token.Name) this.enterClause(0, detail === ModuleName.From);
        else if (kind === Token.Punct && detail === OPEN_BRACE) this.enterClause(1, false);
        else if (kind === Token.Punct && detail === STAR) this.enterClause(0, false);
        else this.restart(kind, detail, start, end);
        return;
      case State.DynamicOpen:
        if (kind === Token.String) {
          this.pendingStart = start;
          this.pendingEnd = end;
          this.state = State.DynamicString;
        } else {
          this.restart(kind, detail, start, end);
        }
        return;
      case State.DynamicString:
        // Only a lone literal argument is a specifier we can rewrite; `import("a" + b)` is not.
        if (kind === Token.Punct && (detail === CLOSE_PAREN || detail === COMMA)) {
          this.emit(this.pendingStart, this.pendingEnd);
        } else {
          this.restart(kind, detail, start, end);
        }
        return;
      case State.AfterExport:
        if (kind === Token.Punct && detail === STAR) this.enterClause(0, false);
        else if (kind === Token.Punct && detail === OPEN_BRACE) this.enterClause(1, false);
        else this.restart(kind, detail, start, end);
        return;
      case State.Clause:
        this.feedClause(kind, detail, start, end);
        return;
    }
  }

  private feedClause(kind: Token, detail: number, start: number, end: number): void {
    if (kind === Token.Name) {
      this.lastWasFrom = this.depth === 0 && detail === ModuleName.From;
    } else if (kind === Token.String) {
      // Inside braces a string is a binding name (`import {"a-b" as ab}`), not the source.
      if (this.depth > 0) this.lastWasFrom = false;
      else if (this.lastWasFrom) this.emit(start, end);
      else this.state = State.Idle;
    } else if (kind === Token.Punct && detail === OPEN_BRACE) {
      this.depth++;
      this.lastWasFrom = false;
    } else if (kind === Token.Punct && detail === CLOSE_BRACE && this.depth > 0) {
      this.depth--;
      this.lastWasFrom = false;
    } else if (kind === Token.Punct && (detail === COMMA || detail === STAR)) {
      this.lastWasFrom = false;
    } else {
      this.restart(kind, detail, start, end);
    }
  }

  private enterClause(depth: number, lastWasFrom: boolean): void {
    this.state = State.Clause;
    this.depth = depth;
    this.lastWasFrom = lastWasFrom;
  }

  private emit(start: number, end: number): void {
    this.refs.push({ start, end, kind: "import", syntax: "js" });
    this.state = State.Idle;
  }

  /** The shape broke; the breaking token may itself begin a new statement (`import`). */
  private restart(kind: Token, detail: number, start: number, end: number): void {
    this.state = State.Idle;
    this.feed(kind, detail, start, end);
  }
}
