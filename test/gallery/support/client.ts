// A small browser stand-in for HTTP tests: fetch with a cookie jar, no
// automatic redirects, and helpers for the gallery's forms.

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body when it is JSON. */
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies are checked field by field in tests.
  json: any;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: FormData | URLSearchParams | string;
  /** Send as a script would: `X-Requested-With` and `Accept: application/json`. */
  script?: boolean;
}

export class Client {
  private readonly cookies = new Map<string, string>();

  constructor(readonly base: string) {}

  async request(target: string, options: RequestOptions = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookies.size > 0) {
      headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    }
    if (options.script) {
      headers["x-requested-with"] = "XMLHttpRequest";
      headers.accept = "application/json";
    }
    const response = await fetch(new URL(target, this.base), {
      method: options.method ?? (options.body ? "POST" : "GET"),
      headers,
      body: options.body,
      redirect: "manual",
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair, ...attributes] = cookie.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((attribute) =>
        /^\s*expires=Thu, 01 Jan 1970/i.test(attribute),
      );
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await response.text();
    let json: unknown;
    if ((response.headers.get("content-type") ?? "").includes("application/json")) {
      json = JSON.parse(text);
    }
    return { status: response.status, headers: response.headers, text, json };
  }

  get(target: string, options: RequestOptions = {}): Promise<Reply> {
    return this.request(target, { ...options, method: "GET" });
  }

  post(
    target: string,
    body?: FormData | URLSearchParams,
    options: RequestOptions = {},
  ): Promise<Reply> {
    return this.request(target, {
      ...options,
      method: "POST",
      body: body ?? new URLSearchParams(),
    });
  }

  /** Signs in and checks that it worked. */
  async signIn(username: string, password: string): Promise<void> {
    const reply = await this.post("/login", new URLSearchParams({ username, password }));
    if (reply.status !== 303) throw new Error(`Sign-in as ${username} failed: ${reply.status}`);
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  setCookie(name: string, value: string): void {
    this.cookies.set(name, value);
  }
}

/** A multipart form: string fields and files given as bytes. */
export function form(
  fields: Record<string, string>,
  files: Record<string, { name: string; bytes: Uint8Array; type?: string }> = {},
): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, value);
  for (const [name, file] of Object.entries(files)) {
    data.append(
      name,
      new Blob([file.bytes as Uint8Array<ArrayBuffer>], {
        type: file.type ?? "application/octet-stream",
      }),
      file.name,
    );
  }
  return data;
}
