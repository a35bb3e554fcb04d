import { expect, it } from "vitest";
import * as serve from "../../src/serve/index.js";

it("exports the static serving API from stowage/serve", () => {
  // Media and image-variant exports live beside these; their owners list them.
  expect(Object.keys(serve)).toEqual(
    expect.arrayContaining([
      "CACHE_DEV",
      "CACHE_IMMUTABLE",
      "CACHE_SHORT",
      "StaticFiles",
      "StaticRootError",
      "chooseEncoding",
      "closeGracefully",
      "contentTypeFor",
      "createStaticFiles",
      "createStaticServer",
      "fetchHandler",
      "formatLogLine",
      "nodeHandler",
      "parseAcceptEncoding",
      "parseRange",
      "sendNodeResponse",
      "staticOptionsFromConfig",
      "stowageFastify",
      "toFetchResponse",
    ]),
  );
});
