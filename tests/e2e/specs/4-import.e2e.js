// Import from the start screen: an OpenAPI specification is read by the core, its report
// (what was inferred, what needs a person) is shown before anything opens, and the new
// project opens with the diagram laid out automatically.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { byTest, filesDir, shot, statusMatching, text } from "./helpers.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const spec = path.resolve(here, "../../fixtures/import/openapi/petcare-clinic-3.0.yaml");
const newer = path.resolve(here, "../../fixtures/import/openapi/petcare-clinic-3.0-v2.yaml");

describe("importing an OpenAPI specification", () => {
  it("shows the inference report, then opens the imported model laid out", async () => {
    fs.copyFileSync(spec, path.join(filesDir(), "petcare-clinic.yaml"));
    fs.writeFileSync(path.join(filesDir(), ".e2e-open"), "petcare-clinic.yaml");
    await (await byTest("start-screen")).waitForDisplayed();
    await (await byTest("import-open")).click();
    await (await byTest("import-openapi")).click();
    const report = await byTest("import-report");
    await report.waitForDisplayed();
    const all = await text(report);
    expect(all).toContain("Needs a person");
    expect(all).toMatch(/need no authentication/);
    expect(all).toMatch(/Personal data suggested/);
    expect(await text(await byTest("import-counts"))).toMatch(/1 processes/);
    await shot("import-report");
    await (await byTest("import-create")).click();
    await (await byTest("canvas")).waitForDisplayed();
    await $('.react-flow__node[data-id="pawpath-clinic-booking-api-service"]').waitForExist({ timeout: 30000 });
    // No positions in a specification: the layout placed every node apart.
    const boxes = await $$(".react-flow__node-process, .react-flow__node-external-entity");
    expect(boxes.length).toBeGreaterThanOrEqual(2);
    await browser.waitUntil(async () => (await $$('[data-testid="threat-row"]')).length > 0, {
      timeoutMsg: "the imported model has no threats in the register",
    });
    expect(fs.existsSync(path.join(filesDir(), "petcare-clinic.twdb"))).toBe(true);
    await shot("imported-openapi");
  });

  it("merges the API's next revision into the open model, as one undoable step", async () => {
    fs.copyFileSync(newer, path.join(filesDir(), "petcare-clinic-v2.yaml"));
    fs.writeFileSync(path.join(filesDir(), ".e2e-open"), "petcare-clinic-v2.yaml");
    const service = '.react-flow__node[data-id="pawpath-clinic-booking-api-service"]';
    const before = await (await $(service)).getLocation();
    await (await byTest("toolbar-import")).click();
    await (await byTest("import-openapi")).click();
    await (await byTest("import-report")).waitForDisplayed();
    await (await byTest("import-merge")).click();
    const merged = await byTest("import-merged");
    await merged.waitForDisplayed();
    expect(await text(merged)).toMatch(/merge petcare-clinic-v2\.yaml/);
    await (await byTest("import-done")).click();
    // The same service, where it was; the inventory has the new version.
    expect(await $$(service)).toBeElementsArrayOfSize(1);
    const after = await (await $(service)).getLocation();
    expect(after).toEqual(before);
    expect(await (await byTest("undo")).getAttribute("title")).toMatch(/Undo merge petcare-clinic-v2\.yaml/);
    // One undo takes the whole merge back.
    await (await byTest("undo")).click();
    await statusMatching(/undone: merge petcare-clinic-v2\.yaml/);
    expect(await (await byTest("redo")).getAttribute("title")).toMatch(/merge petcare-clinic-v2\.yaml/);
  });
});
