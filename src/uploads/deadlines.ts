import { UploadTimeoutError } from "./errors.js";

/**
 * The two clocks of one parse: `idleTimeout` restarts with every chunk,
 * `maxDuration` runs from the start whatever arrives. Either one expiring
 * hands `expire` a 408 `UploadTimeoutError`. Timers are unref'd: a parse
 * never keeps the process alive by itself.
 */
export class Deadlines {
  private idle: NodeJS.Timeout | undefined;
  private total: NodeJS.Timeout | undefined;

  constructor(
    private readonly limits: { idleTimeout: number; maxDuration: number },
    private readonly received: () => number,
    private readonly expire: (error: UploadTimeoutError) => void,
  ) {}

  start(): void {
    const { idleTimeout, maxDuration } = this.limits;
    if (Number.isFinite(idleTimeout)) {
      this.idle = setTimeout(
        () => this.expire(new UploadTimeoutError(idleTimeout, this.received())),
        idleTimeout,
      ).unref();
    }
    if (Number.isFinite(maxDuration)) {
      this.total = setTimeout(
        () => this.expire(new UploadTimeoutError(maxDuration, this.received(), "duration")),
        maxDuration,
      ).unref();
    }
  }

  /** Bytes arrived (or the disk caught up): the idle clock starts again. */
  touch(): void {
    this.idle?.refresh();
  }

  stop(): void {
    clearTimeout(this.idle);
    clearTimeout(this.total);
    this.idle = undefined;
    this.total = undefined;
  }
}
