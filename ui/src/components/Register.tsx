import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useMemo, useRef, type KeyboardEvent } from "react";
import type { RiskLevel } from "../bindings/RiskLevel";
import type { Stride } from "../bindings/Stride";
import type { ThreatStatus } from "../bindings/ThreatStatus";
import { doAct } from "../actions";
import { keysOf, SEVERITY, SEVERITY_ORDER, STATUS, STRIDE, STRIDE_LETTER } from "../labels";
import { filterRows, sortRows, TRIAGE_KEYS, triageFor, useApp, useDoc, useDocStore, type SortKey } from "../store";
import type { StatusRequest } from "./StatusDialog";

const ROW = 28;

const COLUMNS: { key: SortKey; label: string; title?: string }[] = [
  { key: "reference", label: "Ref" },
  { key: "title", label: "Title" },
  { key: "target", label: "Target" },
  { key: "stride", label: "STRIDE" },
  { key: "owasp", label: "OWASP" },
  { key: "likelihood", label: "L", title: "Likelihood" },
  { key: "impact", label: "I", title: "Impact" },
  { key: "severity", label: "Severity" },
  { key: "status", label: "Status" },
  { key: "mitigations", label: "Mitigations" },
];

export function Register({ onStatus }: { onStatus: (r: StatusRequest) => void }) {
  const doc = useDocStore();
  const threats = useDoc((s) => s.view.threats);
  const filters = useDoc((s) => s.filters);
  const sort = useDoc((s) => s.sort);
  const selected = useDoc((s) => s.selectedThreat);
  const checked = useDoc((s) => s.checked);
  const appeared = useDoc((s) => s.appeared);
  const { setFilter, sortBy, selectThreat, toggleChecked, setChecked } = doc.getState();

  const rows = useMemo(() => sortRows(filterRows(threats, filters), sort), [threats, filters, sort]);
  const owaspItems = useMemo(() => [...new Set(threats.flatMap((t) => t.owasp))].sort(), [threats]);
  const checkedSet = useMemo(() => new Set(checked), [checked]);
  const appearedSet = useMemo(() => new Set(appeared), [appeared]);
  const elementName = filters.element
    ? (threats.find((t) => t.target === filters.element)?.targetName ?? filters.element)
    : null;

  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW,
    overscan: 12,
  });

  const selectedIndex = selected ? rows.findIndex((r) => r.reference === selected) : -1;
  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: "auto" });
  }, [selectedIndex, virtualizer]);

  const setStatus = (reference: string, status: ThreatStatus, fields: StatusRequest["fields"]) => {
    if (fields.length) onStatus({ reference, status, fields });
    else
      doAct(doc, { type: "set-status", reference, status, approver: null, reason: null, expires: null, transferredTo: null });
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const t = e.target as HTMLElement;
    if (["INPUT", "SELECT", "TEXTAREA"].includes(t.tagName) && !(t as HTMLInputElement).type?.match(/checkbox/)) return;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === " " && t.tagName === "INPUT") return;
    const move = (d: number) => {
      if (!rows.length) return;
      const i = selectedIndex < 0 ? (d > 0 ? 0 : rows.length - 1) : Math.min(rows.length - 1, Math.max(0, selectedIndex + d));
      selectThreat(rows[i].reference);
    };
    let handled = true;
    if (e.key === "ArrowDown" || e.key === "j") move(1);
    else if (e.key === "ArrowUp" || e.key === "k") move(-1);
    else if (e.key === " " && selected) toggleChecked(selected);
    else {
      // A triage key never falls through to the canvas shortcuts (p would add a process).
      if (Object.hasOwn(TRIAGE_KEYS, e.key.toLowerCase())) {
        const row = selected ? threats.find((r) => r.reference === selected) : undefined;
        const vocabulary = useApp.getState().vocabulary;
        const triage = row && vocabulary ? triageFor(e.key, row.status, vocabulary) : null;
        if (!row) {
          // Nothing to triage.
        } else if (!triage) doc.getState().setMessage("The status table is still loading…");
        else if ("refused" in triage) doc.getState().setMessage(`${row.reference}: ${triage.refused}`);
        else setStatus(row.reference, triage.status, triage.fields);
      } else handled = false;
    }
    if (handled) {
      e.preventDefault();
      e.stopPropagation();
    }
  };

  const allChecked = rows.length > 0 && rows.every((r) => checkedSet.has(r.reference));

  return (
    <div className="register" data-testid="register" onKeyDown={onKeyDown}>
      <div className="register-filters">
        <input
          type="search"
          data-testid="register-search"
          aria-label="Search threats"
          placeholder="Search ref, title, target"
          value={filters.text}
          onChange={(e) => setFilter({ text: e.target.value })}
        />
        <select aria-label="Severity" data-testid="filter-severity" value={filters.severity} onChange={(e) => setFilter({ severity: e.target.value as RiskLevel | "" })}>
          <option value="">Any severity</option>
          {SEVERITY_ORDER.map((s) => (
            <option key={s} value={s}>
              {SEVERITY[s]}
            </option>
          ))}
        </select>
        <select aria-label="Status" data-testid="filter-status" value={filters.status} onChange={(e) => setFilter({ status: e.target.value as ThreatStatus | "" })}>
          <option value="">Any status</option>
          {keysOf(STATUS).map((s) => (
            <option key={s} value={s}>
              {STATUS[s]}
            </option>
          ))}
        </select>
        <select aria-label="STRIDE" data-testid="filter-stride" value={filters.stride} onChange={(e) => setFilter({ stride: e.target.value as Stride | "" })}>
          <option value="">Any STRIDE</option>
          {keysOf(STRIDE).map((s) => (
            <option key={s} value={s}>
              {STRIDE[s]}
            </option>
          ))}
        </select>
        <select aria-label="OWASP" data-testid="filter-owasp" value={filters.owasp} onChange={(e) => setFilter({ owasp: e.target.value })}>
          <option value="">Any OWASP item</option>
          {owaspItems.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
        {filters.element && (
          <span className="chip" data-testid="element-filter">
            on {elementName}
            <button className="icon" data-testid="clear-element-filter" aria-label="Clear element filter" onClick={() => setFilter({ element: null })}>
              ×
            </button>
          </span>
        )}
        <span className="muted" data-testid="register-count">
          {rows.length} of {threats.length}
        </span>
      </div>
      <div className="register-scroll" ref={scroller} tabIndex={0} role="grid" aria-rowcount={rows.length} aria-label="Threat register">
        <div className="register-row register-head" role="row">
          <span role="columnheader">
            <input
              type="checkbox"
              aria-label="Check all shown"
              checked={allChecked}
              onChange={() => setChecked(allChecked ? [] : rows.map((r) => r.reference))}
            />
          </span>
          {COLUMNS.map((c) => (
            <button
              key={c.key}
              role="columnheader"
              className="sort"
              data-testid={`sort-${c.key}`}
              title={c.title ?? `Sort by ${c.label}`}
              aria-sort={sort?.key === c.key ? (sort.dir === 1 ? "ascending" : "descending") : "none"}
              onClick={() => sortBy(c.key)}
            >
              {c.label}
              {sort?.key === c.key ? (sort.dir === 1 ? " ▲" : " ▼") : ""}
            </button>
          ))}
        </div>
        <div className="register-body" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((v) => {
            const r = rows[v.index];
            const cls = ["register-row"];
            if (r.reference === selected) cls.push("selected");
            if (r.changed) cls.push("changed");
            if (appearedSet.has(r.reference)) cls.push("appeared");
            if (r.status === "obsolete") cls.push("obsolete");
            return (
              <div
                key={r.reference}
                className={cls.join(" ")}
                role="row"
                aria-selected={r.reference === selected}
                data-testid="threat-row"
                data-ref={r.reference}
                style={{ transform: `translateY(${v.start}px)`, height: ROW }}
                onClick={() => selectThreat(r.reference)}
              >
                <span>
                  <input
                    type="checkbox"
                    data-testid="row-check"
                    aria-label={`Check ${r.reference}`}
                    checked={checkedSet.has(r.reference)}
                    onClick={(e) => e.stopPropagation()}
                    onChange={() => toggleChecked(r.reference)}
                  />
                </span>
                <span className="ref">
                  {r.reference}
                  {r.changed && <span className="changed-mark" title="New or changed since the baseline">●</span>}
                </span>
                <span title={r.title}>{r.title}</span>
                <span title={r.target}>{r.targetName}</span>
                <span title={STRIDE[r.stride]}>{STRIDE_LETTER[r.stride]}</span>
                <span title={r.owasp.join(", ")}>{r.owasp.join(", ")}</span>
                <span>{r.likelihood}</span>
                <span>{r.impact}</span>
                <span>
                  <span className={`sev sev-${r.severity}`}>{SEVERITY[r.severity]}</span>
                </span>
                <span data-testid="threat-status" data-status={r.status}>
                  {STATUS[r.status]}
                  {r.signed ? " ✓" : ""}
                </span>
                <span title={r.mitigations.join(", ")}>{r.mitigations.join(", ")}</span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
