// State of the app shell and, per open document, one zustand store holding the latest
// DocumentView from the core plus what is purely UI (selection, filters, sort, tabs).
// The core's answer replaces the view whole or brings it up to date with the changes it
// lists (applyDelta: items put in or taken out by name, nothing computed); unchanged
// nodes and rows keep their identity, so memoised components skip them. Nothing here
// derives domain facts.
import { createContext, useContext } from "react";
import { create, createStore, useStore, type StoreApi } from "zustand";
import type { Clipboard } from "./bindings/Clipboard";
import type { CompareView } from "./bindings/CompareView";
import type { CompareWith } from "./bindings/CompareWith";
import type { DocumentView } from "./bindings/DocumentView";
import type { ListChanges } from "./bindings/ListChanges";
import type { ViewDelta } from "./bindings/ViewDelta";
import type { Outcome } from "./bindings/Outcome";
import type { RiskLevel } from "./bindings/RiskLevel";
import type { Stride } from "./bindings/Stride";
import type { ThreatRow } from "./bindings/ThreatRow";
import type { ThreatStatus } from "./bindings/ThreatStatus";
import type { Vocabulary } from "./bindings/Vocabulary";
import { SEVERITY_ORDER, STATUS, STRIDE } from "./labels";

// ---------------------------------------------------------------- register helpers

export interface Filters {
  severity: RiskLevel | "";
  status: ThreatStatus | "";
  stride: Stride | "";
  owasp: string;
  /** Key of the element or flow selected on the canvas. */
  element: string | null;
  text: string;
}

export const NO_FILTERS: Filters = { severity: "", status: "", stride: "", owasp: "", element: null, text: "" };

export type SortKey =
  | "reference"
  | "title"
  | "target"
  | "stride"
  | "owasp"
  | "likelihood"
  | "impact"
  | "severity"
  | "status"
  | "mitigations";

export interface Sort {
  key: SortKey;
  dir: 1 | -1;
}

export function filterRows(rows: ThreatRow[], f: Filters): ThreatRow[] {
  const text = f.text.trim().toLowerCase();
  if (!f.severity && !f.status && !f.stride && !f.owasp && !f.element && !text) return rows;
  return rows.filter(
    (r) =>
      (!f.severity || r.severity === f.severity) &&
      (!f.status || r.status === f.status) &&
      (!f.stride || r.stride === f.stride) &&
      (!f.owasp || r.owasp.includes(f.owasp)) &&
      (!f.element || r.target === f.element) &&
      (!text ||
        r.reference.toLowerCase().includes(text) ||
        r.title.toLowerCase().includes(text) ||
        r.targetName.toLowerCase().includes(text) ||
        r.target.toLowerCase().includes(text)),
  );
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
const severityRank = (s: RiskLevel) => SEVERITY_ORDER.length - SEVERITY_ORDER.indexOf(s);
const statusOrder = Object.keys(STATUS) as ThreatStatus[];
const strideOrder = Object.keys(STRIDE) as Stride[];

function compare(key: SortKey, a: ThreatRow, b: ThreatRow): number {
  switch (key) {
    case "reference":
      return collator.compare(a.reference, b.reference);
    case "title":
      return collator.compare(a.title, b.title);
    case "target":
      return collator.compare(a.targetName, b.targetName);
    case "stride":
      return strideOrder.indexOf(a.stride) - strideOrder.indexOf(b.stride);
    case "owasp":
      return collator.compare(a.owasp.join(","), b.owasp.join(","));
    case "likelihood":
      return a.likelihood - b.likelihood;
    case "impact":
      return a.impact - b.impact;
    case "severity":
      return severityRank(a.severity) - severityRank(b.severity);
    case "status":
      return statusOrder.indexOf(a.status) - statusOrder.indexOf(b.status);
    case "mitigations":
      return a.mitigations.length - b.mitigations.length;
  }
}

/** Sorted copy; ties keep the core's order (the register order). */
export function sortRows(rows: ThreatRow[], sort: Sort | null): ThreatRow[] {
  if (!sort) return rows;
  const indexed = rows.map((r, i) => [r, i] as const);
  indexed.sort((x, y) => compare(sort.key, x[0], y[0]) * sort.dir || x[1] - y[1]);
  return indexed.map((x) => x[0]);
}

/** Decision fields of the set-status action (the core's `needs` use the YAML names). */
export type ResponseField = "approver" | "reason" | "expires" | "transferredTo";

/** A status's decision field (`needs` of the vocabulary) → the set-status action's field. */
export const NEED_FIELD: Record<string, ResponseField> = {
  approver: "approver",
  reason: "reason",
  expires: "expires",
  transferred_to: "transferredTo",
};

/** The fields the status dialog asks for a status: exactly the core's `needs`. */
export function fieldsFor(vocabulary: Vocabulary, status: ThreatStatus): ResponseField[] {
  const spec = vocabulary.statuses.find((s) => s.status === status);
  return (spec?.needs ?? []).map((n) => NEED_FIELD[n]).filter((f): f is ResponseField => !!f);
}

/** Statuses a person may set from `current` (the core's lifecycle table). */
export function nextStatuses(vocabulary: Vocabulary, current: ThreatStatus): ThreatStatus[] {
  return vocabulary.statuses.find((s) => s.status === current)?.next ?? [];
}

/** A short line naming where a threat can go from `current`, for a refused triage key. */
export function notAllowedMessage(vocabulary: Vocabulary, current: ThreatStatus, wanted: ThreatStatus): string {
  const next = nextStatuses(vocabulary, current);
  const allowed = next.length ? next.map((s) => STATUS[s]).join(", ") : "nothing (the analysis decides)";
  return `${STATUS[current]} → ${STATUS[wanted]} is not allowed; from ${STATUS[current]}: ${allowed}`;
}

export const TRIAGE_KEYS: Record<string, ThreatStatus> = {
  o: "open",
  m: "mitigated",
  p: "mitigation-planned",
  a: "accepted",
  t: "transferred",
  n: "not-applicable",
};

export type Triage =
  /** Allowed. Empty fields: set at once; otherwise open the status dialog with these inputs. */
  | { status: ThreatStatus; fields: ResponseField[] }
  /** Not allowed from the current status: show the message, do not ask the core. */
  | { status: ThreatStatus; refused: string };

/**
 * The triage key pressed in the register for a threat in status `current`, or null when
 * it is not a triage key.
 */
export function triageFor(key: string, current: ThreatStatus, vocabulary: Vocabulary): Triage | null {
  const status = TRIAGE_KEYS[key.toLowerCase()];
  if (!status) return null;
  if (!nextStatuses(vocabulary, current).includes(status)) return { status, refused: notAllowedMessage(vocabulary, current, status) };
  return { status, fields: fieldsFor(vocabulary, status) };
}

/** The status bar line for an outcome. */
export function outcomeMessage(o: Outcome): string {
  const parts = [o.message];
  if (o.appeared.length) parts.push(`${o.appeared.length} new threat${o.appeared.length === 1 ? "" : "s"}`);
  if (o.resolved.length) parts.push(`${o.resolved.length} resolved`);
  return parts.filter(Boolean).join(" · ");
}

// ---------------------------------------------------------------- answers as changes

/** `old` with the changes applied; null when they do not fit it (a name missing). */
export function applyList<T>(old: T[], c: ListChanges<T>, name: (t: T) => string): T[] | null {
  if (!c.upsert.length && !c.remove.length && !c.order) return old;
  const up = new Map(c.upsert.map((t) => [name(t), t] as const));
  if (c.order) {
    const before = new Map(old.map((t) => [name(t), t] as const));
    const out: T[] = [];
    for (const n of c.order) {
      const t = up.get(n) ?? before.get(n);
      if (t === undefined) return null;
      out.push(t);
    }
    return out;
  }
  const gone = new Set(c.remove);
  return old.filter((t) => !gone.has(name(t))).map((t) => up.get(name(t)) ?? t);
}

/** The view of revision `d.head.revision` from `old`; null when `old` is not its base. */
export function applyDelta(old: DocumentView, d: ViewDelta): DocumentView | null {
  if (old.revision !== d.base) return null;
  const nodes = applyList(old.nodes, d.nodes, (n) => n.key);
  const edges = applyList(old.edges, d.edges, (e) => e.key);
  const threats = applyList(old.threats, d.threats, (t) => t.reference);
  const mitigations = applyList(old.mitigations, d.mitigations, (m) => m.reference);
  const questions = applyList(old.questions, d.questions, (q) => q.id);
  if (!nodes || !edges || !threats || !mitigations || !questions) return null;
  return { ...d.head, nodes, edges, threats, mitigations, questions };
}

/** What became of an answer: taken, dropped as older than the view, or not fitting the
 * view held (then the whole view is asked for). */
export type Applied = "applied" | "stale" | "needs-view";

// ---------------------------------------------------------------- document store

export type Tab = "threats" | "questions" | "mitigations" | "diagnostics" | "data" | "compare";

/** A request to bring an item into view on the canvas (n tells repeated requests apart). */
export interface Focus {
  key: string;
  n: number;
}

export interface DocState {
  view: DocumentView;
  message: string;
  /** Threats that appeared in the latest outcome (marked in the register). */
  appeared: string[];
  /** Keys of the selected nodes and edges. */
  selection: string[];
  selectedThreat: string | null;
  checked: string[];
  filters: Filters;
  sort: Sort | null;
  tab: Tab;
  focus: Focus | null;
  /** The open comparison (core's answer) and what it compares with, while one is open. */
  compare: CompareView | null;
  compareWith: CompareWith | null;

  /** Takes the core's answer (see Applied); changes nothing unless it is applied. */
  applyOutcome: (o: Outcome) => Applied;
  applyView: (v: DocumentView) => boolean;
  setMessage: (m: string) => void;
  setSelection: (keys: string[]) => void;
  selectThreat: (reference: string | null) => void;
  toggleChecked: (reference: string) => void;
  setChecked: (references: string[]) => void;
  setFilter: (patch: Partial<Filters>) => void;
  clearFilters: () => void;
  sortBy: (key: SortKey) => void;
  setTab: (tab: Tab) => void;
  /** Selects an element or flow and brings it into view on the canvas. */
  reveal: (key: string) => void;
  /** Opens (or, with nulls, closes) a comparison. */
  setCompare: (c: CompareView | null, w: CompareWith | null) => void;
}

export type DocumentStore = StoreApi<DocState>;

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export function createDocumentStore(view: DocumentView): DocumentStore {
  return createStore<DocState>()((set, get) => {
    const take = (v: DocumentView, patch: Partial<DocState>): boolean => {
      if (v.revision < get().view.revision) return false;
      const items = new Set<string>([...v.nodes.map((n) => n.key), ...v.edges.map((e) => e.key)]);
      const refs = new Set(v.threats.map((t) => t.reference));
      const s = get();
      const selection = s.selection.filter((k) => items.has(k));
      const checked = s.checked.filter((r) => refs.has(r));
      set({
        view: v,
        selection: sameList(selection, s.selection) ? s.selection : selection,
        checked: sameList(checked, s.checked) ? s.checked : checked,
        selectedThreat: s.selectedThreat && refs.has(s.selectedThreat) ? s.selectedThreat : null,
        filters: s.filters.element && !items.has(s.filters.element) ? { ...s.filters, element: null } : s.filters,
        ...patch,
      });
      return true;
    };
    return {
      view,
      message: `Opened ${view.path}`,
      appeared: [],
      selection: [],
      selectedThreat: null,
      checked: [],
      filters: NO_FILTERS,
      sort: null,
      tab: "threats",
      focus: null,
      compare: null,
      compareWith: null,
      applyOutcome: (o) => {
        const patch = { message: outcomeMessage(o), appeared: o.appeared };
        if (o.change.type === "whole") return take(o.change.value, patch) ? "applied" : "stale";
        const d = o.change.value;
        if (d.head.revision < get().view.revision) return "stale";
        const v = applyDelta(get().view, d);
        if (!v) return "needs-view";
        return take(v, patch) ? "applied" : "stale";
      },
      applyView: (v) => take(v, {}),
      setMessage: (message) => set({ message }),
      setSelection: (keys) => {
        const s = get();
        if (sameList(keys, s.selection)) return;
        // One item selected: the register shows its threats. None: the filter goes.
        const element = keys.length === 1 ? keys[0] : keys.length === 0 ? null : s.filters.element;
        set({ selection: keys, filters: { ...s.filters, element } });
      },
      selectThreat: (selectedThreat) => set({ selectedThreat }),
      toggleChecked: (r) => {
        const c = get().checked;
        set({ checked: c.includes(r) ? c.filter((x) => x !== r) : [...c, r] });
      },
      setChecked: (checked) => set({ checked }),
      setFilter: (patch) => set({ filters: { ...get().filters, ...patch } }),
      clearFilters: () => set({ filters: NO_FILTERS }),
      sortBy: (key) => {
        const s = get().sort;
        set({ sort: s && s.key === key ? { key, dir: s.dir === 1 ? -1 : 1 } : { key, dir: 1 } });
      },
      setTab: (tab) => set({ tab }),
      reveal: (key) => {
        get().setSelection([key]);
        set({ focus: { key, n: (get().focus?.n ?? 0) + 1 } });
      },
      setCompare: (compare, compareWith) => {
        const tab = get().tab;
        set({ compare, compareWith, tab: compare ? tab : tab === "compare" ? "threats" : tab });
      },
    };
  });
}

export const DocContext = createContext<DocumentStore | null>(null);

export function useDocStore(): DocumentStore {
  const s = useContext(DocContext);
  if (!s) throw new Error("no document store");
  return s;
}

export function useDoc<T>(selector: (s: DocState) => T): T {
  return useStore(useDocStore(), selector);
}

// ---------------------------------------------------------------- app store

export type Theme = "light" | "dark";

/** Height of the bottom panel (px) at start: the canvas keeps about two thirds. */
export const defaultPanelHeight = () =>
  Math.max(180, Math.round((typeof window === "undefined" ? 800 : window.innerHeight) * 0.3));

export interface AppState {
  error: string | null;
  /** The bottom panel: its height (px) and whether it is folded down to its tabs. */
  panelHeight: number;
  panelCollapsed: boolean;
  setPanelHeight: (h: number) => void;
  togglePanel: (collapsed?: boolean) => void;
  theme: Theme;
  presentation: boolean;
  shortcuts: boolean;
  vocabulary: Vocabulary | null;
  clipboard: Clipboard | null;
  /** The open document's store (a new one per document). */
  doc: DocumentStore | null;
  setError: (e: string | null) => void;
  toggleTheme: () => void;
  togglePresentation: () => void;
  setShortcuts: (open: boolean) => void;
  setVocabulary: (v: Vocabulary) => void;
  setClipboard: (c: Clipboard) => void;
  openDocument: (v: DocumentView) => void;
  closeDocument: () => void;
}

export const useApp = create<AppState>()((set) => ({
  error: null,
  panelHeight: defaultPanelHeight(),
  panelCollapsed: false,
  setPanelHeight: (panelHeight) => set({ panelHeight }),
  togglePanel: (collapsed) => set((s) => ({ panelCollapsed: collapsed ?? !s.panelCollapsed })),
  theme: "light",
  presentation: false,
  shortcuts: false,
  vocabulary: null,
  clipboard: null,
  doc: null,
  setError: (error) => set({ error }),
  toggleTheme: () => set((s) => ({ theme: s.theme === "light" ? "dark" : "light" })),
  togglePresentation: () => set((s) => ({ presentation: !s.presentation })),
  setShortcuts: (shortcuts) => set({ shortcuts }),
  setVocabulary: (vocabulary) => set({ vocabulary }),
  setClipboard: (clipboard) => set({ clipboard }),
  openDocument: (v) => set({ doc: createDocumentStore(v), error: null }),
  closeDocument: () => set({ doc: null, presentation: false }),
}));
