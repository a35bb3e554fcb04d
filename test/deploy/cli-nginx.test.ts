import { afterEach, describe, expect, it } from "vitest";
import { makeProject, runCli } from "../helpers/project.js";

let project: Awaited<ReturnType<typeof makeProject>> | undefined;
afterEach(async () => {
  await project?.remove();
  project = undefined;
});

const run = (args: string[], cwd: string) => runCli(["nginx", ...args], cwd);

describe("stowage nginx", () => {
  it("prints a server block for the project's static and media folders", async () => {
    project = await makeProject({
      "stowage.config.json": JSON.stringify({ static: { root: "public", url: "/assets/" } }),
    });
    const result = await run(["--listen", "8080", "--server-name", "example.com"], project.dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("listen 8080;");
    expect(result.stdout).toContain("server_name example.com;");
    expect(result.stdout).toContain("location ^~ /assets/ {");
    expect(result.stdout).toContain(`alias ${project.path("public")}/;`);
    expect(result.stdout).toContain(`alias ${project.path("media")}/;`);
  });

  it("fails with exit 1 and names the key when a path would break the config", async () => {
    project = await makeProject({
      "stowage.config.json": JSON.stringify({ static: { root: "my public" } }),
    });
    const result = await run([], project.dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/static\.root .*my public.* characters nginx would misread/);
  });
});
