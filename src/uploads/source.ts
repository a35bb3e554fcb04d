import type { Readable } from "node:stream";

export interface SourceHandlers {
  data(chunk: Buffer): void;
  end(): void;
  /** The body broke off (client gone, stream error). */
  error(cause: unknown): void;
}

/** A request body the parser can pause, resume and let go of without destroying it. */
export interface BodySource {
  start(handlers: SourceHandlers): void;
  pause(): void;
  resume(): void;
  /** Stop delivering and drop listeners; the caller decides what happens to the connection. */
  stop(): void;
}

/**
 * A Node stream (an `IncomingMessage`) in flowing mode: the fastest way to
 * read a socket. Leaving it paused (not destroyed) lets the HTTP adapter
 * still answer with a 4xx before closing the connection.
 */
export function nodeSource(stream: Readable): BodySource {
  let handlers: SourceHandlers | undefined;
  let ended = false;
  // A socket gives Buffers; an object-mode stream (`Readable.from`, `Readable.fromWeb`) may
  // give plain Uint8Arrays, which the parser takes as Buffers over the same bytes.
  const onData = (chunk: Buffer | Uint8Array | string) => {
    if (typeof chunk === "string") handlers?.data(Buffer.from(chunk));
    else if (Buffer.isBuffer(chunk)) handlers?.data(chunk);
    else handlers?.data(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  };
  const onEnd = () => {
    ended = true;
    handlers?.end();
  };
  const onError = (error: unknown) => handlers?.error(error);
  const onAborted = () => handlers?.error(new Error("aborted"));
  const onClose = () => {
    if (!ended) handlers?.error(new Error("The request closed before its body ended."));
  };
  return {
    start(next) {
      handlers = next;
      if (stream.readableEnded) {
        // Someone (a body parser) read this body already: nothing will arrive.
        next.error(new Error("The request body was already read by another handler."));
        return;
      }
      if (stream.destroyed) {
        // The connection died before we started listening; its 'close' has come and gone.
        next.error(new Error("The request closed before its body was read."));
        return;
      }
      stream.on("data", onData);
      stream.on("end", onEnd);
      stream.on("error", onError);
      stream.on("aborted", onAborted);
      stream.on("close", onClose);
      stream.resume();
    },
    pause: () => stream.pause(),
    resume: () => stream.resume(),
    stop() {
      handlers = undefined;
      stream.pause();
      stream.off("data", onData);
      stream.off("end", onEnd);
      stream.off("aborted", onAborted);
      stream.off("close", onClose);
      // Keep an error listener: an unhandled 'error' on a dropped request would crash the process.
      stream.off("error", onError);
      stream.on("error", () => undefined);
    },
  };
}

/** A web `ReadableStream` (a fetch `Request` body), pulled only while not paused. */
export function webSource(stream: ReadableStream<Uint8Array>): BodySource {
  // Locked only when reading starts, so a body read by someone else can be reported first.
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let handlers: SourceHandlers | undefined;
  let paused = false;
  let pumping = false;
  const pump = async () => {
    if (pumping) return;
    pumping = true;
    try {
      while (handlers && !paused && reader) {
        const { done, value } = await reader.read();
        if (!handlers) break;
        if (done) {
          handlers.end();
          break;
        }
        handlers.data(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
      }
    } catch (error) {
      handlers?.error(error);
    } finally {
      pumping = false;
    }
  };
  return {
    start(next) {
      handlers = next;
      try {
        reader = stream.getReader();
      } catch (error) {
        next.error(error);
        return;
      }
      void pump();
    },
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
      void pump();
    },
    stop() {
      handlers = undefined;
      reader?.cancel().catch(() => undefined);
    },
  };
}
