// What the web view may do, tried through the real IPC the way a script injected into the
// page would: Tauri's own plugins are denied, paths chosen in a dialog serve only what they
// were chosen for and only once, and comparing with a colleague's file leaves it as it was.
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { byTest, filesDir, shot } from "./helpers.js";


/** Calls a command over IPC from the page: `{ ok }` or `{ err }` (the message). */
const invoke = (cmd, args) => {
  return browser.executeAsync(
    (cmd, args, done) => {
      globalThis.__TAURI_INTERNALS__.invoke(cmd, args).then(
        (ok) => done({ ok: ok ?? null }),
        (e) => done({ err: typeof e === "string" ? e : (e?.message ?? JSON.stringify(e)) }),
      );
    },
    cmd,
    args ?? {},
  );
};

/** The command line (the build wdio.conf.js names). */
function run(args) {
  const r = spawnSync(process.env.THREATWRIGHT_CLI, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`threatwright ${args.join(" ")} failed: ${r.stderr}`);
}

/** A generated model `NAME.yaml` of `elements` elements and its project `NAME.twdb`, made afresh. */
function fresh(name, elements) {
  const [model, project] = [".yaml", ".twdb"].map((ext) => path.join(filesDir(), name + ext));
  for (const f of [model, project]) fs.rmSync(f, { force: true });
  run(["gen", "--elements", String(elements), "-o", model]);
  run(["new", project, "--from", model]);
  return { model, project };
}

const answerOpen = (name) => fs.writeFileSync(path.join(filesDir(), ".e2e-open"), name);
const sha = (file) => crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");

describe("what the page may do", () => {
  before(async () => {
    await (await byTest("start-screen")).waitForDisplayed();
  });

  it("calls the app's own commands, and none of Tauri's plugins", async () => {
    expect((await invoke("app_info")).ok.version).toBeTruthy();
    for (const [cmd, args] of [
      ["plugin:path|resolve_directory", { directory: 1 }],
      ["plugin:menu|new", { kind: "Menu", options: {} }],
      ["plugin:event|emit", { event: "x", payload: null }],
      ["plugin:window|is_maximized", {}],
      ["plugin:dialog|open", { options: {} }],
    ]) {
      const r = await invoke(cmd, args);
      expect(r.ok).toBeUndefined();
      expect(r.err).toMatch(/not allowed|denied|not found/i);
    }
  });

  it("cannot write a path chosen to open, nor use a chosen path twice", async () => {
    const dir = filesDir();
    const { model } = fresh("victim", 9);
    const before = sha(model);

    answerOpen("victim.yaml");
    const opened = (await invoke("choose_path", { purpose: "open", suggested: "" })).ok;
    expect(opened).toBe(model);
    const refused = await invoke("export_yaml", { path: opened });
    expect(refused.err).toContain("chosen to open, not for this");
    expect(sha(model)).toBe(before);

    // A path the user never chose.
    expect((await invoke("export_yaml", { path: path.join(dir, "elsewhere.yaml") })).err).toContain("not a path chosen in a dialog");

    answerOpen("victim.twdb");
    const p = (await invoke("choose_path", { purpose: "open", suggested: "" })).ok;
    expect((await invoke("open_file", { path: p, into: null })).ok).toBeTruthy();
    const out = (await invoke("choose_path", { purpose: "yaml", suggested: "out.yaml" })).ok;
    expect((await invoke("export_yaml", { path: out })).err).toBeUndefined();
    expect(fs.existsSync(out)).toBe(true);
    expect((await invoke("export_yaml", { path: out })).err).toContain("not a path chosen in a dialog");
  });

  it("compares with a colleague's project file without changing a byte of it", async () => {
    const { project: theirs } = fresh("colleague", 12);
    // Written by a tool that keeps the rollback journal (as older Threatwright did).
    const j = spawnSync("sqlite3", [theirs, "PRAGMA journal_mode=delete"], { encoding: "utf8" });
    expect(j.stdout.trim()).toBe("delete");
    const past = new Date("2026-01-02T03:04:05Z");
    fs.utimesSync(theirs, past, past);
    const before = sha(theirs);

    answerOpen("colleague.twdb");
    const p = (await invoke("choose_path", { purpose: "compare", suggested: "" })).ok;
    const view = await invoke("compare", { with: { type: "file", path: p } });
    expect(view.err).toBeUndefined();
    expect(view.ok.against).toContain("colleague.twdb");

    expect(sha(theirs)).toBe(before);
    expect(fs.statSync(theirs).mtime.toISOString()).toBe(past.toISOString());
    // Byte 18 of the header: 1 = rollback journal, 2 = write-ahead log.
    expect(fs.readFileSync(theirs)[18]).toBe(1);
    for (const side of ["-wal", "-shm", "-journal"]) expect(fs.existsSync(theirs + side)).toBe(false);
  });

  it("signs an acceptance with an SSH key chosen in a dialog, and ssh-keygen verifies it", async () => {
    const key = path.join(filesDir(), "id_e2e");
    for (const f of [key, `${key}.pub`]) fs.rmSync(f, { force: true });
    expect(spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "ciso@example.com", "-f", key]).status).toBe(0);
    // The document open is victim.twdb (opened above).
    const reference = (await invoke("get_view")).ok.threats[0].reference;
    const accept = (signWith) =>
      invoke("act", {
        action: { type: "set-status", reference, status: "accepted", approver: "CISO", reason: "compensating controls", expires: "2027-06-30", transferredTo: null, signWith },
      });
    // A key the user did not choose for signing is refused.
    expect((await accept(key)).err).toContain("not a path chosen in a dialog");
    answerOpen("id_e2e");
    const chosen = (await invoke("choose_path", { purpose: "ssh-key", suggested: "" })).ok;
    const done = await accept(chosen);
    expect(done.err).toBeUndefined();
    const r = spawnSync(process.env.THREATWRIGHT_CLI, ["log", "signatures", path.join(filesDir(), "victim.twdb")], { encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`threat.status ${reference} by E2E Facilitator .*: good signature`));
  });

  it("says on the start screen why a file named on the command line did not open (a pipe: no hang)", async () => {
    const dir = filesDir();
    const fifo = path.join(dir, "pipe.twdb");
    fs.rmSync(fifo, { force: true });
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    for (const [arg, says] of [
      [fifo, "not a regular file"],
      [path.join(dir, "missing.twdb"), "no such file"],
      [dir, "not a regular file"],
    ]) {
      await browser.reloadSession({ "tauri:options": { application: process.env.THREATWRIGHT_APP, args: [arg] } });
      const problem = await byTest("startup-problem");
      await problem.waitForDisplayed();
      expect(await problem.getText()).toContain(says);
      expect(await problem.getText()).toContain(path.basename(arg));
      if (arg === fifo) await shot("startup-problem");
    }
    fs.rmSync(fifo, { force: true });
  });
});
