import { describe, expect, it } from "vitest";
import type { Storage } from "../../src/storage/types.js";
import type { DirectUploads } from "../../src/uploads/direct/index.js";
import {
  directFor,
  exeBytes,
  formUploadError,
  pdfBytes,
  pngBytes,
  sendUpload,
  sha256,
  startApp,
} from "./support.js";

export interface SuiteTarget {
  storages: Record<string, Storage> & { default: Storage };
  /** Whether the store itself refuses a body over the grant's limit (s3rver and Azure do not). */
  storeEnforcesLimit: boolean;
}

async function names(storage: Storage, prefix: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of storage.list(prefix)) found.push(entry.name);
  return found.filter((name) => !name.includes("/claims/"));
}

async function refusal(
  promise: Promise<unknown>,
): Promise<Error & { code: string; status: number; rule?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code: string; status: number };
  }
  throw new Error("expected a refusal");
}

/**
 * The same browser-to-storage journey on every storage: what goes through
 * is checked at confirm with a form upload's rules, what is refused leaves
 * nothing behind.
 */
export function directUploadSuite(label: string, setup: () => Promise<SuiteTarget>): void {
  describe(`direct uploads on ${label}`, () => {
    const open = async () => {
      const target = await setup();
      const direct = directFor(target.storages);
      const app = await startApp(direct);
      return { ...target, storage: target.storages.default, direct, app };
    };
    const upload = async (
      direct: DirectUploads,
      base: string,
      field: string,
      filename: string,
      bytes: Buffer,
      extra: object = {},
      owner?: string,
    ) => {
      const prepared = await direct.prepare(
        { field, filename, size: bytes.length, ...extra },
        { owner },
      );
      const response = await sendUpload(prepared, bytes, base, filename);
      return { prepared, response };
    };

    it("uploads a document straight to storage and confirms it under its final name", async () => {
      const { storage, direct, app } = await open();
      try {
        const bytes = pdfBytes();
        const { prepared, response } = await upload(
          direct,
          app.base,
          "document",
          "Report 2024.pdf",
          bytes,
        );
        expect(response.ok, await response.clone().text()).toBe(true);
        const confirmed = await direct.confirm(prepared.ticket);
        expect(confirmed).toMatchObject({
          field: "document",
          storage: "default",
          filename: "Report 2024.pdf",
          size: bytes.length,
          type: "application/pdf",
        });
        expect(confirmed.name).toMatch(/^documents\/[0-9a-f-]{36}\.pdf$/);
        expect(sha256(await storage.read(confirmed.name))).toBe(sha256(bytes));
        expect(await names(storage, "_pending/")).toEqual([]);
      } finally {
        await app.close();
      }
    });

    it("confirms a photo with its dimensions, named with the app's context, through a unit of work's storage", async () => {
      const { storage, direct, app } = await open();
      try {
        const bytes = await pngBytes(320, 200);
        const { prepared, response } = await upload(
          direct,
          app.base,
          "photo",
          "cat.png",
          bytes,
          {},
          "42",
        );
        expect(response.ok).toBe(true);
        const tracked: string[] = [];
        const unit = {
          storage: (): Storage => ({
            ...storage,
            copy: async (from: string, to: string, options?: { overwrite?: boolean }) => {
              const name = await storage.copy(from, to, options);
              tracked.push(name);
              return name;
            },
          }),
        };
        const confirmed = await direct.confirm(prepared.ticket, {
          owner: "42",
          context: { user: 42 },
          unit,
        });
        expect(confirmed.image).toEqual({ width: 320, height: 200 });
        expect(confirmed.name).toMatch(/^photos\/42\/[0-9a-f-]{36}\.png$/);
        expect(tracked).toEqual([confirmed.name]);
      } finally {
        await app.close();
      }
    });

    it("refuses a declared size over the limit before anything is sent, with a form upload's message", async () => {
      const { direct, app } = await open();
      try {
        const error = await refusal(
          direct.prepare({ field: "document", filename: "big.pdf", size: 1.5 * 1024 * 1024 }),
        );
        expect(error).toMatchObject({
          code: "E_LIMIT_FILE_SIZE",
          status: 413,
          message: 'File size (field "document") must be under 1 MB. Your file is 1.50 MB.',
        });
      } finally {
        await app.close();
      }
    });

    it("refuses a file larger than it declared: by the store where it enforces the grant, and at confirm everywhere", async () => {
      const { storage, direct, app, storeEnforcesLimit } = await open();
      try {
        const bytes = pdfBytes(1.5 * 1024 * 1024);
        const prepared = await direct.prepare({
          field: "document",
          filename: "liar.pdf",
          size: 1000,
        });
        const response = await sendUpload(prepared, bytes, app.base, "liar.pdf");
        if (storeEnforcesLimit) {
          expect(response.status).toBe(413);
          expect(await response.json()).toEqual({
            success: false,
            errors: {
              document: ['File size (field "document") must be under 1 MB. Your file is 1.50 MB.'],
            },
          });
        } else {
          expect(response.ok).toBe(true);
        }
        const error = await refusal(direct.confirm(prepared.ticket));
        if (storeEnforcesLimit) expect(error.code).toBe("E_UPLOAD_MISSING");
        else
          expect(error).toMatchObject({
            code: "E_LIMIT_FILE_SIZE",
            status: 413,
            message: 'File size (field "document") must be under 1 MB. Your file is 1.50 MB.',
          });
        expect(await names(storage, "")).toEqual([]);
      } finally {
        await app.close();
      }
    });

    it("refuses an .exe renamed .pdf at confirm and deletes it at once", async () => {
      const { storage, direct, app } = await open();
      try {
        const { prepared, response } = await upload(
          direct,
          app.base,
          "document",
          "invoice.pdf",
          exeBytes(),
        );
        expect(response.ok).toBe(true);
        const error = await refusal(direct.confirm(prepared.ticket));
        expect(error).toMatchObject({ code: "E_VALIDATION", status: 400, rule: "realType" });
        expect(error.message).toBe(
          'File type .exe is not allowed as a .pdf file: "invoice.pdf" contains a .exe file (application/x-msdownload). Upload it with its real extension, or the right file.',
        );
        // Word for word what a form upload of the same file to the same field answers.
        const form = await formUploadError(direct, "document", "invoice.pdf", exeBytes());
        expect({ code: error.code, status: error.status, message: error.message }).toEqual(form);
        expect(await names(storage, "")).toEqual([]);
      } finally {
        await app.close();
      }
    });

    it("refuses a photo wider than the field allows, read from its header, and deletes it", async () => {
      const { storage, direct, app } = await open();
      try {
        const { prepared } = await upload(
          direct,
          app.base,
          "photo",
          "wide.png",
          await pngBytes(900, 100),
        );
        const error = await refusal(direct.confirm(prepared.ticket, { context: { user: 1 } }));
        const form = await formUploadError(direct, "photo", "wide.png", await pngBytes(900, 100));
        expect({ code: error.code, status: error.status, message: error.message }).toEqual(form);
        expect(error).toMatchObject({
          code: "E_VALIDATION",
          rule: "imageDimensions",
          message: "Image width must be at most 400 px. Your image is 900×100.",
        });
        expect(await names(storage, "")).toEqual([]);
      } finally {
        await app.close();
      }
    });

    it("checks the checksum the client declared: a match is kept, a mismatch deleted", async () => {
      const { storage, direct, app } = await open();
      try {
        const bytes = pdfBytes();
        const good = await upload(direct, app.base, "document", "a.pdf", bytes, {
          sha256: sha256(bytes),
        });
        expect((await direct.confirm(good.prepared.ticket)).sha256).toBe(sha256(bytes));
        const bad = await upload(direct, app.base, "document", "b.pdf", bytes, {
          sha256: sha256(Buffer.from("other")),
        });
        const error = await refusal(direct.confirm(bad.prepared.ticket));
        expect(error).toMatchObject({ code: "E_CHECKSUM", status: 400 });
        expect(await names(storage, "")).toHaveLength(1);
      } finally {
        await app.close();
      }
    });

    it("refuses a changed ticket, another user's ticket, and a second confirm", async () => {
      const { direct, app } = await open();
      try {
        const { prepared } = await upload(
          direct,
          app.base,
          "document",
          "a.pdf",
          pdfBytes(),
          {},
          "alice",
        );
        const [payload, signature] = prepared.ticket.split(".");
        const changed = `${payload.slice(0, -2)}AA.${signature}`;
        expect((await refusal(direct.confirm(changed, { owner: "alice" }))).code).toBe(
          "E_TICKET_INVALID",
        );
        expect((await refusal(direct.confirm(prepared.ticket, { owner: "mallory" }))).code).toBe(
          "E_TICKET_OWNER",
        );
        await direct.confirm(prepared.ticket, { owner: "alice" });
        expect((await refusal(direct.confirm(prepared.ticket, { owner: "alice" }))).code).toBe(
          "E_UPLOAD_MISSING",
        );
      } finally {
        await app.close();
      }
    });
  });
}
