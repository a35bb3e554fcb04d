// The demo site: a small node:http app that uses Stowage the way an app
// would, through its public exports only. Static files come from the
// collected root under hashed URLs; photos are uploaded with limits and
// validation, stored on local disk, given an eager thumbnail, and a large
// version made lazily on first request.
import { createServer } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "stowage";
import { deleteWithVariants, makeVariants, parseVariantName, variantName } from "stowage/images";
import {
  closeGracefully,
  combineHandlers,
  createMediaHandler,
  createStaticFiles,
  createVariantHandler,
  mediaOptionsFromConfig,
  nodeHandler,
  staticOptionsFromConfig,
  variantOptionsFromConfig,
} from "stowage/serve";
import { createStaticUrls } from "stowage/static";
import { createStoragesFromConfig } from "stowage/storage";
import {
  extensions,
  imageDimensions,
  MB,
  parseNodeUpload,
  realType,
  uploadErrorReply,
  uploadName,
} from "stowage/uploads";

const here = path.dirname(fileURLToPath(import.meta.url));
const config = await loadConfig({ file: path.join(here, "stowage.config.mjs") });
const storages = createStoragesFromConfig(config);
const media = storages.default;
const variants = config.images.variants;
const statics = createStaticUrls({ url: config.static.url, root: config.static.root });

const serveFiles = nodeHandler(
  combineHandlers(
    createStaticFiles(staticOptionsFromConfig(config)),
    createVariantHandler(variantOptionsFromConfig(config, media)),
    createMediaHandler(mediaOptionsFromConfig(config, storages)),
  ),
);

const uploadOptions = {
  maxFileSize: 10 * MB,
  maxFiles: 1,
  validators: {
    photo: [
      extensions(["jpg", "jpeg", "png", "webp", "gif"]),
      realType(["image/jpeg", "image/png", "image/webp", "image/gif"]),
      imageDimensions({ maxWidth: 12000, maxHeight: 12000, maxPixels: 60_000_000 }),
    ],
  },
};

const html = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function photos() {
  const names = [];
  for await (const entry of media.list("photos/")) {
    if (!parseVariantName(entry.name)) names.push(entry);
  }
  return names.sort((a, b) => b.lastModified - a.lastModified);
}

async function page(errors = {}) {
  statics.reload();
  const rows = statics
    .names()
    .map((name) => {
      const url = statics.url(name);
      return `<tr><td><code>${html(name)}</code></td><td><code>${html(url)}</code></td><td data-url="${html(url)}">-</td></tr>`;
    })
    .join("\n");
  const gallery = (await photos())
    .map(({ name }) => {
      const thumb = media.url(variantName(name, "thumb", variants.thumb));
      const large = media.url(variantName(name, "large", variants.large));
      return `<figure><a href="${html(large)}"><img src="${html(thumb)}" alt="${html(path.basename(name))}" width="300" height="300" loading="lazy"></a>
        <form method="post" action="/delete"><input type="hidden" name="name" value="${html(name)}"><button>Delete</button></form></figure>`;
    })
    .join("\n");
  const errorList = Object.entries(errors)
    .map(([field, messages]) => messages.map((m) => `<li>${html(field)}: ${html(m)}</li>`).join(""))
    .join("");
  const css = statics.url("css/site.css");
  const js = statics.url("js/app.js");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Stowage demo</title>
<link rel="stylesheet" href="${html(css)}" integrity="${html(statics.integrity("css/site.css"))}">
<script type="module" src="${html(js)}" integrity="${html(statics.integrity("js/app.js"))}"></script>
</head><body>
<header><div class="logo"></div><h1>Stowage demo</h1></header>
<main>
<p id="greeting">Static files below are served from the collected root with hashed names.</p>
<h2>Photos</h2>
<form class="upload" method="post" action="/upload" enctype="multipart/form-data">
  <input type="file" name="photo" accept="image/*" required> <button>Upload</button>
  ${errorList ? `<ul class="errors">${errorList}</ul>` : ""}
</form>
<div class="gallery">${gallery || "<p>No photos yet: upload one.</p>"}</div>
<h2>Static files</h2>
<table><thead><tr><th>file</th><th>URL</th><th>transferred</th></tr></thead><tbody>
${rows}
</tbody></table>
</main></body></html>`;
}

function send(res, status, body, headers = {}) {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", ...headers });
  res.end(body);
}

async function upload(req, res) {
  let result;
  try {
    result = await parseNodeUpload(req, res, uploadOptions);
    const file = result.file("photo");
    if (!file) return send(res, 400, await page({ photo: ["Choose a photo to upload."] }));
    const name = await file.saveTo(media, uploadName("photos/%Y/%m/{uuid}.{ext}", file.filename));
    await makeVariants(media, name, variants, { only: ["thumb"] });
    res.writeHead(303, { location: "/" });
    res.end();
  } catch (error) {
    const reply = uploadErrorReply(error, req.headers);
    if (reply.json) {
      send(res, reply.status, JSON.stringify(reply.body), { "content-type": "application/json" });
    } else {
      send(res, reply.status, await page(reply.errors));
    }
  } finally {
    await result?.cleanup();
  }
}

async function remove(req, res) {
  const result = await parseNodeUpload(req, res, { maxFiles: 0, maxFields: 5 });
  const name = result.fields.name;
  if (typeof name === "string" && name.startsWith("photos/")) await deleteWithVariants(media, name);
  res.writeHead(303, { location: "/" });
  res.end();
}

async function route(req, res) {
  const url = req.url ?? "/";
  if (url === "/" && (req.method === "GET" || req.method === "HEAD"))
    return send(res, 200, await page());
  if (url === "/upload" && req.method === "POST") return upload(req, res);
  if (url === "/delete" && req.method === "POST") return remove(req, res);
  serveFiles(req, res, () => send(res, 404, "Not found.", { "content-type": "text/plain" }));
}

const server = createServer((req, res) => {
  route(req, res).catch((error) => {
    console.error(error);
    if (!res.headersSent) send(res, 500, "Internal error.", { "content-type": "text/plain" });
    else res.destroy();
  });
});

const port = Number(process.env.PORT ?? 8000);
server.listen(port, "127.0.0.1", () => {
  console.log(`Stowage demo on http://127.0.0.1:${port}/ (Ctrl+C to stop)`);
});
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    closeGracefully(server).then(() => process.exit(0));
  });
}
