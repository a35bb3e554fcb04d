// The gallery in a real browser, the way a person uses it. One browser and
// one app for the whole file; the steps build on each other in order.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exe, pdf, picture } from "../gallery/support/files.js";
import {
  createTestSite,
  filesUnder,
  type RunningGallery,
  startGallery,
  type TestSite,
} from "../gallery/support/gallery.js";
import { chromiumAvailable, launchChromium, screenshot } from "./support/browser.js";

const MB = 1024 * 1024;

describe.skipIf(!chromiumAvailable())("the gallery in Chromium", () => {
  let site: TestSite;
  let running: RunningGallery;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  const media = () => filesUnder(path.join(site.dir, "media"));
  /** Large files go to the browser by path: much faster than through the protocol. */
  async function onDisk(name: string, bytes: Buffer) {
    const file = path.join(site.dir, "uploads", name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, bytes);
    return file;
  }
  /** The avatar image once a new one (not `previous`) has loaded. */
  async function avatarAfter(previous: string | null) {
    await page.waitForFunction((old) => {
      const image = document.querySelector(".avatar-large") as HTMLImageElement | null;
      return (
        image !== null &&
        image.getAttribute("src") !== old &&
        image.complete &&
        image.naturalWidth > 0
      );
    }, previous);
    return page.evaluate(() => {
      const image = document.querySelector(".avatar-large") as HTMLImageElement;
      return {
        src: image.getAttribute("src")!,
        width: image.naturalWidth,
        height: image.naturalHeight,
      };
    });
  }
  const url = (target: string) => new URL(target, running.url).href;

  beforeAll(async () => {
    site = await createTestSite();
    running = await startGallery(site.env);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    page = await context.newPage();
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("console", (message) => {
      // The browser logs each refused upload's and refused link's 4xx; anything else is a problem.
      if (message.type() === "error" && !/status of 4(00|03|13)/.test(message.text())) {
        problems.push(`console: ${message.text()}`);
      }
    });
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    await site?.remove();
  });

  it("signs in with a demo account from the sign-in page", async () => {
    await page.goto(url("/documents"));
    expect(new URL(page.url()).pathname).toBe("/login");
    await expect.poll(() => page.locator(".demo-accounts").textContent()).toContain("wonderland");
    await screenshot(page, "01-sign-in");
    await page.fill("#id-username", "alice");
    await page.fill("#id-password", "wonderland");
    await Promise.all([
      page.waitForURL(url("/documents")),
      page.click("form[action='/login'] button"),
    ]);
    await expect.poll(() => page.locator(".me-link").textContent()).toContain("alice");
  });

  it("uploads a document with a progress bar and shows the new row", async () => {
    await page.fill("#id-title", "Annual report");
    await page.selectOption("#id-document_type", "pdf");
    await page.setInputFiles("#id-file", await onDisk("annual-report.pdf", pdf(6 * MB)));
    // Record what the bar shows while the file goes up; sessionStorage outlives the redirect.
    await page.evaluate(() => {
      const seen: string[] = [];
      const box = document.querySelector(".upload-form .progress") as HTMLElement;
      new MutationObserver(() => {
        if (box.hidden) return;
        seen.push(box.querySelector(".progress-text")!.textContent!);
        sessionStorage.setItem("progressSeen", JSON.stringify(seen));
      }).observe(box, { attributes: true, childList: true, subtree: true, characterData: true });
    });
    await Promise.all([
      page.waitForResponse((response) => response.url().endsWith("/documents/upload")),
      page.click(".upload-form button[type=submit]"),
    ]);
    await page.waitForURL(url("/documents"));
    await page.locator(".flash.success").waitFor();
    const seen: string[] = JSON.parse(
      (await page.evaluate(() => sessionStorage.getItem("progressSeen"))) ?? "[]",
    );
    expect(seen[0]).toBe("0%");
    expect(seen.at(-1)).toBe("Saving…");
    const row = page.locator("tr[data-document-id]", { hasText: "Annual report" });
    await row.waitFor();
    expect(await row.locator(".num").textContent()).toBe("6 MB");
    expect(await page.locator(".flash.success").textContent()).toContain(
      "“Annual report” is uploaded.",
    );
    await screenshot(page, "02-documents");
  });

  it("refuses an 11 MB file and an .exe renamed .pdf beside the field, keeping the title", async () => {
    await page.fill("#id-title", "Scanned contract");
    await page.selectOption("#id-document_type", "pdf");
    await page.setInputFiles("#id-file", await onDisk("contract.pdf", pdf(11 * MB)));
    await page.click(".upload-form button[type=submit]");
    const fileErrors = page.locator('.field[data-field="file"] .field-errors li');
    await expect
      .poll(() => fileErrors.textContent())
      .toBe("File size must be under 10MB. Your file is 11.00MB.");
    expect(await page.inputValue("#id-title")).toBe("Scanned contract");
    expect(await page.locator('.field[data-field="file"]').getAttribute("class")).toContain(
      "invalid",
    );

    await page.setInputFiles("#id-file", {
      name: "invoice.pdf",
      mimeType: "application/pdf",
      buffer: exe(),
    });
    await page.click(".upload-form button[type=submit]");
    await expect
      .poll(() => fileErrors.textContent())
      .toBe("File type .exe is not allowed. Allowed types: .pdf, .doc, .docx, .txt, .jpg, .png.");
    expect(await page.inputValue("#id-title")).toBe("Scanned contract");
    await screenshot(page, "03-documents-refused");
    expect(
      (await media()).filter((name) => name.includes("contract") || name.includes("invoice")),
    ).toEqual([]);
  });

  it("works without JavaScript: the form posts, redirects and says so", async () => {
    const plain = await browser.newContext({
      javaScriptEnabled: false,
      storageState: await context.storageState(),
    });
    try {
      const noScript = await plain.newPage();
      await noScript.goto(url("/documents"));
      await noScript.fill("#id-title", "Plain form");
      await noScript.selectOption("#id-document_type", "other");
      await noScript.setInputFiles("#id-file", {
        name: "plain.txt",
        mimeType: "text/plain",
        buffer: Buffer.from("plain\n"),
      });
      await Promise.all([
        noScript.waitForURL(url("/documents")),
        noScript.click(".upload-form button[type=submit]"),
      ]);
      expect(await noScript.locator(".flash.success").textContent()).toContain(
        "“Plain form” is uploaded.",
      );
      await noScript.fill("#id-title", "Plain refusal");
      await noScript.setInputFiles("#id-file", {
        name: "setup.pdf",
        mimeType: "application/pdf",
        buffer: exe(),
      });
      await noScript.click(".upload-form button[type=submit]");
      await noScript.waitForLoadState();
      expect(
        await noScript.locator('.field[data-field="file"] .field-errors li').textContent(),
      ).toMatch(/^File type \.exe is not allowed\./);
      expect(await noScript.inputValue("#id-title")).toBe("Plain refusal");
    } finally {
      await plain.close();
    }
  });

  it("uploads an avatar, shows it resized, and deletes the old file when it is replaced", async () => {
    await page.goto(url("/profile"));
    expect(await page.getAttribute(".avatar-large", "data-default")).toBe("true");
    const defaultSrc = await page.getAttribute(".avatar-large", "src");
    await page.setInputFiles("#id-avatar", {
      name: "me.jpg",
      mimeType: "image/jpeg",
      buffer: await picture(1600, 1200, { hue: 200 }),
    });
    await page.click(".upload-form button[type=submit]");
    const uploaded = await avatarAfter(defaultSrc);
    expect([uploaded.width, uploaded.height]).toEqual([400, 400]);
    const first = (await media()).filter((name) => name.startsWith("avatars/"));
    expect(first).toHaveLength(2);
    await screenshot(page, "04-profile");

    await page.setInputFiles("#id-avatar", {
      name: "me2.png",
      mimeType: "image/png",
      buffer: await picture(900, 900, { format: "png", hue: 20 }),
    });
    await page.click(".upload-form button[type=submit]");
    const replaced = await avatarAfter(uploaded.src);
    const second = (await media()).filter((name) => name.startsWith("avatars/"));
    expect(second).toHaveLength(2);
    for (const old of first) expect(second).not.toContain(old);
    expect(second).toContain(replaced.src.replace(/^\/media\//, ""));
  });

  it("uploads a photo, shows its thumbnail, opens it, and deletes it with its files", async () => {
    await page.goto(url("/photos"));
    for (const [title, hue] of [
      ["Lake in the morning", 190],
      ["Autumn hills", 25],
      ["Night market", 280],
    ] as const) {
      await page.fill("#id-title", title);
      await page.setInputFiles("#id-image", {
        name: "photo.jpg",
        mimeType: "image/jpeg",
        buffer: await picture(2400, 1600, { hue }),
      });
      await Promise.all([
        page.waitForURL(url("/photos")),
        page.click(".upload-form button[type=submit]"),
      ]);
    }
    const tile = page.locator(".photo-tile", { hasText: "Night market" });
    await tile.waitFor();
    await tile
      .locator("img")
      .evaluate((image: HTMLImageElement) =>
        image.complete && image.naturalWidth > 0
          ? undefined
          : new Promise((resolve) => image.addEventListener("load", resolve)),
      );
    const thumb = await tile.locator("img").evaluate((image: HTMLImageElement) => ({
      width: image.naturalWidth,
      height: image.naturalHeight,
      src: image.currentSrc,
      loading: image.loading,
    }));
    expect(thumb.width).toBe(thumb.height);
    expect([300, 600]).toContain(thumb.width);
    expect(thumb.src).toMatch(/\.thumb(2x)?-[0-9a-f]{8}\.webp$/);
    expect(thumb.loading).toBe("lazy");
    await screenshot(page, "05-photos");

    await Promise.all([page.waitForURL(/\/photos\/\d+$/), tile.click()]);
    await page.waitForFunction(
      () => (document.querySelector(".photo-large") as HTMLImageElement).complete,
    );
    const stored = (await page.getAttribute(".photo-large", "src"))!.replace(/^\/media\//, "");
    expect((await media()).filter((name) => name.startsWith(stored))).toHaveLength(4);
    await screenshot(page, "06-photo");

    page.once("dialog", (dialog) => void dialog.accept());
    await Promise.all([page.waitForURL(url("/photos")), page.click(".photo-info button.danger")]);
    expect(await page.locator(".photo-tile", { hasText: "Night market" }).count()).toBe(0);
    expect((await media()).filter((name) => name.startsWith(stored))).toEqual([]);
  });

  it("opens a private document through its signed link, and shows the 403 page for a tampered one", async () => {
    await page.goto(url("/private"));
    await page.fill("#id-title", "Tenancy agreement");
    await page.setInputFiles("#id-file", {
      name: "tenancy.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("Rent is due on the first.\n"),
    });
    await Promise.all([
      page.waitForURL(/\/private\/\d+$/),
      page.click(".upload-form button[type=submit]"),
    ]);
    await screenshot(page, "07-private-document");
    const link = (await page.getAttribute("#download-link", "href"))!;
    expect(link).toMatch(/signature=/);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.click("#download-link"),
    ]);
    expect(download.suggestedFilename()).toBe("tenancy.txt");
    expect(await download.failure()).toBeNull();

    const tampered = new URL(link, running.url);
    const signature = tampered.searchParams.get("signature")!;
    tampered.searchParams.set("signature", (signature[0] === "A" ? "B" : "A") + signature.slice(1));
    const response = await page.goto(tampered.href);
    expect(response!.status()).toBe(403);
    expect(await page.locator(".error-card").textContent()).toContain("This link is not valid");
    await screenshot(page, "08-private-link-refused");

    await page.goto(url("/private"));
    await screenshot(page, "09-private");
  });

  it("loads the stylesheet under a hashed name with immutable caching", async () => {
    const responses: { url: string; cacheControl: string | undefined }[] = [];
    page.on("response", (response) => {
      if (response.request().resourceType() === "stylesheet") {
        responses.push({ url: response.url(), cacheControl: response.headers()["cache-control"] });
      }
    });
    await page.goto(url("/admin"));
    await screenshot(page, "10-admin");
    const href = await page.getAttribute("link[rel=stylesheet]", "href");
    expect(href).toMatch(/^\/static\/css\/site\.[0-9a-f]{12}\.css$/);
    const main = responses.find((response) => response.url.endsWith(href!));
    expect(main?.cacheControl).toBe("public, max-age=315360000, immutable");
    const font = await page.evaluate(async () => {
      await document.fonts.ready;
      return document.fonts.check('16px "Inter"');
    });
    expect(font).toBe(true);
  });

  it("looks right on a phone", async () => {
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      storageState: await context.storageState(),
    });
    try {
      const small = await phone.newPage();
      await small.goto(url("/photos"));
      const widths = await small.evaluate(() => [
        document.documentElement.scrollWidth,
        window.innerWidth,
      ]);
      expect(widths[0]).toBeLessThanOrEqual(widths[1]);
      await screenshot(small, "11-photos-phone");
      await small.goto(url("/documents"));
      await screenshot(small, "12-documents-phone");
    } finally {
      await phone.close();
    }
  });

  it("met no script errors on any page", () => {
    expect(problems).toEqual([]);
  });
});
