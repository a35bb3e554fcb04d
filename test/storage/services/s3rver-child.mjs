// Runs s3rver on 127.0.0.1 on a free port and prints that port. A child
// process because s3rver's list pagination needs --openssl-legacy-provider.
import S3rver from "s3rver";

const [directory, ...buckets] = process.argv.slice(2);
const server = new S3rver({
  port: 0,
  address: "127.0.0.1",
  silent: true,
  directory,
  configureBuckets: buckets.map((name) => ({ name })),
});
const { port } = await server.run();
process.stdout.write(`${JSON.stringify({ port })}\n`);
process.on("SIGTERM", async () => {
  await server.close();
  process.exit(0);
});
