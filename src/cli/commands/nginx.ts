import { nginxOptionsFromConfig, renderNginxServer } from "../../deploy/nginx.js";
import type { Command } from "../command.js";

export const nginxCommand: Command = {
  name: "nginx",
  usage: `Usage: stowage nginx [options] > /etc/nginx/sites-available/site

Prints a server block serving static.url from static.root (precompressed
.br/.gz variants, hashed names cached for ten years, others 60 s, CORS,
nosniff, no dotfiles or precompressed siblings by their own URL) and, when
media is stored on the local filesystem, media.url from its folder.
nginx needs libnginx-mod-http-brotli-static for brotli_static.

Options:
  --listen VALUE        nginx listen value (default 80)
  --server-name NAME    nginx server_name (default _)
  --follow-links        Follow symlinks under the root (a collect --link root)
  --config PATH         Use this config file`,
  options: {
    listen: { type: "string" },
    "server-name": { type: "string" },
    "follow-links": { type: "boolean" },
  },
  async run(ctx) {
    const config = await ctx.config();
    const options = nginxOptionsFromConfig(config, {
      listen: ctx.values.listen as string | undefined,
      serverName: ctx.values["server-name"] as string | undefined,
      followLinks: ctx.values["follow-links"] === true,
    });
    ctx.stdout.write(renderNginxServer(options));
    return 0;
  },
};
