// After quitting (the previous spec's app session ended), reopening the file from the
// recent list shows the same state.
import fs from "node:fs";
import { byTest, rowStatus, shot, stateFile, text, type } from "./helpers.js";

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
});
