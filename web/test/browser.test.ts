// The reference web app in a real browser: Debian's Chromium driven by playwright-core, against the
// local platform (emulators, every function, the stand-ins) and the app built by Vite from these
// sources. A person's path through it: sign in, generate, see the image, run out of the free quota,
// talk to the creative director, sign up with email, and open the app from an origin the platform
// does not allow. Screenshots of each step go to web/test-screenshots/ (not committed).
// Code that runs in the page is given as strings where it needs the DOM: this file is checked
// against Node's types.
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type LocalPlatform, startLocalPlatform } from "@genai-platform/local/platform/local-platform.ts";
import { startWebServer, type WebAppConfig, type WebServer } from "@genai-platform/local/platform/web-server.ts";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const WEB_ROOT = new URL("..", import.meta.url).pathname;
const SCREENSHOTS = join(WEB_ROOT, "test-screenshots");
const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
/** Small enough to run out of in a test; the shape is the dev stack's. */
const TIERS = { free: { image: 2, video: 1, agent: 5 }, pro: { image: 100, video: 10, agent: 200 } };

let work: string;
let web: WebServer;
let platform: LocalPlatform;
let browser: BrowserContext;
let page: Page;
let config: WebAppConfig | undefined;

const shot = (name: string, on: Page = page) =>
  on.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
  work = await mkdtemp(join(tmpdir(), "web-browser-"));
  await mkdir(SCREENSHOTS, { recursive: true });
  const outDir = join(work, "dist");
  await build({ root: WEB_ROOT, logLevel: "warn", build: { outDir, emptyOutDir: true } });
  // The app is served first: its origin, known once bound, is the one the platform allows.
  web = await startWebServer({ dir: outDir, config: () => config });
  platform = await startLocalPlatform({ webOrigins: [web.url], tierLimits: TIERS });
  config = {
    projectId: platform.projectId,
    apiKey: "demo-api-key",
    apiBaseUrl: platform.url,
    authEmulatorUrl: `http://${platform.authHost}`,
    firestoreEmulator: { host: "127.0.0.1", port: platform.ports.firestore },
  };
  browser = await chromium.launchPersistentContext(join(work, "user-data"), {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 860 },
  });
  page = browser.pages()[0] ?? (await browser.newPage());
  await page.goto(web.url);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
  await web?.close();
  if (work) await rm(work, { recursive: true, force: true });
  console.log(`screenshots: ${SCREENSHOTS}`);
});

/** The app's answers come from cold function processes: allow them the time a person would. */
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 20_000 });
const usage = (kind: string) => page.getByTestId(`usage-${kind}`);

describe("the reference web app in Chromium", () => {
  it("signs in as a guest through the Auth emulator and shows today's usage", async () => {
    await page.getByTestId("sign-in-anonymous").click();
    await poll(() => page.getByTestId("who").textContent()).toBe("Guest");
    await poll(() => usage("image").getAttribute("data-limit")).toBe("2");
    expect(await usage("image").getAttribute("data-used")).toBe("0");
    await shot("1-signed-in");
  });

  it("generates an image with live status and shows it from its signed URL", async () => {
    await page.getByTestId("prompt").fill("a lighthouse in a storm");
    await page.getByTestId("generate").click();
    const image = page.getByTestId("job-image").first();
    await image.waitFor({ timeout: 30_000 });
    const loadedWidth = `(() => {
      const img = document.querySelector("[data-testid=job-image]");
      return img && img.complete ? img.naturalWidth : 0;
    })()`;
    await poll(() => page.evaluate(loadedWidth)).toBeGreaterThan(0);
    expect(await page.getByTestId("job-status").first().textContent()).toBe("Done");
    // fetch() of the signed URL is a CORS request: the local bucket answers it as the real one does.
    const src = (await image.getAttribute("src")) ?? "";
    const fetched = await page.evaluate(async (url) => {
      const response = await fetch(url);
      return { status: response.status, type: response.headers.get("content-type") };
    }, src);
    expect(fetched).toEqual({ status: 200, type: "image/png" });
    await poll(() => usage("image").getAttribute("data-used")).toBe("1");
    await shot("2-image");
  });

  it("shows the quota error once the free images are used up", async () => {
    await page.getByTestId("prompt").fill("a second lighthouse");
    await page.getByTestId("generate").click();
    await poll(() => page.getByTestId("job").count()).toBe(2);
    await page.getByTestId("prompt").fill("one lighthouse too many");
    await page.getByTestId("generate").click();
    const error = page.getByTestId("create-feedback").getByTestId("error");
    await error.waitFor();
    expect(await error.getAttribute("data-code")).toBe("QUOTA_EXCEEDED");
    expect(await error.textContent()).toMatch(/used today's free allowance.*resets in/i);
    expect(await page.getByTestId("job").count()).toBe(2);
    await poll(() => usage("image").getAttribute("data-used")).toBe("2");
    await shot("3-quota");
  });

  it("streams a creative-director turn: text arrives in pieces and the tool's job joins the gallery", async () => {
    // Counts the reply's text arriving, to tell a stream from one final answer.
    await page.evaluate(`
      window.replyUpdates = 0;
      new MutationObserver((records) => {
        for (const r of records) {
          if (r.target.closest?.("[data-testid=chat-reply]") && r.addedNodes.length > 0) window.replyUpdates++;
        }
      }).observe(document.body, { subtree: true, childList: true });
    `);
    await page.getByTestId("chat-input").fill("Plan a coffee launch and make a video of the hero shot");
    await page.getByTestId("chat-send").click();
    const reply = page.locator("[data-testid=chat-reply][data-done=true]");
    await reply.waitFor({ timeout: 30_000 });
    expect(await page.evaluate("window.replyUpdates")).toBeGreaterThan(1);
    expect(await page.getByTestId("tool-call").textContent()).toContain("requestVideo");
    expect((await reply.textContent())?.length).toBeGreaterThan(10);
    await poll(() => page.locator("[data-testid=job][data-kind=video]").count()).toBe(1);
    await poll(() => usage("agent").getAttribute("data-used")).toBe("1");
    await shot("4-agent");
  });

  it("signs up and back in with email and password", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByTestId("email").fill("ada@example.com");
    await page.getByTestId("password").fill("correct horse");
    await page.getByTestId("sign-up-email").click();
    await poll(() => page.getByTestId("who").textContent()).toBe("ada@example.com");
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByTestId("email").fill("ada@example.com");
    await page.getByTestId("password").fill("wrong horse");
    await page.getByTestId("sign-in-email").click();
    await poll(() => page.getByTestId("error").textContent()).toMatch(/do not match an account/);
    await shot("5-wrong-password");
    await page.getByTestId("password").fill("correct horse");
    await page.getByTestId("sign-in-email").click();
    await poll(() => page.getByTestId("who").textContent()).toBe("ada@example.com");
    // A new account starts the day with nothing used.
    await poll(() => usage("image").getAttribute("data-used")).toBe("0");
  });

  it("says so when the page's origin is not one the platform allows", async () => {
    // Same app, other origin: localhost is not 127.0.0.1 to a browser.
    const other = await browser.newPage();
    try {
      await other.goto(web.url.replace("127.0.0.1", "localhost"));
      await other.getByTestId("sign-in-anonymous").click();
      const toast = other.getByTestId("usage").getByTestId("error");
      await toast.waitFor();
      expect(await toast.getAttribute("data-code")).toBe("CORS_REFUSED");
      expect(await toast.textContent()).toContain(`--web-origin ${web.url.replace("127.0.0.1", "localhost")}`);
      await shot("6-cors-refused", other);
    } finally {
      await other.close();
    }
  });
});
