import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "./support/client.js";
import { createTestSite, repo, type TestSite } from "./support/gallery.js";

describe("npm start", () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await createTestSite();
  });
  afterAll(async () => {
    await site?.remove();
  });

  it("collects, creates the database with the demo accounts, and prints the address and sign-ins", async () => {
    // Everything it writes goes to the test's folder, not var/.
    const staticRoot = path.join(site.dir, "fresh-static");
    const database = path.join(site.dir, "fresh.db");
    const child = spawn(process.execPath, [path.join(repo, "scripts/start.mjs")], {
      cwd: repo,
      env: {
        ...process.env,
        ...site.env,
        STOWAGE_STATIC_ROOT: staticRoot,
        DATABASE_URL: `sqlite:${database}`,
        PORT: "0",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on("data", (chunk) => {
          output += chunk;
          const found =
            /Stowage Gallery on (http:\/\/127\.0\.0\.1:\d+)\/[\s\S]*Sign in as .*\n/.exec(output);
          if (found) resolve(found[1]);
        });
        child.once("exit", (code) =>
          reject(new Error(`npm start exited with ${code}:\n${output}`)),
        );
      });
      expect(output).toContain("> stowage collect");
      expect(output).toContain("Sign in as alice / wonderland (admin) or bob / builder.");
      expect(existsSync(path.join(staticRoot, "staticfiles.json"))).toBe(true);
      expect(existsSync(database)).toBe(true);

      const client = new Client(url);
      const login = await client.get("/login");
      expect(login.status).toBe(200);
      expect(login.text).toContain("<code>wonderland</code>");
      await client.signIn("alice", "wonderland");
      expect((await client.get("/photos")).status).toBe(200);
    } finally {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
  });

  it("has a configuration that stowage check finds no problem in", async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        path.join(repo, "dist/cli/bin.js"),
        "check",
        "--config",
        "examples/gallery/stowage.config.mjs",
      ],
      { cwd: repo, env: { ...process.env, ...site.env } },
    );
    expect(stdout).toContain("No problems found.");
  });
});
