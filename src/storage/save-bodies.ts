/**
 * The bodies one save hands its driver, one per attempt: bytes in hand as
 * one Buffer to drivers that write it in one call, a file on disk as its
 * path to drivers that take it over, everything else as a fresh stream.
 * What a save opened is closed when it ends, whatever the driver did.
 */
import { Readable } from "node:stream";
import {
  type DriverBody,
  isReplayable,
  openLocalFile,
  type StorageDriver,
  toBody,
  toReadable,
} from "./driver.js";
import type { LocalFileContent, StorageContent } from "./types.js";

export class SaveBodies {
  /** Streams of local files this save opened. */
  private readonly opened: Readable[] = [];
  /** Streams an abort of the save must destroy. */
  private readonly watched: Readable[] = [];
  private readonly onAbort = () => {
    for (const stream of this.watched) stream.destroy(this.signal?.reason);
  };

  constructor(
    private readonly driver: StorageDriver,
    private readonly content: StorageContent,
    private readonly local: LocalFileContent | undefined,
    private readonly signal: AbortSignal | undefined,
  ) {
    signal?.addEventListener("abort", this.onAbort, { once: true });
  }

  /** Whether a body that went to a name the save lost can be made again for the next one. */
  get replayable(): boolean {
    return isReplayable(this.content);
  }

  /** A fresh body of the content. */
  async next(): Promise<DriverBody> {
    if (!this.local) {
      return this.watch(this.driver.acceptsBytes ? toBody(this.content) : toReadable(this.content));
    }
    if (this.driver.acceptsLocalFiles) return this.local;
    const stream = await openLocalFile(this.local);
    this.opened.push(stream);
    return this.watch(stream);
  }

  /** The save is over: let go of its signal and close what it opened. */
  dispose(): void {
    // A long-lived signal shared by many saves must not keep this one's streams alive.
    this.signal?.removeEventListener("abort", this.onAbort);
    // A driver that failed before reading a file's stream would otherwise keep its descriptor.
    for (const stream of this.opened) stream.destroy();
  }

  private watch(body: DriverBody): DriverBody {
    // An aborted save destroys its stream, so no driver waits on a source that stalls.
    if (this.signal && body instanceof Readable) this.watched.push(body);
    return body;
  }
}

/** A stream body no byte has been read from: a refused write can send it elsewhere. */
export function isUnread(body: DriverBody): boolean {
  return body instanceof Readable && !body.readableDidRead && !body.destroyed;
}
