// Measured in the real app (figures go to BENCHMARKS.md; the suite prints them and writes
// performance.json, it does not fail on time): time to interactive for a 1,000-element
// model and the round trip of one edit on it. The project file is made by the CLI in
// wdio.conf.js (onPrepare).
import fs from "node:fs";
import path from "node:path";
import { byTest, filesDir, registerCount, statusMatching, type } from "./helpers.js";

const results = {};

async function openFile(name) {
  fs.writeFileSync(path.join(filesDir(), ".e2e-open"), name);
  await (await byTest("start-screen")).waitForDisplayed();
  const started = Date.now();
  await (await byTest("open-file")).click();
  await (await byTest("canvas")).waitForDisplayed({ timeout: 120000 });
  await browser.waitUntil(async () => (await $$(".react-flow__node")).length > 0 && (await registerCount()) !== null, {
    timeout: 120000,
    timeoutMsg: `${name} never became interactive`,
  });
  // Interactive: the page answers the next frame.
  await browser.executeAsync((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  return Date.now() - started;
}

describe("performance in the real app", () => {
  it("opens a 1,000-element model and applies an edit", async () => {
    results.open1000Ms = await openFile("gen1000.twdb");
    results.open1000CoreIpcMs = await browser.execute(() => globalThis.__twTimings?.open_file);
    results.threats1000 = (await registerCount()).total;
    // One edit: rename an element through the properties panel; the core re-analyses.
    const node = await $(".react-flow__node-process");
    await node.click();
    const key = await node.getAttribute("data-id");
    await browser.waitUntil(async () => (await (await byTest("properties")).getText()).includes(key));
    const started = Date.now();
    await type('[data-testid="field-name"]', "Renamed service");
    await browser.keys("Tab");
    await statusMatching(/edit name/);
    results.edit1000Ms = Date.now() - started;
    results.edit1000CoreIpcMs = await browser.execute(() => globalThis.__twTimings?.edit);
    console.log(`performance: ${JSON.stringify(results)}`);
  });

  it("keeps the register virtualised", async () => {
    // Only the rows in view are in the page, whatever the register's length.
    const rows = (await $$('[data-testid="threat-row"]')).length;
    expect(rows).toBeLessThan(200);
    expect(results.threats1000).toBeGreaterThan(3000);
    fs.writeFileSync(path.join(process.env.TW_E2E_WORK, "performance.json"), JSON.stringify(results, null, 2));
  });
});
