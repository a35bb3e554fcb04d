export {
  fileFromBytes,
  type ImageFileOptions,
  type ImageFormat,
  imageFile,
} from "./factories.js";
export {
  type TemporaryMedia,
  type TemporaryMediaOptions,
  temporaryMedia,
  withTemporaryMedia,
} from "./media.js";
export {
  type FieldPart,
  type FilePart,
  type FormPart,
  type MultipartBody,
  MultipartBuilder,
  multipartBody,
  urlencodedBody,
} from "./multipart.js";
