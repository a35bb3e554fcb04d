import { randomBytes } from "node:crypto";
import { link, mkdir, readFile, rename, unlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { StowageError } from "../../errors.js";

/** Who holds a collect lock: written into the lock file when it is taken. */
export interface LockHolder {
  pid: number;
  hostname: string;
  /** ISO time the lock was taken. */
  since: string;
  /** Random, so a holder recognises its own lock file. */
  token: string;
}

/** Another collect into the same `static.root` is running (or left a lock this one cannot judge). */
export class CollectLockedError extends StowageError {
  readonly lockFile: string;
  readonly holder: LockHolder | undefined;

  constructor(lockFile: string, holder: LockHolder | undefined, reason: string) {
    super(
      "E_COLLECT_LOCKED",
      `${reason} Two collects into one root would mix their files, so this one stops before writing anything. If no collect is running, delete ${lockFile}.`,
    );
    this.lockFile = lockFile;
    this.holder = holder;
  }
}

export interface HeldLock {
  /** Removes the lock file, if it is still this holder's. */
  release(): Promise<void>;
}

/**
 * Take the lock file `file`, or throw `CollectLockedError` naming the holder.
 * The file is made complete under a temp name and hard-linked into place,
 * which fails when a lock exists, so a reader never sees half a lock. A lock
 * whose holder died on this machine (its pid is gone) is stale and taken
 * over at once: no waiting for a lease to run out after a `kill -9`. A lock
 * from another machine is never judged stale; the message says what to do.
 */
export async function acquireLock(file: string): Promise<HeldLock> {
  await mkdir(path.dirname(file), { recursive: true });
  const me: LockHolder = {
    pid: process.pid,
    hostname: os.hostname(),
    since: new Date().toISOString(),
    token: randomBytes(8).toString("hex"),
  };
  const temp = `${file}.${me.token}.tmp`;
  await writeFile(temp, `${JSON.stringify(me)}\n`);
  try {
    // A few rounds: each one either takes the lock, fails, or removes a stale one.
    for (let round = 0; round < 5; round++) {
      if (await createExclusive(file, temp, me)) {
        return { release: () => releaseLock(file, me.token) };
      }
      const holder = await readHolder(file);
      if (holder === null) continue; // released in the meantime
      if (holder === undefined) {
        throw new CollectLockedError(file, undefined, `The lock file ${file} is not readable.`);
      }
      if (isAlive(holder)) {
        const where = holder.hostname === me.hostname ? "" : ` on ${holder.hostname}`;
        throw new CollectLockedError(
          file,
          holder,
          `Another collect (pid ${holder.pid}${where}, since ${holder.since}) is writing to this static.root.`,
        );
      }
      await removeStale(file, holder, me.token);
    }
    throw new CollectLockedError(file, undefined, `Could not take the lock ${file}.`);
  } finally {
    await unlink(temp).catch(() => {});
  }
}

/**
 * Create `file` only if it does not exist; false when it does. A file system
 * without hard links gets an exclusive create instead, where a reader may see
 * the file empty for an instant (it then reports the lock as unreadable,
 * which fails safe).
 */
async function createExclusive(file: string, temp: string, me: LockHolder): Promise<boolean> {
  try {
    await link(temp, file);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return false;
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "ENOSYS" && code !== "EOPNOTSUPP") {
      throw error;
    }
  }
  try {
    await writeFile(file, `${JSON.stringify(me)}\n`, { flag: "wx" });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}

/** The holder named in `file`; `null` when there is no file, `undefined` when it cannot be read. */
async function readHolder(file: string): Promise<LockHolder | null | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  try {
    const holder = JSON.parse(text) as LockHolder;
    return Number.isInteger(holder.pid) && typeof holder.token === "string" ? holder : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the holder may still be running: only a pid that is gone on this machine is dead. */
function isAlive(holder: LockHolder): boolean {
  if (holder.hostname !== os.hostname()) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

/**
 * Remove a stale lock without removing a fresh one by mistake: another
 * process may have replaced it since it was read. The file is moved aside
 * (one atomic step), then checked; a lock that turns out not to be the
 * stale one is linked back.
 */
async function removeStale(file: string, stale: LockHolder, token: string): Promise<void> {
  const aside = `${file}.${token}.stale`;
  try {
    await rename(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  const moved = await readHolder(aside);
  if (moved && moved.token !== stale.token) await link(aside, file).catch(() => {});
  await unlink(aside);
}

async function releaseLock(file: string, token: string): Promise<void> {
  const holder = await readHolder(file).catch(() => undefined);
  if (holder && holder.token === token) await unlink(file).catch(() => {});
}
