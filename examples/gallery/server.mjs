// Runs the gallery: `node examples/gallery/server.mjs` (after a collect;
// `npm start` does both). PORT picks the port (0: any free one).
import { closeGracefully } from "stowage/serve";
import { createGallery } from "./app.mjs";
import { DEMO_USERS } from "./lib/database.mjs";

const gallery = await createGallery();
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "127.0.0.1";
const server = gallery.app.listen(port, host, () => {
  const address = /** @type {import("node:net").AddressInfo} */ (server.address());
  console.log(`Stowage Gallery on http://${host}:${address.port}/ (Ctrl+C to stop)`);
  console.log(
    `Sign in as ${DEMO_USERS.map((user) => `${user.username} / ${user.password}${user.isAdmin ? " (admin)" : ""}`).join(" or ")}.`,
  );
});
server.on("error", (error) => {
  console.error(`Could not listen on ${host}:${port}: ${error.message}`);
  process.exit(1);
});
for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM"])) {
  process.once(signal, () => {
    closeGracefully(server)
      .then(() => gallery.close())
      .then(() => process.exit(0));
  });
}
