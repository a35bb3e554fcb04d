/** One HTTP request with upload progress: XMLHttpRequest in a browser, fetch elsewhere. */

export interface SendOptions {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: Blob | FormData | null;
  /** Bytes of the body sent so far (XMLHttpRequest reports them as they go). */
  onProgress?: (sent: number) => void;
  signal?: AbortSignal;
}

export interface SendResult {
  status: number;
  headers: { get(name: string): string | null };
  text: string;
}

/** A network failure (connection lost, DNS, CORS): worth a retry, unlike an answer. */
export class NetworkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NetworkError";
  }
}

function abortError(): Error {
  return new DOMException("The upload was cancelled.", "AbortError");
}

function sendXhr(options: SendOptions): Promise<SendResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(options.method, options.url);
    for (const [name, value] of Object.entries(options.headers ?? {}))
      xhr.setRequestHeader(name, value);
    if (options.onProgress) {
      const report = options.onProgress;
      xhr.upload.onprogress = (event) => report(event.loaded);
    }
    const abort = () => xhr.abort();
    options.signal?.addEventListener("abort", abort, { once: true });
    const done = () => options.signal?.removeEventListener("abort", abort);
    xhr.onload = () => {
      done();
      resolve({
        status: xhr.status,
        headers: { get: (name) => xhr.getResponseHeader(name) },
        text: xhr.responseText,
      });
    };
    xhr.onerror = () => {
      done();
      reject(new NetworkError(`The connection failed during ${options.method} ${options.url}.`));
    };
    xhr.onabort = () => {
      done();
      reject(abortError());
    };
    xhr.send(options.body ?? null);
  });
}

async function sendFetch(options: SendOptions): Promise<SendResult> {
  let response: Response;
  try {
    response = await fetch(options.url, {
      method: options.method,
      headers: options.headers,
      body: options.body ?? null,
      signal: options.signal,
    });
  } catch (error) {
    if (options.signal?.aborted) throw abortError();
    throw new NetworkError(
      `The connection failed during ${options.method} ${options.url}: ${String(error)}`,
    );
  }
  const text = await response.text();
  if (options.body instanceof Blob) options.onProgress?.(options.body.size);
  return { status: response.status, headers: response.headers, text };
}

export function send(options: SendOptions): Promise<SendResult> {
  return typeof XMLHttpRequest === "function" ? sendXhr(options) : sendFetch(options);
}

/** Waits `ms`, or rejects at once when `signal` aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", stop);
      resolve();
    }, ms);
    const stop = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    signal?.addEventListener("abort", stop, { once: true });
  });
}
