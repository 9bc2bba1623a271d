import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
export const screenshots = path.resolve(here, "../../../docs/screenshots");
export const filesDir = () => process.env.THREATWRIGHT_E2E_DIR;
export const stateFile = () => path.join(process.env.TW_E2E_WORK, "state.json");

export const byTest = (id) => $(`[data-testid="${id}"]`);

/** Waits two animation frames so a screenshot shows the latest DOM (see shared notes). */
export async function settle() {
  await browser.executeAsync((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
}

/**
 * Saves a screenshot of the window into docs/screenshots/ (committed, used by the README).
 * Taken from the X screen (ImageMagick's `import`), cropped to the window: WebKitWebDriver's
 * own screenshots sometimes show regions not yet repainted (seen with the theme switch).
 */
export async function shot(name) {
  await settle();
  await browser.pause(400);
  fs.mkdirSync(screenshots, { recursive: true });
  const { width, height } = await browser.getWindowSize();
  const out = path.join(screenshots, `${name}.png`);
  const r = spawnSync("import", ["-window", "root", "-crop", `${width}x${height}+0+0`, "+repage", out], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`import (ImageMagick) failed: ${r.stderr || r.error}`);
}

/** The status bar's text once it matches. */
export async function statusMatching(re) {
  const el = await byTest("status-message");
  // textContent: WebKitWebDriver reports the status bar's text as not displayed.
  let last = "";
  await browser.waitUntil(
    async () => {
      last = await el.getProperty("textContent");
      return re.test(last);
    },
    { timeoutMsg: `status bar never matched ${re}` },
  );
  return last;
}

export async function registerCount() {
  const t = await (await byTest("register-count")).getText();
  const m = /(\d+) of (\d+)/.exec(t);
  return m ? { shown: Number(m[1]), total: Number(m[2]) } : null;
}

export async function rowStatus(ref) {
  const row = await $(`[data-testid="threat-row"][data-ref="${ref}"]`);
  await row.waitForExist();
  return (await row.$('[data-testid="threat-status"]')).getAttribute("data-status");
}

/** Sets a controlled React input's value the way a user's typing would. */
export async function type(selector, text) {
  const el = await $(selector);
  await el.waitForDisplayed();
  await el.click();
  await el.clearValue();
  await el.setValue(text);
}

export function pdftotext(file) {
  const r = spawnSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`pdftotext failed on ${file}: ${r.stderr}`);
  return r.stdout;
}

/** An element's text, whether or not WebKitWebDriver considers it displayed. */
export async function text(el) {
  return (await el.getProperty("textContent")) ?? "";
}

/** Clicks a canvas node; React may replace its element between finding and clicking it. */
export async function clickNode(key) {
  for (let attempt = 0; ; attempt++) {
    try {
      const n = await $(`.react-flow__node[data-id="${key}"]`);
      await n.waitForExist();
      await n.click();
      return;
    } catch (e) {
      if (attempt >= 4 || !/stale/i.test(String(e))) throw e;
      await browser.pause(200);
    }
  }
}
