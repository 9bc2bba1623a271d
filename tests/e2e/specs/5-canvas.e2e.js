// Drawing with the mouse on a new model, in the real app: elements dropped from the
// palette where the pointer lets go, a flow drawn from one element's handle to another's,
// a trust boundary resized over an element (which becomes its member, so the flow now
// crosses it), an element dragged back out; then the lock: a project file held by another
// process is refused with a clear message, and opens once the other process lets go.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { byTest, filesDir, settle, shot, statusMatching, type } from "./helpers.js";

/** The centre of an element in viewport coordinates (what pointer actions take). */
async function centre(selector) {
  const r = await browser.execute((s) => {
    const b = document.querySelector(s)?.getBoundingClientRect();
    return b ? { x: b.x + b.width / 2, y: b.y + b.height / 2, width: b.width, height: b.height } : null;
  }, selector);
  if (!r) throw new Error(`nothing matches ${selector}`);
  return r;
}

/** Presses the mouse at `from`, moves in steps to `to` and lets go (a user's drag). */
async function drag(from, to) {
  await browser
    .action("pointer", { parameters: { pointerType: "mouse" } })
    .move({ x: Math.round(from.x), y: Math.round(from.y) })
    .down({ button: 0 })
    .move({ x: Math.round(from.x + (to.x - from.x) / 4), y: Math.round(from.y + (to.y - from.y) / 4), duration: 100 })
    .move({ x: Math.round(to.x), y: Math.round(to.y), duration: 300 })
    .up({ button: 0 })
    .perform();
}

/**
 * Drops a palette item at a point of the canvas. WebDriver's pointer actions do not start
 * the web view's native drag and drop (HTML5 DnD), so the page is sent the same events a
 * drag from the palette sends: dragstart on the palette item (which fills the transfer
 * data, as the app does), dragover and drop on the canvas at the point.
 */
async function dropFromPalette(kind, at) {
  await browser.execute(
    (kind, x, y) => {
      const dt = new DataTransfer();
      const item = document.querySelector(`[data-testid="palette-${kind}"]`);
      item.dispatchEvent(new DragEvent("dragstart", { bubbles: true, cancelable: true, dataTransfer: dt }));
      const target = document.elementFromPoint(x, y);
      const opts = { bubbles: true, cancelable: true, clientX: x, clientY: y, dataTransfer: dt };
      target.dispatchEvent(new DragEvent("dragover", opts));
      target.dispatchEvent(new DragEvent("drop", opts));
      item.dispatchEvent(new DragEvent("dragend", { bubbles: true, dataTransfer: dt }));
    },
    kind,
    Math.round(at.x),
    Math.round(at.y),
  );
}

const node = (key) => `.react-flow__node[data-id="${key}"]`;

async function edgeCount() {
  return (await $$(".react-flow__edge")).length;
}

describe("drawing with the mouse", () => {
  let project;

  it("drops elements from the palette where the pointer lets go", async () => {
    // What an earlier attempt of this spec left behind (see specFileRetries).
    for (const f of ["Mouse drawn.twdb", "Mouse drawn.twdb-lock"]) fs.rmSync(path.join(filesDir(), f), { force: true });
    await (await byTest("start-screen")).waitForDisplayed();
    await (await byTest("new-model")).click();
    await type('[data-testid="prompt-input"]', "Mouse drawn");
    await (await byTest("dialog-confirm")).click();
    await (await byTest("canvas")).waitForDisplayed();
    project = path.join(filesDir(), "Mouse drawn.twdb");
    expect(fs.existsSync(project)).toBe(true);

    // Entity top left, process top right, a boundary (later) below the process.
    const canvas = await centre('[data-testid="canvas"]');
    const left = { x: canvas.x - 200, y: canvas.y - 100 };
    const right = { x: canvas.x + 150, y: canvas.y - 100 };
    await dropFromPalette("external-entity", left);
    await statusMatching(/add external entity/i);
    await $(node("external-entity")).waitForExist();
    await dropFromPalette("process", right);
    await statusMatching(/add process/i);
    await $(node("process")).waitForExist();
    await settle();
    // Each where it was dropped (the drop point inside the element's box, give or take
    // the element's own size: it is placed centred or by its corner).
    for (const [key, at] of [["external-entity", left], ["process", right]]) {
      const c = await centre(node(key));
      expect(Math.abs(c.x - at.x)).toBeLessThan(c.width);
      expect(Math.abs(c.y - at.y)).toBeLessThan(c.height * 2);
    }
  });

  it("draws a flow from one element's handle to another's", async () => {
    expect(await edgeCount()).toBe(0);
    const from = await centre(`${node("external-entity")} .react-flow__handle.source`);
    const to = await centre(`${node("process")} .react-flow__handle.target`);
    await drag(from, to);
    await statusMatching(/add flow/i);
    await browser.waitUntil(async () => (await edgeCount()) === 1, { timeoutMsg: "the flow never appeared" });
    expect(await $$(".react-flow__edge.crosses")).toBeElementsArrayOfSize(0);
  });

  it("resizes a trust boundary over an element, which becomes its member", async () => {
    const canvas = await centre('[data-testid="canvas"]');
    // A boundary dropped below the process, clear of it, then stretched up over it.
    const proc = await centre(node("process"));
    await dropFromPalette("boundary", { x: canvas.x + 150, y: canvas.y + 130 });
    await statusMatching(/add trust boundary/i);
    const b = node("trust-boundary");
    await $(b).waitForExist();
    await settle();
    // Selected by a click on its title: the resize handles show.
    await (await $(`${b} .boundary-title`)).click();
    await $(`${b} .react-flow__resize-control.handle.top.left`).waitForExist();
    const corner = await centre(`${b} .react-flow__resize-control.handle.top.left`);
    const target = { x: proc.x - proc.width * 0.75, y: proc.y - proc.height * 1.5 };
    await drag(corner, target);
    await statusMatching(/move trust boundary/i);
    // The core made the process a member: the flow from the entity now crosses the boundary.
    await browser.waitUntil(async () => (await $$(".react-flow__edge.crosses")).length === 1, {
      timeoutMsg: "after the resize the flow does not cross the boundary",
    });
    await shot("drawn-with-the-mouse");
  });

  it("drags an element out of the boundary, and the flow no longer crosses it", async () => {
    const proc = await centre(node("process"));
    const canvas = await centre('[data-testid="canvas"]');
    // Left of the boundary, below the entity.
    await drag({ x: proc.x, y: proc.y }, { x: canvas.x - 200, y: canvas.y + 100 });
    await statusMatching(/move process/i);
    await browser.waitUntil(async () => (await $$(".react-flow__edge.crosses")).length === 0, {
      timeoutMsg: "after moving the process out the flow still crosses the boundary",
    });
  });

  it("refuses a file another process holds, with a clear message, and opens it once let go", async () => {
    await (await byTest("close-document")).click();
    await (await byTest("start-screen")).waitForDisplayed();
    const recent = '[data-testid="recent-item"][title$="Mouse drawn.twdb"]';
    await $(recent).waitForDisplayed();
    // Another process holds the file's lock (flock, the same kind of lock the app takes).
    // --no-fork: the process holding the lock is the one killed below.
    const holder = spawn("flock", ["--exclusive", "--nonblock", "--no-fork", project, "sleep", "60"], { stdio: "ignore" });
    try {
      await browser.pause(500);
      expect(holder.exitCode).toBeNull();
      await (await $(recent)).click();
      const error = await byTest("error");
      await error.waitForDisplayed();
      expect(await error.getText()).toMatch(/in use by another Threatwright window or process/);
      expect(await error.getText()).toContain("Mouse drawn.twdb");
      expect(await $$('[data-testid="canvas"]')).toBeElementsArrayOfSize(0);
    } finally {
      holder.kill("SIGTERM");
      await new Promise((r) => (holder.exitCode !== null ? r() : holder.once("exit", r)));
    }
    await (await byTest("error-dismiss")).click();
    await (await $(recent)).click();
    await (await byTest("canvas")).waitForDisplayed();
    await $(node("process")).waitForExist();
    expect(await edgeCount()).toBe(1);
  });
});
