import { createHash } from "node:crypto";
import { StowageError } from "../errors.js";
import {
  applyEdits,
  decodeReferenceText,
  type Edit,
  findReferences,
  hashedName,
  jsMayReference,
  lineAt,
  parseStaticUrl,
  type ReferenceSyntax,
  resolveReference,
  rewriteReference,
  scannerFor,
  stronglyConnectedComponents,
} from "./references/index.js";

export { hashedName };

/*
 * Content hashing for the static pipeline, as pure functions over bytes.
 *
 * A file's hash is taken over its content after its references are rewritten
 * to the hashed names of what they point at, so a change anywhere below a file
 * changes its name. Files are therefore hashed dependencies first (strongly
 * connected components in reverse topological order); the members of a
 * reference cycle share one hash computed over the whole cycle.
 */

/** Length of the hex hash in hashed names (Django's). */
const HASH_LENGTH = 12;

export interface HashInput {
  /** Every collected file: posix relative path (as in the manifest, e.g. "css/app.css") -> bytes. */
  files: ReadonlyMap<string, Uint8Array>;
  /** static.url, e.g. "/static/" or "https://cdn.example.com/static/"; absolute references under it are rewritten. */
  staticUrl: string;
  /**
   * Files already named by their content, such as a Vite build's output:
   * they keep their names, are not scanned, and references to them are left
   * as written (hashing them again would break the bundler's own links).
   */
  immutable?: ReadonlySet<string>;
}

export interface HashedFile {
  /** The original relative path. */
  path: string;
  /** The hashed copy's relative path, e.g. "css/app.3f2a9c1d0b7e.css". */
  hashedPath: string;
  /** 12 lowercase hex chars. */
  hash: string;
  /** Bytes of the hashed copy (references rewritten); the input object itself when nothing changed. */
  content: Uint8Array;
  /** Whether any reference was rewritten (`content` differs from the input). */
  rewritten: boolean;
}

/** A reference names a file that is not among the collected files. */
export class MissingReferenceError extends StowageError {
  /** The file holding the reference (relative path). */
  readonly file: string;
  /** 1-based line of the reference in the original file. */
  readonly line: number;
  /** The reference as written (unescaped), e.g. "../img/gone.png". */
  readonly reference: string;
  /** The relative path looked for, or `null` when the reference climbs out of the static tree. */
  readonly lookedFor: string | null;

  constructor(file: string, line: number, reference: string, lookedFor: string | null) {
    const where =
      lookedFor === null ? "it points outside the static files" : `looked for ${lookedFor}`;
    super(
      "E_MISSING_REFERENCE",
      `${file}:${line}: ${JSON.stringify(reference)} could not be found (${where})`,
    );
    this.file = file;
    this.line = line;
    this.reference = reference;
    this.lookedFor = lookedFor;
  }
}

/** A reference that resolved to one of the collected files. */
interface Link {
  start: number;
  end: number;
  syntax: ReferenceSyntax;
  target: string;
}

/** A CSS/JS file with at least one reference to rewrite. */
interface Source {
  path: string;
  text: string;
  links: Link[];
}

function digest(chunks: readonly Uint8Array[]): string {
  const hash = createHash("sha256");
  for (const chunk of chunks) hash.update(chunk);
  return hash.digest("hex").slice(0, HASH_LENGTH);
}

function asLatin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
}

/** Find and resolve the references of one file; throws on the first that names no collected file. */
function linksOf(
  path: string,
  text: string,
  kind: "css" | "js",
  files: ReadonlyMap<string, Uint8Array>,
  base: ReturnType<typeof parseStaticUrl>,
): Link[] {
  const links: Link[] = [];
  for (const ref of findReferences(kind, text)) {
    const spec = decodeReferenceText(text.slice(ref.start, ref.end), ref.syntax);
    const resolved = resolveReference(spec, path, base, ref.kind === "import");
    if (resolved.kind === "skip") continue;
    if (resolved.kind === "outside" || !files.has(resolved.path)) {
      const lookedFor = resolved.kind === "outside" ? null : resolved.path;
      throw new MissingReferenceError(path, lineAt(text, ref.start), spec.trim(), lookedFor);
    }
    links.push({ start: ref.start, end: ref.end, syntax: ref.syntax, target: resolved.path });
  }
  return links;
}

/**
 * Hash every file and rewrite the references of CSS and JS files to the
 * hashed names. Returns one entry per input file, keyed by its path.
 *
 * @throws MissingReferenceError when a reference names a file that is not in
 *   `files` (the first one, in path order then file order).
 */
export function hashFiles(input: HashInput): Map<string, HashedFile> {
  const { files } = input;
  const base = parseStaticUrl(input.staticUrl);
  const paths = [...files.keys()].sort();
  const sources: Source[] = [];
  const sourceIndex = new Map<string, number>();

  const immutable = input.immutable ?? new Set<string>();
  for (const path of paths) {
    if (immutable.has(path)) continue;
    const kind = scannerFor(path);
    if (kind === null) continue;
    const bytes = files.get(path)!;
    if (kind === "js" && !jsMayReference(bytes)) continue;
    const text = asLatin1(bytes);
    const links = linksOf(path, text, kind, files, base);
    if (links.length === 0) continue;
    sourceIndex.set(path, sources.length);
    sources.push({ path, text, links });
  }

  const result = new Map<string, HashedFile>();
  const finished = (path: string): HashedFile => {
    const done = result.get(path);
    if (done) return done;
    // Not a source: its name depends on its bytes alone.
    const content = files.get(path)!;
    const hash = digest([content]);
    const hashedPath = immutable.has(path) ? path : hashedName(path, hash);
    const file = { path, hashedPath, hash, content, rewritten: false };
    result.set(path, file);
    return file;
  };

  const edges = sources.map((source) =>
    source.links.flatMap((link) => sourceIndex.get(link.target) ?? []),
  );
  for (const component of stronglyConnectedComponents(edges)) {
    const members = component.map((index) => sources[index]);
    const cyclic = members.length > 1 || edges[component[0]].includes(component[0]);
    // `null`: leave a reference to an immutable file as written.
    const hashOf = (target: string) => (immutable.has(target) ? null : finished(target).hash);
    if (cyclic) hashCycle(members, result, hashOf);
    else hashSingle(members[0], result, hashOf);
  }
  for (const path of paths) finished(path);
  return result;
}

function rewrite(source: Source, hashFor: (target: string) => string | null): string {
  const edits: Edit[] = [];
  for (const link of source.links) {
    const hash = hashFor(link.target);
    if (hash === null) continue;
    const raw = source.text.slice(link.start, link.end);
    edits.push({
      start: link.start,
      end: link.end,
      text: rewriteReference(raw, link.syntax, link.target, hash),
    });
  }
  return applyEdits(source.text, edits);
}

function hashSingle(
  source: Source,
  result: Map<string, HashedFile>,
  hashOf: (path: string) => string | null,
): void {
  const content = Buffer.from(rewrite(source, hashOf), "latin1");
  const hash = digest([content]);
  result.set(source.path, {
    path: source.path,
    hashedPath: hashedName(source.path, hash),
    hash,
    content,
    rewritten: true,
  });
}

/**
 * Members of a cycle cannot each hash over the others' final names (each
 * would depend on itself), so they share one hash: taken over every member in
 * path order, with references leaving the cycle rewritten and references
 * inside it as written. Each member then points at the others' names under
 * that shared hash.
 */
function hashCycle(
  members: Source[],
  result: Map<string, HashedFile>,
  hashOf: (path: string) => string | null,
): void {
  const inside = new Set(members.map((member) => member.path));
  const outsideHash = (target: string) => (inside.has(target) ? null : hashOf(target));
  const ordered = [...members].sort((a, b) => (a.path < b.path ? -1 : 1));
  const chunks: Uint8Array[] = [];
  for (const member of ordered) {
    const content = Buffer.from(rewrite(member, outsideHash), "latin1");
    chunks.push(Buffer.from(`${member.path}\0${content.length}\0`, "utf8"), content);
  }
  const hash = digest(chunks);
  for (const member of ordered) {
    const content = Buffer.from(
      rewrite(member, (target) => (inside.has(target) ? hash : hashOf(target))),
      "latin1",
    );
    result.set(member.path, {
      path: member.path,
      hashedPath: hashedName(member.path, hash),
      hash,
      content,
      rewritten: true,
    });
  }
}
