import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { S3Client } from "@aws-sdk/client-s3";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../../..");

export interface Service {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

function stopChild(child: ChildProcess, dir: string): () => Promise<void> {
  return async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
}

/** s3rver in a child process (with the legacy OpenSSL provider its pagination tokens need). */
export async function startS3rver(buckets: string[]): Promise<Service> {
  const dir = await mkdtemp(path.join(tmpdir(), "stowage-s3rver-"));
  const child = spawn(process.execPath, [path.join(here, "s3rver-child.mjs"), dir, ...buckets], {
    cwd: root,
    env: { ...process.env, NODE_OPTIONS: "--openssl-legacy-provider" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk) => {
      out += chunk;
      const line = out.split("\n")[0];
      if (out.includes("\n")) resolve(JSON.parse(line).port);
    });
    child.once("exit", (code) => reject(new Error(`s3rver exited with ${code}`)));
  });
  return { endpoint: `http://127.0.0.1:${port}`, port, stop: stopChild(child, dir) };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Azurite's blob service, in memory, on a free loopback port. */
export async function startAzurite(): Promise<Service> {
  const dir = await mkdtemp(path.join(tmpdir(), "stowage-azurite-"));
  const port = await freePort();
  const bin = path.join(root, "node_modules/.bin/azurite-blob");
  const child = spawn(
    bin,
    [
      "--blobHost",
      "127.0.0.1",
      "--blobPort",
      String(port),
      "--inMemoryPersistence",
      "--disableTelemetry",
      "--skipApiVersionCheck",
      "--silent",
    ],
    { cwd: dir, stdio: ["ignore", "ignore", "inherit"] },
  );
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`azurite exited with ${child.exitCode}`);
    const ok = await fetch(`http://127.0.0.1:${port}/devstoreaccount1?comp=list`).then(
      () => true,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error("azurite did not start within 20 s");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    endpoint: `http://127.0.0.1:${port}/devstoreaccount1`,
    port,
    stop: stopChild(child, dir),
  };
}

/** The well-known Azurite development account. */
export function azuriteConnectionString(endpoint: string): string {
  return [
    "DefaultEndpointsProtocol=http",
    "AccountName=devstoreaccount1",
    "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
    `BlobEndpoint=${endpoint};`,
  ].join(";");
}

/** An S3 client for s3rver: its fixed credentials, path-style URLs, and no streamed checksums (s3rver would store the aws-chunked framing). */
export function s3rverClient(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}
