// Uploads that never finish: a client that sends part of a body and then
// drops the connection, as a closed laptop or a lost network does.
import { once } from "node:events";
import { connect } from "node:net";

/** Polls `condition` until it holds; fails naming `what` after `timeoutMs`. */
export async function waitFor(
  condition: () => Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Gave up waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export interface CutOffRequest {
  method?: string;
  /** Absolute URL of the target. */
  url: string;
  headers?: Record<string, string>;
  /** The whole body: its full length is declared, only `sendBytes` of it sent. */
  body: FormData | Uint8Array;
  sendBytes: number;
  /** Resolves once the server is seen working on the part sent; then the connection is cut. */
  cutWhen: () => Promise<void>;
}

/**
 * Sends a request whose body stops after `sendBytes`, waits for `cutWhen`,
 * then destroys the socket. Throws if the server answered before the cut
 * (then the body was refused, not cut off, and the test proves nothing).
 */
export async function sendCutOff(request: CutOffRequest): Promise<void> {
  const url = new URL(request.url);
  const headers: Record<string, string> = { ...request.headers };
  let bytes: Buffer;
  if (request.body instanceof FormData) {
    const encoded = new Request(url, { method: "POST", body: request.body });
    bytes = Buffer.from(await encoded.arrayBuffer());
    headers["content-type"] = encoded.headers.get("content-type")!;
  } else {
    bytes = Buffer.from(request.body);
  }
  if (request.sendBytes >= bytes.length) throw new Error("sendBytes must be less than the body.");
  const socket = connect(Number(url.port), url.hostname);
  try {
    await once(socket, "connect");
    let answer = "";
    socket.on("data", (chunk) => {
      answer += chunk;
    });
    const head = [
      `${request.method ?? "POST"} ${url.pathname}${url.search} HTTP/1.1`,
      `Host: ${url.host}`,
      `Content-Length: ${bytes.length}`,
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    ];
    socket.write(`${head.join("\r\n")}\r\n\r\n`);
    socket.write(bytes.subarray(0, request.sendBytes));
    await request.cutWhen();
    if (answer) throw new Error(`The server answered before the cut:\n${answer.slice(0, 500)}`);
  } finally {
    socket.destroy();
  }
}
