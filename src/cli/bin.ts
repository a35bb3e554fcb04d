#!/usr/bin/env node
import { main } from "./main.js";

const controller = new AbortController();
let signals = 0;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    signals += 1;
    // A second signal means the user does not want to wait for a graceful stop.
    if (signals > 1) process.exit(130);
    controller.abort(signal);
  });
}

main(process.argv.slice(2), { signal: controller.signal }).then((code) => {
  process.exitCode = code;
});
