/**
 * Runs the README's browser block in Chromium: the page at `base` holds a
 * file input, a progress bar and the block as a module script (importing
 * the client from the app's static files). A JPEG chosen in the input must
 * end up stored with its bytes, the bar full and "stored as NAME" logged; a
 * file the field refuses must log the server's messages by field and store
 * nothing. Copied into the block's folder and imported from there; the
 * browser is launched by the function it is given.
 */
import type { Browser, ConsoleMessage } from "playwright-core";

export interface BrowserChecks {
  launch(): Promise<Browser>;
  /** The bytes of a small JPEG, chosen as `cat.jpg`. */
  jpeg: Uint8Array;
  /** The stored file's bytes, or undefined when there is none. */
  stored(name: string): Promise<Uint8Array | undefined>;
  /** Every name in the storage, to see that a refused file left nothing. */
  names(): Promise<string[]>;
}

function fail(message: string): never {
  throw new Error(`README browser check: ${message}`);
}

/** A console.log's arguments as JSON values. */
async function logged(message: ConsoleMessage): Promise<unknown[]> {
  return Promise.all(message.args().map((arg) => arg.jsonValue()));
}

export async function checkBrowserUpload(base: string, checks: BrowserChecks): Promise<void> {
  const browser = await checks.launch();
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    // Module scripts run before "load": the block's listener is in place after goto.
    await page.goto(`${base}/`);
    const input = page.locator("input[type=file]");
    const storedLog = page.waitForEvent("console", {
      predicate: (message) => message.text().startsWith("stored as"),
      timeout: 60_000,
    });
    await input.setInputFiles({
      name: "cat.jpg",
      mimeType: "image/jpeg",
      buffer: Buffer.from(checks.jpeg),
    });
    const [, name] = await logged(await storedLog);
    if (typeof name !== "string") fail(`the page logged "stored as" with ${String(name)}.`);
    const bytes = (await checks.stored(name)) ?? fail(`nothing is stored as ${name}.`);
    if (!Buffer.from(bytes).equals(Buffer.from(checks.jpeg))) {
      fail(`${name} does not hold the chosen file's bytes.`);
    }
    const progress = await page
      .locator("progress")
      .evaluate((bar: HTMLProgressElement) => bar.value);
    if (progress !== 1) fail(`the progress bar stopped at ${progress}, not 1.`);

    const before = await checks.names();
    const refusedLog = page.waitForEvent("console", {
      predicate: (message) => message.type() === "log" && !message.text().startsWith("stored as"),
      timeout: 60_000,
    });
    await input.setInputFiles({
      name: "notes.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("not a photo"),
    });
    const [errorsByField] = await logged(await refusedLog);
    const messages = (errorsByField as Record<string, unknown> | null)?.photo;
    if (!Array.isArray(messages) || typeof messages[0] !== "string" || messages[0] === "") {
      fail(`a .txt file logged ${JSON.stringify(errorsByField)}; expected { photo: ["..."] }.`);
    }
    if ((await checks.names()).join("\n") !== before.join("\n")) {
      fail("the refused file left something in the storage.");
    }
    if (errors.length > 0) fail(`the page threw: ${errors.join("; ")}`);
  } finally {
    await browser.close();
  }
}
