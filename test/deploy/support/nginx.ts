/** Run the real nginx on loopback around a generated server block (tests and the serve benchmark). */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

const BROTLI_MODULE = "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so";
const MIME_TYPES = "/etc/nginx/mime.types";

/** Why nginx cannot run here, or `undefined` when it can. */
export function nginxMissing(): string | undefined {
  try {
    execFileSync("nginx", ["-v"], { stdio: "ignore" });
  } catch {
    return "nginx is not installed (apt-get install -y nginx libnginx-mod-http-brotli-static)";
  }
  if (!existsSync(BROTLI_MODULE)) {
    return "the nginx brotli static module is missing (apt-get install -y libnginx-mod-http-brotli-static)";
  }
  return undefined;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve();
      });
      socket.once("error", () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`nginx did not listen on ${port}`));
        else setTimeout(attempt, 25);
      });
    };
    attempt();
  });
}

export interface RunningNginx {
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Wrap `serverBlock` (which must `listen 127.0.0.1:<port>`) in a full config and start one nginx process. */
export async function startNginx(serverBlock: string, port: number): Promise<RunningNginx> {
  const dir = mkdtempSync(path.join(tmpdir(), "stowage-nginx-"));
  for (const temp of ["body", "proxy", "fastcgi", "uwsgi", "scgi"]) mkdirSync(path.join(dir, temp));
  const asRoot = process.getuid?.() === 0;
  const conf = [
    `load_module ${BROTLI_MODULE};`,
    asRoot ? "user root;" : "",
    "daemon off;",
    "master_process off;",
    "worker_processes 1;",
    `pid ${dir}/nginx.pid;`,
    `error_log ${dir}/error.log warn;`,
    "events { worker_connections 1024; }",
    "http {",
    `  include ${MIME_TYPES};`,
    "  default_type application/octet-stream;",
    "  access_log off;",
    "  sendfile on;",
    "  keepalive_requests 100000;",
    ...["body", "proxy", "fastcgi", "uwsgi", "scgi"].map(
      (temp) => `  ${temp === "body" ? "client_body" : temp}_temp_path ${dir}/${temp};`,
    ),
    serverBlock,
    "}",
  ].join("\n");
  const file = path.join(dir, "nginx.conf");
  writeFileSync(file, conf);
  const child = spawn("nginx", ["-p", dir, "-c", file, "-e", `${dir}/error.log`], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  try {
    await waitForPort(port, 5000);
  } catch (error) {
    child.kill("SIGKILL");
    const log = existsSync(`${dir}/error.log`) ? readFileSync(`${dir}/error.log`, "utf8") : "";
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${(error as Error).message}\n${stderr}\n${log}`);
  }
  return {
    port,
    process: child,
    stop: async () => {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGQUIT");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
