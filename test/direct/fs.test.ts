import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import { createStorage } from "../../src/storage/index.js";
import { directUploadSuite } from "./suite.js";

const roots: string[] = [];
afterAll(async () => {
  for (const root of roots) await rm(root, { recursive: true, force: true });
});

directUploadSuite("local disk (Stowage's endpoint)", async () => {
  const root = await mkdtemp(path.join(tmpdir(), "stowage-direct-"));
  roots.push(root);
  return { storages: { default: createStorage({ driver: "fs", root }) }, storeEnforcesLimit: true };
});

directUploadSuite("memory (Stowage's endpoint)", async () => ({
  storages: { default: createStorage("memory://") },
  storeEnforcesLimit: true,
}));
