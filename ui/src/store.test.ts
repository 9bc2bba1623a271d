import { describe, expect, it } from "vitest";
import {
  applyDelta,
  createDocumentStore,
  filterRows,
  NO_FILTERS,
  outcomeMessage,
  fieldsFor,
  nextStatuses,
  sortRows,
  triageFor,
} from "./store";
import type { Outcome } from "./bindings/Outcome";
import type { ViewDelta } from "./bindings/ViewDelta";
import type { Vocabulary } from "./bindings/Vocabulary";
import { outcome, threat, view, vocabulary } from "./test/fixtures";

describe("document store", () => {
  it("replaces the whole view with an outcome's and shows its message", () => {
    const doc = createDocumentStore(view({ revision: 1 }));
    const next = view({ revision: 2, name: "Renamed" });
    expect(doc.getState().applyOutcome(outcome(next, { message: "edit name of Demo", appeared: ["T-3", "T-4"], resolved: ["T-1"] }))).toBe("applied");
    expect(doc.getState().view).toBe(next);
    expect(doc.getState().message).toBe("edit name of Demo · 2 new threats · 1 resolved");
    expect(doc.getState().appeared).toEqual(["T-3", "T-4"]);
  });

  it("drops answers older than the view it has", () => {
    const doc = createDocumentStore(view({ revision: 5 }));
    const current = doc.getState().view;
    expect(doc.getState().applyOutcome(outcome(view({ revision: 4, name: "Old" })))).toBe("stale");
    expect(doc.getState().view).toBe(current);
    expect(doc.getState().applyView(view({ revision: 3 }))).toBe(false);
    // The same revision (an edit that changed nothing) is taken.
    expect(doc.getState().applyOutcome(outcome(view({ revision: 5, name: "Same" })))).toBe("applied");
    expect(doc.getState().view.name).toBe("Same");
  });

  it("applies an answer's changes: unchanged rows and nodes keep their identity", () => {
    const doc = createDocumentStore(view({ revision: 1 }));
    const before = doc.getState().view;
    const [t2, t10, t1] = before.threats;
    const head = { ...view({ revision: 2, name: "After" }), nodes: [], edges: [], threats: [], mitigations: [], questions: [] };
    const changed = { ...t10, status: "open" as const };
    const added = threat("T-11", { title: "New one" });
    const delta: ViewDelta = {
      base: 1,
      head,
      nodes: { upsert: [], remove: [], order: null },
      edges: { upsert: [], remove: [before.edges[0].key], order: null },
      threats: { upsert: [changed, added], remove: ["T-2"], order: ["T-11", "T-10", "T-1"] },
      mitigations: { upsert: [], remove: [], order: null },
      questions: { upsert: [], remove: [], order: null },
    };
    const o: Outcome = { change: { type: "delta", value: delta }, appeared: ["T-11"], resolved: ["T-2"], message: "edit", coreMs: 30 };
    expect(doc.getState().applyOutcome(o)).toBe("applied");
    const after = doc.getState().view;
    expect(after.name).toBe("After");
    expect(after.revision).toBe(2);
    expect(after.threats.map((t) => t.reference)).toEqual(["T-11", "T-10", "T-1"]);
    expect(after.threats[1]).toBe(changed);
    expect(after.threats[2]).toBe(t1);
    expect(after.threats).not.toContain(t2);
    expect(after.nodes).toBe(before.nodes);
    expect(after.nodes[0]).toBe(before.nodes[0]);
    expect(after.edges).toHaveLength(before.edges.length - 1);
    expect(after.mitigations).toBe(before.mitigations);
  });

  it("asks for the whole view when changes do not fit the view held, and drops older ones", () => {
    const doc = createDocumentStore(view({ revision: 3 }));
    const current = doc.getState().view;
    const empty = { upsert: [], remove: [], order: null };
    const head = { ...view({ revision: 5 }), nodes: [], edges: [], threats: [], mitigations: [] };
    const skipped: ViewDelta = { base: 4, head, nodes: empty, edges: empty, threats: empty, mitigations: empty, questions: empty };
    const o = (value: ViewDelta): Outcome => ({ change: { type: "delta", value }, appeared: [], resolved: [], message: "", coreMs: 30 });
    expect(doc.getState().applyOutcome(o(skipped))).toBe("needs-view");
    expect(doc.getState().view).toBe(current);
    const older: ViewDelta = { ...skipped, base: 1, head: { ...head, revision: 2 } };
    expect(doc.getState().applyOutcome(o(older))).toBe("stale");
    // A name in the new order that neither the view nor the changes hold: not applied.
    const broken: ViewDelta = { ...skipped, base: 3, threats: { upsert: [], remove: [], order: ["T-99"] } };
    expect(applyDelta(current, broken)).toBeNull();
    expect(doc.getState().applyOutcome(o(broken))).toBe("needs-view");
  });

  it("forgets selections of items and threats that are gone", () => {
    const doc = createDocumentStore(view());
    doc.getState().setSelection(["login"]);
    doc.getState().selectThreat("T-10");
    doc.getState().setChecked(["T-1", "T-10"]);
    expect(doc.getState().filters.element).toBe("login");
    const v = view({ revision: 2 });
    v.edges = [];
    v.threats = v.threats.filter((t) => t.reference !== "T-10");
    doc.getState().applyOutcome(outcome(v));
    const s = doc.getState();
    expect(s.selection).toEqual([]);
    expect(s.selectedThreat).toBeNull();
    expect(s.checked).toEqual(["T-1"]);
    expect(s.filters.element).toBeNull();
  });

  it("filters the register by the single selected element and clears on deselect", () => {
    const doc = createDocumentStore(view());
    doc.getState().setSelection(["api"]);
    expect(doc.getState().filters.element).toBe("api");
    doc.getState().setSelection(["api", "user"]);
    expect(doc.getState().filters.element).toBe("api");
    doc.getState().setSelection([]);
    expect(doc.getState().filters.element).toBeNull();
  });

  it("toggles sort direction on the same column", () => {
    const doc = createDocumentStore(view());
    doc.getState().sortBy("severity");
    expect(doc.getState().sort).toEqual({ key: "severity", dir: 1 });
    doc.getState().sortBy("severity");
    expect(doc.getState().sort).toEqual({ key: "severity", dir: -1 });
    doc.getState().sortBy("reference");
    expect(doc.getState().sort).toEqual({ key: "reference", dir: 1 });
  });
});

describe("register filtering and sorting", () => {
  const rows = view().threats;
  const refs = (rs: { reference: string }[]) => rs.map((r) => r.reference);

  it("keeps everything with no filters (same array)", () => {
    expect(filterRows(rows, NO_FILTERS)).toBe(rows);
  });

  it("filters by severity, status, STRIDE, OWASP, element and text", () => {
    expect(refs(filterRows(rows, { ...NO_FILTERS, severity: "critical" }))).toEqual(["T-1"]);
    expect(refs(filterRows(rows, { ...NO_FILTERS, status: "accepted" }))).toEqual(["T-10"]);
    expect(refs(filterRows(rows, { ...NO_FILTERS, stride: "tampering" }))).toEqual(["T-2"]);
    expect(refs(filterRows(rows, { ...NO_FILTERS, owasp: "API2:2023" }))).toEqual(["T-2"]);
    expect(refs(filterRows(rows, { ...NO_FILTERS, element: "login" }))).toEqual(["T-10"]);
    expect(refs(filterRows(rows, { ...NO_FILTERS, text: "spoofed" }))).toEqual(["T-1"]);
    expect(refs(filterRows(rows, { ...NO_FILTERS, text: "LOGIN" }))).toEqual(["T-10"]);
    expect(refs(filterRows(rows, { ...NO_FILTERS, severity: "high", text: "spoofed" }))).toEqual([]);
  });

  it("sorts references naturally and severity by rank, both ways", () => {
    expect(refs(sortRows(rows, { key: "reference", dir: 1 }))).toEqual(["T-1", "T-2", "T-10"]);
    expect(refs(sortRows(rows, { key: "reference", dir: -1 }))).toEqual(["T-10", "T-2", "T-1"]);
    expect(refs(sortRows(rows, { key: "severity", dir: -1 }))).toEqual(["T-1", "T-2", "T-10"]);
    expect(refs(sortRows(rows, { key: "severity", dir: 1 }))).toEqual(["T-10", "T-2", "T-1"]);
    expect(sortRows(rows, null)).toBe(rows);
  });

  it("keeps the core's order for ties", () => {
    const same = [threat("T-3"), threat("T-1"), threat("T-2")];
    expect(refs(sortRows(same, { key: "severity", dir: 1 }))).toEqual(["T-3", "T-1", "T-2"]);
  });

  it("stays fast at 10k rows", () => {
    const many = Array.from({ length: 10_000 }, (_, i) =>
      threat(`T-${i + 1}`, { severity: (["low", "medium", "high", "critical"] as const)[i % 4], title: `Threat number ${i}` }),
    );
    const t0 = performance.now();
    const out = sortRows(filterRows(many, { ...NO_FILTERS, text: "number 1" }), { key: "severity", dir: -1 });
    expect(out.length).toBeGreaterThan(1000);
    expect(performance.now() - t0).toBeLessThan(500);
  });
});

describe("the status table comes from the core's vocabulary", () => {
  it("asks exactly for the decision fields a status needs", () => {
    expect(fieldsFor(vocabulary, "open")).toEqual([]);
    expect(fieldsFor(vocabulary, "mitigated")).toEqual([]);
    expect(fieldsFor(vocabulary, "accepted")).toEqual(["approver", "reason", "expires"]);
    // transferred_to (the core's name) is the action's transferredTo; no reason asked.
    expect(fieldsFor(vocabulary, "transferred")).toEqual(["transferredTo"]);
    expect(fieldsFor(vocabulary, "not-applicable")).toEqual(["reason"]);
    expect(fieldsFor(vocabulary, "obsolete")).toEqual([]);
  });

  it("follows the vocabulary it is given, not a copy of the table", () => {
    const changed: Vocabulary = {
      ...vocabulary,
      statuses: vocabulary.statuses.map((s) =>
        s.status === "mitigated" ? { ...s, needs: ["reason", "approver"] } : s.status === "open" ? { ...s, next: ["mitigated"] } : s,
      ),
    };
    expect(fieldsFor(changed, "mitigated")).toEqual(["reason", "approver"]);
    expect(nextStatuses(changed, "open")).toEqual(["mitigated"]);
    expect(triageFor("a", "open", changed)).toMatchObject({ status: "accepted", refused: expect.any(String) });
    expect(triageFor("m", "open", changed)).toEqual({ status: "mitigated", fields: ["reason", "approver"] });
  });

  it("lists where a threat may go from its status", () => {
    expect(nextStatuses(vocabulary, "mitigated")).toEqual(["open", "mitigation-planned"]);
    expect(nextStatuses(vocabulary, "obsolete")).toEqual([]);
  });
});

describe("triage keys", () => {
  it("maps keys to allowed statuses and the dialog fields they need", () => {
    expect(triageFor("m", "open", vocabulary)).toEqual({ status: "mitigated", fields: [] });
    expect(triageFor("p", "open", vocabulary)).toEqual({ status: "mitigation-planned", fields: [] });
    expect(triageFor("A", "open", vocabulary)).toEqual({ status: "accepted", fields: ["approver", "reason", "expires"] });
    expect(triageFor("t", "open", vocabulary)).toEqual({ status: "transferred", fields: ["transferredTo"] });
    expect(triageFor("n", "open", vocabulary)).toEqual({ status: "not-applicable", fields: ["reason"] });
    expect(triageFor("o", "accepted", vocabulary)).toEqual({ status: "open", fields: [] });
    // An acceptance can be renewed.
    expect(triageFor("a", "accepted", vocabulary)).toEqual({ status: "accepted", fields: ["approver", "reason", "expires"] });
    expect(triageFor("x", "open", vocabulary)).toBeNull();
    expect(triageFor("j", "open", vocabulary)).toBeNull();
  });

  it("refuses a status the lifecycle does not allow, naming what is allowed", () => {
    const t = triageFor("a", "mitigated", vocabulary);
    expect(t).toEqual({ status: "accepted", refused: "Mitigated → Accepted is not allowed; from Mitigated: Open, Mitigation planned" });
    expect(triageFor("o", "open", vocabulary)).toMatchObject({ refused: expect.stringContaining("from Open: Mitigation planned, Mitigated") });
    expect(triageFor("m", "not-applicable", vocabulary)).toMatchObject({ refused: expect.stringContaining("from Not applicable: Open") });
    expect(triageFor("o", "obsolete", vocabulary)).toMatchObject({ refused: expect.stringContaining("nothing") });
  });
});

describe("reveal", () => {
  it("selects the item and asks the canvas to show it, every time", () => {
    const doc = createDocumentStore(view());
    doc.getState().reveal("login");
    expect(doc.getState().selection).toEqual(["login"]);
    expect(doc.getState().filters.element).toBe("login");
    const first = doc.getState().focus;
    expect(first?.key).toBe("login");
    doc.getState().reveal("login");
    expect(doc.getState().focus).not.toEqual(first);
  });
});

describe("outcome messages", () => {
  it("adds counts only when there are some", () => {
    expect(outcomeMessage(outcome(view(), { message: "moved API" }))).toBe("moved API");
    expect(outcomeMessage(outcome(view(), { message: "added", appeared: ["T-9"] }))).toBe("added · 1 new threat");
  });
});
