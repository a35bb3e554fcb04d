/**
 * What the cloud drivers (s3, azure, gcs) share: names stored under a
 * `location` prefix, and public URLs on a custom domain.
 */

/** Names to keys under `location` and back; slashes around the location are dropped. */
export function locationKeys(location: string | undefined): {
  toKey(name: string): string;
  fromKey(key: string): string;
} {
  const prefix = (location ?? "").replace(/^\/+|\/+$/g, "");
  if (prefix === "") return { toKey: (name) => name, fromKey: (key) => key };
  return {
    toKey: (name) => `${prefix}/${name}`,
    fromKey: (key) => key.slice(prefix.length + 1),
  };
}

/**
 * The public URL of an encoded `key` on `domain`: a bare host
 * (`cdn.example.com`) is served over https, a URL (`https://host/path`) is
 * taken as it is.
 */
export function customDomainUrl(domain: string, key: string): string {
  const base = domain.includes("://") ? domain : `https://${domain}`;
  return `${base.replace(/\/+$/, "")}/${key}`;
}
