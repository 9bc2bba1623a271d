// After quitting (the previous spec's app session ended), reopening the file from the
// recent list shows the same state.
import fs from "node:fs";
import { byTest, clickNode, rowStatus, shot, stateFile, statusMatching, text, type } from "./helpers.js";

describe("reopening after quitting", () => {
  it("shows the same threats, decisions and mitigations", async () => {
    const state = JSON.parse(fs.readFileSync(stateFile(), "utf8"));
    await (await byTest("start-screen")).waitForDisplayed();
    const recent = await byTest("recent-item");
    await recent.waitForDisplayed();
    expect(await recent.getAttribute("title")).toContain("payments-api.twdb");
    await recent.click();
    await (await byTest("canvas")).waitForDisplayed();
    await $('.react-flow__node[data-id="process"]').waitForExist();
    // The register is virtualised: find the row by searching for its reference.
    await type('[data-testid="register-search"]', state.accepted);
    expect(await rowStatus(state.accepted)).toBe("accepted");
    await type('[data-testid="register-search"]', " ");
    await (await byTest("tab-mitigations")).click();
    const m = await $(`[data-testid="mitigation-row"][data-ref="${state.mitigation}"]`);
    await m.waitForExist();
    for (const r of state.linked) expect(await text(m)).toContain(r);
    await (await byTest("tab-threats")).click();
    await (await byTest("theme-toggle")).click();
    await shot("editor-dark");
    await (await byTest("theme-toggle")).click();
  });

  it("signs the model off and marks what changes after the baseline", async () => {
    await (await byTest("sign-model")).click();
    await (await byTest("prompt-dialog")).waitForDisplayed();
    expect(await (await byTest("sign-with-key")).getText()).toBe("Sign with SSH key…");
    await type('[data-testid="prompt-input"]', "Design review, workshop 1");
    await (await byTest("dialog-confirm")).click();
    await statusMatching(/baseline 1/);
    expect(await text(await byTest("baseline"))).toContain("Baseline #1");
    expect(await $$('[data-testid="changed-mark"]')).toBeElementsArrayOfSize(0);
    // A change after the sign-off: the renamed element is marked on the canvas.
    await clickNode("process");
    await type('[data-testid="field-name"]', "Coupon service");
    await browser.keys("Tab");
    await statusMatching(/edit name/);
    await browser.waitUntil(async () => (await $$('.react-flow__node[data-id="process"] [data-testid="changed-mark"]')).length === 1, {
      timeoutMsg: "the renamed element is not marked as changed since the baseline",
    });
    await shot("changed-since-baseline");
    await (await byTest("presentation-toggle")).click();
    await shot("presentation-mode");
    await (await byTest("presentation-toggle")).click();
    await browser.keys("?");
    await (await byTest("shortcuts")).waitForDisplayed();
    await shot("shortcuts");
  });

  it("compares with the baseline: colours the canvas, ghosts what went, and selects from the list", async () => {
    await browser.keys("Escape");
    await (await byTest("shortcuts")).waitForDisplayed({ reverse: true });
    // Another change after the sign-off: the fraud vendor goes.
    await clickNode("fraud-vendor");
    await browser.keys("Delete");
    await (await byTest("delete-dialog")).waitForDisplayed();
    await (await byTest("dialog-confirm")).click();
    await statusMatching(/delete/i);
    await (await byTest("compare-baseline")).click();
    const verdict = await byTest("compare-verdict");
    await verdict.waitForExist();
    expect(await text(verdict)).toMatch(/^risk (up|down|unchanged)/);
    // The renamed process is outlined as changed; the vendor is drawn as a ghost.
    await $('.react-flow__node.tw-cmp-changed[data-id="process"]').waitForExist({ timeoutMsg: "the renamed process is not marked" });
    await $('[data-testid="ghost-fraud-vendor"]').waitForExist({ timeoutMsg: "the removed vendor is not drawn as a ghost" });
    const entries = await $$('[data-testid="compare-entry"]');
    const texts = await entries.map((e) => text(e));
    expect(texts.some((t) => /removed: external entity `fraud-vendor`/.test(t))).toBe(true);
    expect(texts.some((t) => /Coupon service/.test(t))).toBe(true);
    await shot("compare-with-baseline");
    // Clicking the change selects the element on the canvas.
    const i = texts.findIndex((t) => /^changed: process `process`/.test(t));
    expect(i).toBeGreaterThanOrEqual(0);
    await (await $$('[data-testid="compare-entry"]'))[i].click();
    await $('.react-flow__node.selected[data-id="process"]').waitForExist({ timeoutMsg: "the entry did not select the process" });
    await (await byTest("compare-close")).click();
    await browser.waitUntil(async () => (await $$('[data-testid^="ghost-"]')).length === 0, {
      timeoutMsg: "closing the comparison left ghosts",
    });
  });
});
