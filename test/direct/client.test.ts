import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type UploadProgress, UploadRefusedError, uploadFile } from "../../src/client/index.js";
import { createStorage } from "../../src/storage/index.js";
import type { Storage } from "../../src/storage/types.js";
import type { DirectUploads } from "../../src/uploads/direct/index.js";
import { startUploadApp } from "./app.js";
import { directFor, exeBytes, pdfBytes, sha256 } from "./support.js";

// Node has no XMLHttpRequest: the module sends with fetch here (progress at the end of each
// request); the browser test covers XMLHttpRequest and its progress events.
let base: string;
let storage: Storage;
let direct: DirectUploads;
let app: Awaited<ReturnType<typeof startUploadApp>>;
let patches = 0;
let cutPatch = 0;

beforeEach(async () => {
  base = await mkdtemp(path.join(tmpdir(), "stowage-client-"));
  storage = createStorage({ driver: "fs", root: path.join(base, "media") });
  direct = directFor({ default: storage }, { tusPath: "/uploads/tus/" });
  const tus = await direct.tus({ directory: path.join(base, "tus") });
  patches = 0;
  cutPatch = 0;
  app = await startUploadApp(direct, tus, (req) => {
    if (req.method !== "PATCH") return false;
    patches += 1;
    if (patches !== cutPatch) return false;
    // The network drops in the middle of this chunk.
    req.once("data", () => req.socket.destroy());
    return true;
  });
});
afterEach(async () => {
  await app.close();
  await rm(base, { recursive: true, force: true });
});

function pdfFile(size: number, name = "report.pdf"): File {
  const bytes = randomBytes(size);
  pdfBytes(64).copy(bytes);
  return new File([bytes], name, { type: "application/pdf", lastModified: 1 });
}

const routes = () => ({
  field: "document",
  prepare: `${app.base}/prepare`,
  confirm: `${app.base}/confirm`,
  retryDelay: 10,
});

describe("stowage/client", () => {
  it("uploads directly and returns the confirm route's answer", async () => {
    const file = pdfFile(200 * 1024);
    const phases: string[] = [];
    const confirmed = (await uploadFile(file, {
      ...routes(),
      method: "direct",
      checksum: true,
      onProgress: (progress) => phases.push(progress.phase),
    })) as { name: string; sha256: string };
    const bytes = Buffer.from(await file.arrayBuffer());
    expect(confirmed.sha256).toBe(sha256(bytes));
    expect((await storage.read(confirmed.name)).equals(bytes)).toBe(true);
    expect(phases[0]).toBe("prepare");
    expect(phases.at(-1)).toBe("confirm");
  });

  it("resumes a tus upload after the connection drops mid-chunk, sending each stored byte once", async () => {
    cutPatch = 2;
    const file = pdfFile(900 * 1024);
    const progress: UploadProgress[] = [];
    const confirmed = (await uploadFile(file, {
      ...routes(),
      method: "tus",
      chunkSize: 256 * 1024,
      onProgress: (each) => progress.push(each),
    })) as { name: string };
    expect(sha256(await storage.read(confirmed.name))).toBe(
      sha256(Buffer.from(await file.arrayBuffer())),
    );
    // Four chunks and the one retried.
    expect(patches).toBe(5);
    const uploaded = progress.filter((each) => each.phase === "upload").map((each) => each.loaded);
    expect(uploaded.at(-1)).toBe(file.size);
  });

  it("rejects with the server's messages by field when confirm refuses the file", async () => {
    const file = new File([new Uint8Array(exeBytes())], "invoice.pdf");
    const error = (await uploadFile(file, { ...routes(), method: "direct" }).catch(
      (caught: unknown) => caught,
    )) as UploadRefusedError;
    expect(error).toBeInstanceOf(UploadRefusedError);
    expect(error.status).toBe(400);
    expect(error.errors).toEqual({
      document: [
        'File type .exe is not allowed as a .pdf file: "invoice.pdf" contains a .exe file (application/x-msdownload). Upload it with its real extension, or the right file.',
      ],
    });
  });

  it("rejects before sending a byte when the file is over the limit", async () => {
    const error = (await uploadFile(pdfFile(1.5 * 1024 * 1024), {
      ...routes(),
      method: "tus",
    }).catch((caught: unknown) => caught)) as UploadRefusedError;
    expect(error).toBeInstanceOf(UploadRefusedError);
    expect(error.status).toBe(413);
    expect(error.message).toBe(
      'File size (field "document") must be under 1 MB. Your file is 1.50 MB.',
    );
    expect(patches).toBe(0);
  });
});
