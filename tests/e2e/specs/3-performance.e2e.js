// Measured in the real app (figures go to BENCHMARKS.md; the suite prints them and writes
// performance.json, it does not fail on time): the round trip of one edit at 500 elements,
// time to interactive and an edit at 1,000 elements, and scrolling a register of 10,000
// threats. The project files are made by the CLI in wdio.conf.js (onPrepare).
import fs from "node:fs";
import path from "node:path";
import { byTest, filesDir, registerCount, statusMatching, type } from "./helpers.js";

const results = {};

async function openFile(name) {
  fs.writeFileSync(path.join(filesDir(), ".e2e-open"), name);
  await (await byTest("start-screen")).waitForDisplayed({ timeout: 60000 });
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

async function closeFile() {
  await (await byTest("close-document")).click();
  await (await byTest("start-screen")).waitForDisplayed({ timeout: 60000 });
}

/**
 * Renames a process through the properties panel (the core re-analyses) and records: the
 * whole round trip as WebDriver sees it, the core + IPC part, and request → answer drawn
 * as the page measures it (no WebDriver in it).
 */
async function measureEdit(label) {
  const node = await $(".react-flow__node-process");
  await node.click();
  const key = await node.getAttribute("data-id");
  await browser.waitUntil(async () => (await (await byTest("properties")).getText()).includes(key));
  await browser.execute(() => delete globalThis.__twTimings.answerDrawn);
  const started = Date.now();
  await type('[data-testid="field-name"]', `Renamed service ${label}`);
  await browser.keys("Tab");
  await statusMatching(/edit name/);
  results[`edit${label}Ms`] = Date.now() - started;
  await browser.waitUntil(() => browser.execute(() => globalThis.__twTimings.answerDrawn !== undefined));
  results[`edit${label}CoreIpcMs`] = await browser.execute(() => globalThis.__twTimings.edit);
  results[`edit${label}DrawnMs`] = await browser.execute(() => globalThis.__twTimings.answerDrawn);
  // Of which: applying the answer to the store (React renders after it) and the first frame.
  results[`edit${label}AppliedMs`] = await browser.execute(() => globalThis.__twTimings.answerApplied);
  results[`edit${label}FirstFrameMs`] = await browser.execute(() => globalThis.__twTimings.answerFirstFrame);
}

describe("performance in the real app", () => {
  it("applies an edit at 500 elements", async () => {
    results.open500Ms = await openFile("gen500.twdb");
    results.threats500 = (await registerCount()).total;
    await measureEdit("500");
    // A second one, the first having warmed what is lazily set up.
    await measureEdit("500b");
    await closeFile();
  });

  it("opens a 1,000-element model and applies an edit", async () => {
    results.open1000Ms = await openFile("gen1000.twdb");
    results.open1000CoreIpcMs = await browser.execute(() => globalThis.__twTimings?.open_file);
    results.threats1000 = (await registerCount()).total;
    await measureEdit("1000");
  });

  it("keeps the register virtualised", async () => {
    // Only the rows in view are in the page, whatever the register's length.
    const rows = (await $$('[data-testid="threat-row"]')).length;
    expect(rows).toBeLessThan(200);
    expect(results.threats1000).toBeGreaterThan(3000);
    await closeFile();
  });

  it("scrolls a register of 10,000 threats from top to bottom without a stall", async function () {
    this.timeout(240000);
    results.open10kThreatsMs = await openFile("gen3200.twdb");
    results.threats10k = (await registerCount()).total;
    expect(results.threats10k).toBeGreaterThan(9000);
    // Scrolled by the page itself, one step per frame (as a held scroll wheel does), each
    // frame's duration recorded: a stall is a long frame.
    // Started in the page and polled: one long asynchronous script upset WebKitWebDriver.
    await browser.execute(() => {
      const el = document.querySelector(".register-scroll");
      const step = Math.max(28, Math.ceil(el.scrollHeight / 300));
      const frames = [];
      const start = performance.now();
      let last = start;
      let rowsMax = 0;
      globalThis.__twScroll = null;
      const tick = () => {
        const now = performance.now();
        frames.push(now - last);
        last = now;
        rowsMax = Math.max(rowsMax, document.querySelectorAll('[data-testid="threat-row"]').length);
        if (el.scrollTop + el.clientHeight >= el.scrollHeight - 1 || now - start > 90000) {
          frames.shift();
          const sorted = [...frames].sort((a, b) => a - b);
          const lastRow = [...document.querySelectorAll('[data-testid="threat-row"]')].pop()?.dataset.ref ?? null;
          globalThis.__twScroll = {
            frames: frames.length,
            totalMs: Math.round(now - start),
            medianFrameMs: Math.round(sorted[Math.floor(sorted.length / 2)]),
            p95FrameMs: Math.round(sorted[Math.floor(sorted.length * 0.95)]),
            maxFrameMs: Math.round(sorted[sorted.length - 1]),
            rowsInPageMax: rowsMax,
            reachedEnd: el.scrollTop + el.clientHeight >= el.scrollHeight - 1,
            lastRow,
          };
          return;
        }
        el.scrollTop += step;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    await browser.waitUntil(() => browser.execute(() => globalThis.__twScroll !== null), {
      timeout: 100000,
      interval: 1000,
      timeoutMsg: "the scripted scroll never finished",
    });
    const scroll = await browser.execute(() => globalThis.__twScroll);
    results.scroll10k = scroll;
    console.log(`register scroll: ${JSON.stringify(scroll)}`);
    // It reached the end (within the time given): the last row drawn is the register's last one.
    expect(scroll.reachedEnd).toBe(true);
    const refs = await browser.execute(() =>
      [...document.querySelectorAll('[data-testid="threat-row"]')].map((r) => r.dataset.ref),
    );
    expect(refs.length).toBeGreaterThan(0);
    expect(scroll.lastRow).toBe(refs[refs.length - 1]);
    expect(scroll.rowsInPageMax).toBeLessThan(200);
    // A diagram this large opens without the minimap (it redraws every node per answer);
    // the button beside the zoom controls shows it.
    expect(await $$(".react-flow__minimap")).toBeElementsArrayOfSize(0);
    await (await byTest("toggle-minimap")).click();
    await $(".react-flow__minimap").waitForExist();
    console.log(`performance: ${JSON.stringify(results)}`);
    fs.writeFileSync(path.join(process.env.TW_E2E_WORK, "performance.json"), JSON.stringify(results, null, 2));
  });
});
