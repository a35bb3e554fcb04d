import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { DirectUploads, TusUploads } from "../../src/uploads/direct/index.js";
import { uploadErrorReply } from "../../src/uploads/index.js";

async function json(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(body));
}

/**
 * What an app adds for direct uploads: a prepare and a confirm route (here
 * for anyone; a real app checks who asks), the endpoint and tus mounted.
 * `extra` answers any other path first (a page, a static file).
 */
export async function startUploadApp(
  direct: DirectUploads,
  tus: TusUploads | undefined,
  extra?: (req: IncomingMessage, res: ServerResponse) => boolean,
): Promise<{ base: string; close(): Promise<void> }> {
  const endpoint = direct.nodeHandler();
  const server = createServer(async (req, res) => {
    try {
      if (extra?.(req, res)) return;
      if (req.method === "POST" && req.url === "/prepare") {
        return reply(res, 200, await direct.prepare(await json(req)));
      }
      if (req.method === "POST" && req.url === "/confirm") {
        const body = await json(req);
        const confirmed = await direct.confirm(body.ticket, { context: { user: 7 } });
        return reply(res, 200, confirmed);
      }
      if (tus && req.url?.startsWith(direct.options.tusPath?.replace(/\/$/, "") ?? "\0")) {
        return void tus.handle(req, res);
      }
      endpoint(req, res);
    } catch (error) {
      const answer = uploadErrorReply(error, { accept: "application/json" });
      reply(res, answer.status, answer.json ? answer.body : {});
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
