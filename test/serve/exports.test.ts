import { expect, it } from "vitest";
import * as serve from "../../src/serve/index.js";

it("exports one handler per kind of file and one adapter per framework from stowage/serve", () => {
  expect(Object.keys(serve).sort()).toEqual([
    "BodyLengthError",
    "CACHE_DEV",
    "CACHE_IMMUTABLE",
    "CACHE_PRIVATE",
    "CACHE_SHORT",
    "RequestRefusedError",
    "SendTimeoutError",
    "StaticFiles",
    "StaticRootError",
    "chooseEncoding",
    "closeGracefully",
    "combineHandlers",
    "contentTypeFor",
    "createMediaHandler",
    "createStandaloneServer",
    "createStaticFiles",
    "createVariantHandler",
    "fastifyPlugin",
    "fetchHandler",
    "formatLogLine",
    "isExecutableType",
    "mediaOptionsFromConfig",
    "nodeHandler",
    "parseAcceptEncoding",
    "parseRange",
    "staticOptionsFromConfig",
    "variantOptionsFromConfig",
  ]);
});
