import type { CommandEntry } from "../command.js";

/** Every CLI command, in the order `stowage --help` lists them. */
export const commands: CommandEntry[] = [
  {
    name: "collect",
    summary:
      "Gather static files into static.root: hash, rewrite references, compress, write the manifest",
    load: async () => (await import("./collect.js")).collectCommand,
  },
  {
    name: "find",
    summary: "Show which source file serves a static path",
    load: async () => (await import("./find.js")).findCommand,
  },
  {
    name: "serve",
    summary: "Serve static.root (or, with --dev, the source folders) over HTTP",
    load: async () => (await import("./serve.js")).serveCommand,
  },
  {
    name: "nginx",
    summary: "Print an nginx server block whose headers match the middleware's",
    load: async () => (await import("./nginx.js")).nginxCommand,
  },
  {
    name: "cleanup",
    summary: "Delete stored media files that no record references (and their variants)",
    load: async () => (await import("./cleanup.js")).cleanupCommand,
  },
  {
    name: "check",
    summary: "Report configuration problems",
    load: async () => (await import("./check.js")).checkCommand,
  },
];
