/** What the backend is asked to allow for one browser upload. */
export interface PresignUploadOptions {
  /** Largest body the grant accepts, in bytes (enforced by the backend where it can). */
  maxSize: number;
  /** `Content-Type` the object is stored with; the grant requires the browser to send it. */
  contentType: string;
  /** Lifetime of the grant, in seconds: the upload must start before it ends. */
  expiresIn: number;
}

/**
 * What a browser needs to send one file straight to the backend: either a
 * form POST (`fields` first, then the file as `fileField`, as S3 and GCS
 * POST policies want) or a PUT of the raw bytes with `headers` (Azure SAS,
 * Stowage's own endpoint). Plain JSON, for the page.
 */
export type PresignedUpload =
  | {
      method: "POST";
      url: string;
      fields: Record<string, string>;
      /** Name of the form part that carries the file; it must come last. */
      fileField: string;
      /** Whether the backend itself refuses a body over `maxSize` (else only confirm does). */
      enforcesMaxSize: boolean;
    }
  | {
      method: "PUT";
      url: string;
      headers: Record<string, string>;
      enforcesMaxSize: boolean;
    };
