import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { invoke } from "@tauri-apps/api/core";
import { App } from "./App";
import { useApp } from "./store";
import { outcome, view, vocabulary } from "./test/fixtures";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
const mockInvoke = vi.mocked(invoke);

type Handler = (args?: Record<string, unknown>) => unknown;

function backend(handlers: Record<string, Handler>) {
  mockInvoke.mockImplementation(async (cmd: string, args?: unknown) => {
    const h = handlers[cmd];
    if (!h) throw { code: "internal", message: `unexpected command ${cmd}` };
    return h(args as Record<string, unknown>);
  });
}

/** Opens a document in the editor and waits for the vocabulary (the status table). */
async function openEditor(v = view()) {
  act(() => useApp.getState().openDocument(v));
  const r = render(<App />);
  await waitFor(() => expect(useApp.getState().vocabulary).not.toBeNull());
  return r;
}

const doc = () => useApp.getState().doc!.getState();

describe("App", () => {
  beforeEach(() => {
    mockInvoke.mockReset();
    useApp.setState({ doc: null, error: null, vocabulary: null, presentation: false, shortcuts: false, panelCollapsed: false });
  });

  it("opens an example from the start screen and shows the editor", async () => {
    backend({
      app_info: () => ({ version: "0.1.0", examples: [{ name: "payments-api", title: "Payments" }], recent: ["/x/old.twdb"] }),
      choose_path: () => "/tmp/payments-api.twdb",
      open_example: () => view(),
      vocabulary: () => vocabulary,
    });
    render(<App />);
    expect(screen.getByTestId("start-screen")).toBeTruthy();
    await waitFor(() => expect(screen.getByTestId("version").textContent).toBe("0.1.0"));
    expect(screen.getAllByTestId("recent-item")).toHaveLength(1);
    fireEvent.click(screen.getByTestId("example-payments-api"));
    await waitFor(() => expect(screen.getByTestId("register")).toBeTruthy());
    expect(mockInvoke).toHaveBeenCalledWith("choose_path", { purpose: "new-project", suggested: "payments-api.twdb" });
    expect(mockInvoke).toHaveBeenCalledWith("open_example", { name: "payments-api", path: "/tmp/payments-api.twdb" });
    expect((screen.getByTestId("undo") as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId("tab-threats").textContent).toContain("3");
    // Elements carry their threat badge, coloured by the worst severity.
    await waitFor(() => expect(screen.getByTestId("badge-api").className).toContain("sev-high"));
    expect(screen.getByTestId("badge-api").textContent).toBe("2");
    expect(screen.getByTestId("badge-zone").textContent).toBe("0");
  });

  it("shows a failure from the start screen", async () => {
    backend({
      app_info: () => ({ version: "0.1.0", examples: [], recent: ["/x/locked.twdb"] }),
      open_file: () => {
        throw { code: "locked", message: "/x/locked.twdb is open in another Threatwright window" };
      },
    });
    render(<App />);
    await waitFor(() => screen.getByTestId("recent-item"));
    fireEvent.click(screen.getByTestId("recent-item"));
    await waitFor(() => expect(screen.getByTestId("error").textContent).toContain("open in another"));
  });

  it("triages from the keyboard: 'a' asks approver, reason and expiry, then sets the status", async () => {
    const accepted = view({ revision: 2 });
    accepted.threats = accepted.threats.map((t) => (t.reference === "T-1" ? { ...t, status: "accepted" as const } : t));
    const calls: unknown[] = [];
    backend({
      vocabulary: () => vocabulary,
      act: (args) => {
        calls.push(args);
        return outcome(accepted, { message: "set T-1 to accepted" });
      },
    });
    await openEditor();
    const register = screen.getByTestId("register");
    act(() => useApp.getState().doc!.getState().selectThreat("T-1"));
    fireEvent.keyDown(register, { key: "a" });
    const dialog = await screen.findByTestId("status-dialog");
    expect(dialog.querySelector("#approver")).toBeTruthy();
    expect(dialog.querySelector("#expires")).toBeTruthy();
    expect(dialog.querySelector("#transferred-to")).toBeNull();
    fireEvent.change(dialog.querySelector("#approver")!, { target: { value: "CISO" } });
    fireEvent.change(dialog.querySelector("#reason")!, { target: { value: "low value" } });
    fireEvent.change(dialog.querySelector("#expires")!, { target: { value: "2030-01-31" } });
    fireEvent.click(screen.getByTestId("dialog-confirm"));
    await waitFor(() => expect(screen.queryByTestId("status-dialog")).toBeNull());
    expect(calls).toEqual([
      {
        action: {
          type: "set-status",
          reference: "T-1",
          status: "accepted",
          approver: "CISO",
          reason: "low value",
          expires: "2030-01-31",
          transferredTo: null,
        },
      },
    ]);
    expect(screen.getByTestId("status-message").textContent).toBe("set T-1 to accepted");
  });

  it("'m' sets mitigated at once; a refusal shows the core's message", async () => {
    backend({
      vocabulary: () => vocabulary,
      act: () => {
        throw { code: "refused", message: "mitigated needs a linked mitigation" };
      },
    });
    await openEditor();
    act(() => useApp.getState().doc!.getState().selectThreat("T-2"));
    fireEvent.keyDown(screen.getByTestId("register"), { key: "m" });
    await waitFor(() => expect(screen.getByTestId("error").textContent).toBe("mitigated needs a linked mitigation"));
    expect(screen.queryByTestId("status-dialog")).toBeNull();
  });

  it("asks before deleting, listing the threats that would become obsolete", async () => {
    backend({
      vocabulary: () => vocabulary,
      preview_delete: () => [view().threats[2]],
      edit: () => outcome(view({ revision: 2 }), { message: "delete API", resolved: ["T-1"] }),
    });
    act(() => useApp.getState().openDocument(view()));
    render(<App />);
    act(() => useApp.getState().doc!.getState().setSelection(["api"]));
    fireEvent.keyDown(window, { key: "Delete" });
    const dialog = await screen.findByTestId("delete-dialog");
    expect(dialog.textContent).toContain("T-1");
    fireEvent.click(screen.getByTestId("dialog-confirm"));
    await waitFor(() => expect(screen.getByTestId("status-message").textContent).toBe("delete API · 1 resolved"));
    expect(mockInvoke).toHaveBeenCalledWith("preview_delete", { keys: ["api"] });
    expect(mockInvoke).toHaveBeenCalledWith("edit", { edit: { type: "delete", keys: ["api"] } });
  });

  it("exports a report to the chosen path", async () => {
    backend({
      vocabulary: () => vocabulary,
      choose_path: () => "/tmp/Demo.html",
      export_report: () => ["diagram omitted"],
    });
    act(() => useApp.getState().openDocument(view()));
    render(<App />);
    fireEvent.click(screen.getByTestId("export-open"));
    const dialog = await screen.findByTestId("export-dialog");
    fireEvent.change(dialog.querySelector("#export-format")!, { target: { value: "html" } });
    fireEvent.click(screen.getByTestId("section-method"));
    fireEvent.click(screen.getByTestId("export-go"));
    await waitFor(() => expect(screen.getByTestId("status-message").textContent).toContain("Exported to /tmp/Demo.html"));
    expect(mockInvoke).toHaveBeenCalledWith("choose_path", { purpose: { report: "html" }, suggested: "Demo.html" });
    expect(mockInvoke).toHaveBeenCalledWith("export_report", {
      path: "/tmp/Demo.html",
      options: { format: "html", title: null, organisation: null, confidentiality: null, omit: ["method"], minSeverity: null },
    });
  });
  it("highlights the selected threat's target and attack path on the canvas", async () => {
    backend({ vocabulary: () => vocabulary });
    act(() => useApp.getState().openDocument(view()));
    const { container } = render(<App />);
    act(() => useApp.getState().doc!.getState().selectThreat("T-1"));
    await waitFor(() => expect(container.querySelector('.react-flow__node[data-id="api"]')!.className).toContain("tw-target"));
    expect(container.querySelector('.react-flow__node[data-id="user"]')!.className).toContain("tw-path");
    expect(container.querySelector('.react-flow__node[data-id="zone"]')!.className).not.toContain("tw-path");
  });

  it("a triage key the lifecycle does not allow says what is allowed, without asking the core", async () => {
    backend({ vocabulary: () => vocabulary });
    const v = view();
    v.threats = v.threats.map((t) => (t.reference === "T-2" ? { ...t, status: "mitigated" as const } : t));
    await openEditor(v);
    act(() => doc().selectThreat("T-2"));
    fireEvent.keyDown(screen.getByTestId("register"), { key: "a" });
    expect(screen.getByTestId("status-message").textContent).toBe(
      "T-2: Mitigated → Accepted is not allowed; from Mitigated: Open, Mitigation planned",
    );
    expect(screen.queryByTestId("status-dialog")).toBeNull();
    expect(mockInvoke.mock.calls.map((c) => c[0])).toEqual(["vocabulary"]);
  });

  it("the status select offers only where the lifecycle allows; the dialog asks exactly what is needed", async () => {
    const calls: unknown[] = [];
    backend({
      vocabulary: () => vocabulary,
      act: (args) => {
        calls.push(args);
        return outcome(view({ revision: 2 }));
      },
    });
    const v = view();
    v.threats = v.threats.map((t) => (t.reference === "T-2" ? { ...t, status: "not-applicable" as const, reason: "no card data" } : t));
    await openEditor(v);
    act(() => doc().selectThreat("T-2"));
    const select = () => screen.getByTestId("detail-status") as HTMLSelectElement;
    expect([...select().options].map((o) => o.value)).toEqual(["not-applicable", "open"]);
    act(() => doc().selectThreat("T-1"));
    expect([...select().options].map((o) => o.value)).toEqual([
      "open",
      "mitigation-planned",
      "mitigated",
      "accepted",
      "transferred",
      "not-applicable",
    ]);
    fireEvent.change(select(), { target: { value: "transferred" } });
    const dialog = await screen.findByTestId("status-dialog");
    expect([...dialog.querySelectorAll("input")].map((i) => i.id)).toEqual(["transferred-to"]);
    fireEvent.change(dialog.querySelector("#transferred-to")!, { target: { value: "Payments vendor" } });
    fireEvent.click(screen.getByTestId("dialog-confirm"));
    await waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0]).toEqual({
      action: { type: "set-status", reference: "T-1", status: "transferred", approver: null, reason: null, expires: null, transferredTo: "Payments vendor" },
    });
  });

  it("ranking inputs use the core's scale", async () => {
    backend({ vocabulary: () => ({ ...vocabulary, scaleMin: 0, scaleMax: 9 }) });
    await openEditor();
    act(() => doc().selectThreat("T-1"));
    const l = screen.getByTestId("rank-likelihood") as HTMLInputElement;
    expect([l.min, l.max]).toEqual(["0", "9"]);
    const i = screen.getByTestId("manual-impact") as HTMLInputElement;
    expect([i.min, i.max]).toEqual(["0", "9"]);
  });

  it("shows the system's fields when nothing is selected", async () => {
    backend({ vocabulary: () => vocabulary });
    await openEditor();
    expect(screen.getByTestId("system-properties")).toBeTruthy();
    act(() => doc().setSelection(["api"]));
    expect(screen.queryByTestId("system-properties")).toBeNull();
    act(() => doc().setSelection([]));
    expect((screen.getByTestId("field-system-owner") as HTMLInputElement).value).toBe("AppSec");
  });

  it("lists data assets and APIs in their tab; a place an asset flows selects it on the canvas", async () => {
    backend({ vocabulary: () => vocabulary });
    const { container } = await openEditor();
    expect(screen.getByTestId("tab-data").textContent).toBe("Data & APIs (3)");
    fireEvent.click(screen.getByTestId("tab-data"));
    expect(screen.getAllByTestId("asset-row").map((r) => r.dataset.key)).toEqual(["creds", "card"]);
    expect(screen.getAllByTestId("api-row").map((r) => r.dataset.key)).toEqual(["public-api"]);
    const creds = screen.getAllByTestId("asset-row")[0];
    const on = creds.querySelector<HTMLButtonElement>('[data-testid="item-on"]')!;
    expect(on.textContent).toBe("Login");
    fireEvent.click(on);
    expect(doc().selection).toEqual(["login"]);
    expect(doc().focus?.key).toBe("login");
    // An API's provider and consumers are elements: the canvas selects the node.
    const provider = screen.getAllByTestId("api-row")[0].querySelector<HTMLButtonElement>('[data-testid="item-on"][data-key="api"]')!;
    fireEvent.click(provider);
    expect(doc().selection).toEqual(["api"]);
    await waitFor(() => expect(container.querySelector('.react-flow__node[data-id="api"]')!.className).toContain("selected"));
    // The register follows the selection, as for a click on the canvas.
    expect(doc().filters.element).toBe("api");
  });

  it("folds the bottom panel away and back, giving the canvas the room", async () => {
    backend({ vocabulary: () => vocabulary });
    await openEditor();
    const panel = screen.getByTestId("bottom-panel");
    expect(panel.style.height).toBe(`${useApp.getState().panelHeight}px`);
    // The canvas keeps at least 60% of an 800px window.
    expect(useApp.getState().panelHeight).toBeLessThanOrEqual(0.4 * 800 - 60);
    fireEvent.click(screen.getByTestId("panel-toggle"));
    expect(panel.className).toContain("collapsed");
    expect(panel.querySelector<HTMLElement>(".tab-body")!.hidden).toBe(true);
    // Choosing a tab shows the panel again.
    fireEvent.click(screen.getByTestId("tab-mitigations"));
    expect(panel.className).not.toContain("collapsed");
    expect(panel.querySelector<HTMLElement>(".tab-body")!.hidden).toBe(false);
  });

  it("compares with the baseline: marks and ghosts on the canvas, a list that selects", async () => {
    const compare = {
      against: "baseline #1 · Rita · 2026-11-27T10:00:00Z",
      verdict: "risk up: +1 high",
      risk: "up",
      marks: [{ key: "api", mark: "changed" }],
      ghosts: [
        {
          key: "old-cache", id: "g1", kind: "data-store", name: "Old cache", x: 40, y: 320, width: 150, height: 56,
          boundary: null, depth: 0, threats: 0, worst: null, changed: false, props: {},
        },
      ],
      ghostEdges: [
        {
          key: "api-cache", id: "g2", from: "api", to: "old-cache", label: "Cache", bidirectional: false, crosses: false,
          threats: 0, worst: null, changed: false, props: {},
        },
      ],
      entries: [
        { group: "Threats", change: "new", text: "T-1 high — Threat T-1 (on API)", element: "api", threat: "T-1" },
        { group: "Model", change: "removed", text: "removed: data store `old-cache` (Old cache)", element: null, threat: null },
        { group: "Model", change: "changed", text: "changed: process `api` (API); authenticated: false → true", element: "api", threat: null },
      ],
    };
    backend({ vocabulary: () => vocabulary, compare: () => compare });
    const { container } = await openEditor(view({ baseline: { id: 1, at: "2026-11-27T10:00:00Z", reviewer: "Rita", note: null } }));
    fireEvent.click(screen.getByTestId("compare-baseline"));
    await waitFor(() => expect(screen.getByTestId("compare-verdict").textContent).toBe("risk up: +1 high"));
    expect(mockInvoke).toHaveBeenCalledWith("compare", { with: { type: "baseline" } });
    await waitFor(() => expect(container.querySelector('.react-flow__node[data-id="api"]')!.className).toContain("tw-cmp-changed"));
    expect(screen.getByTestId("ghost-old-cache").textContent).toBe("Old cache");
    const entries = screen.getAllByTestId("compare-entry") as HTMLButtonElement[];
    expect(entries).toHaveLength(3);
    expect(entries[1].disabled).toBe(true);
    fireEvent.click(entries[0]);
    expect(doc().selectedThreat).toBe("T-1");
    expect(doc().selection).toEqual(["api"]);
    fireEvent.click(screen.getByTestId("compare-close"));
    await waitFor(() => expect(screen.queryByTestId("ghost-old-cache")).toBeNull());
    expect(screen.queryByTestId("tab-compare")).toBeNull();
  });

  it("imports from the start screen: the report first, then the project opens", async () => {
    const report = {
      format: "openapi",
      sources: ["petcare.yaml"],
      counts: { processes: 1, flows: 2 },
      notes: [
        { kind: "needs-review", at: null, item: "petcare-service", message: "2 operation(s) need no authentication: login, listClinics" },
        { kind: "inferred", at: null, item: "petcare-personal-data", message: "Personal data suggested by 5 field name(s)" },
      ],
    };
    const paths = ["/tmp/petcare.yaml", "/tmp/petcare.twdb"];
    backend({
      app_info: () => ({ version: "0.1.0", examples: [], recent: [] }),
      choose_path: () => paths.shift(),
      import_preview: () => report,
      import_open: () => view(),
      vocabulary: () => vocabulary,
    });
    render(<App />);
    fireEvent.click(screen.getByTestId("import-open"));
    fireEvent.click(screen.getByTestId("import-openapi"));
    await waitFor(() => expect(screen.getByTestId("import-report")).toBeTruthy());
    expect(mockInvoke).toHaveBeenCalledWith("choose_path", { purpose: { import: "openapi" }, suggested: "" });
    expect(screen.getByTestId("import-counts").textContent).toContain("1 processes, 2 flows");
    expect(screen.getAllByTestId("import-note").map((n) => n.getAttribute("data-kind"))).toEqual(["needs-review", "inferred"]);
    expect(mockInvoke).not.toHaveBeenCalledWith("import_open", expect.anything());
    fireEvent.click(screen.getByTestId("import-create"));
    await waitFor(() => expect(screen.getByTestId("register")).toBeTruthy());
    expect(mockInvoke).toHaveBeenCalledWith("import_open", { kind: "openapi", path: "/tmp/petcare.yaml", into: "/tmp/petcare.twdb" });
  });
});
