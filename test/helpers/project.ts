import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

export type Tree = Record<string, string | Uint8Array | { symlink: string }>;

/** Write a tree of files under `dir`. */
export async function writeTree(dir: string, tree: Tree): Promise<void> {
  for (const [name, content] of Object.entries(tree)) {
    const file = path.join(dir, name);
    await mkdir(path.dirname(file), { recursive: true });
    if (typeof content === "object" && "symlink" in content) {
      await symlink(content.symlink, file);
    } else {
      await writeFile(file, content);
    }
  }
}

/** A throwaway project folder; call `remove()` in afterEach. */
export async function makeProject(tree: Tree = {}) {
  const dir = await mkdtemp(path.join(tmpdir(), "stowage-test-"));
  await writeTree(dir, tree);
  return {
    dir,
    path: (...parts: string[]) => path.join(dir, ...parts),
    write: (more: Tree) => writeTree(dir, more),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Collects what a CLI run prints. */
export function captureOutput() {
  let text = "";
  return {
    write(chunk: string) {
      text += chunk;
      return true;
    },
    get text() {
      return text;
    },
  };
}

/** Run the CLI in-process with `cwd`, no env overrides and no terminal; returns the code and output. */
export async function runCli(args: string[], cwd: string) {
  const { main } = await import("../../src/cli/main.js");
  const stdout = captureOutput();
  const stderr = captureOutput();
  const code = await main(args, { cwd, env: {}, stdout, stderr, isTTY: false });
  return { code, stdout: stdout.text, stderr: stderr.text };
}
