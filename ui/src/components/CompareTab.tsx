// The open comparison: the verdict, then the changes grouped as the core lists them.
// Clicking a change selects what it is about (a threat in the register and its target and
// attack path on the canvas, or an element or flow).
import { useEffect, useRef } from "react";
import { refreshCompare } from "../actions";
import type { CompareEntry } from "../bindings/CompareEntry";
import { useDoc, useDocStore } from "../store";

/** Long groups show this many entries; the rest are counted. */
const SHOWN = 400;

export function CompareTab() {
  const doc = useDocStore();
  const c = useDoc((s) => s.compare);
  const revision = useDoc((s) => s.view.revision);

  // The document changed while the comparison is open: compare again.
  const seen = useRef(revision);
  useEffect(() => {
    if (seen.current === revision) return;
    seen.current = revision;
    refreshCompare(doc);
  }, [revision, doc]);

  if (!c) return <p className="muted">No comparison is open.</p>;
  const groups: string[] = [];
  for (const e of c.entries) if (!groups.includes(e.group)) groups.push(e.group);
  const select = (e: CompareEntry) => {
    const s = doc.getState();
    if (e.threat) s.selectThreat(e.threat);
    if (e.element) s.reveal(e.element);
  };

  return (
    <div className="compare-tab" data-testid="compare-tab">
      <div className="compare-head">
        <strong className={`risk risk-${c.risk}`} data-testid="compare-verdict">
          {c.verdict}
        </strong>
        <span className="muted">
          now against {c.against}
        </span>
        <span className="legend">
          <span className="swatch cmp-added" /> added <span className="swatch cmp-changed" /> changed{" "}
          <span className="swatch cmp-ghost" /> removed
        </span>
        <span className="spacer" />
        <button data-testid="compare-close" onClick={() => doc.getState().setCompare(null, null)}>
          Close comparison
        </button>
      </div>
      {c.entries.length === 0 && <p data-testid="compare-empty">No changes to the model or its threats (layout changes are not counted).</p>}
      <div className="compare-groups">
        {groups.map((g) => {
          const list = c.entries.filter((e) => e.group === g);
          return (
            <section key={g} className="compare-group">
              <h4>
                {g} ({list.length})
              </h4>
              <ul>
                {list.slice(0, SHOWN).map((e, i) => (
                  <li key={i}>
                    <button
                      className={`compare-entry cmp-${e.change}`}
                      data-testid="compare-entry"
                      data-change={e.change}
                      disabled={!e.element && !e.threat}
                      title={e.threat ? `Select ${e.threat}` : e.element ? `Select ${e.element}` : undefined}
                      onClick={() => select(e)}
                    >
                      {e.text}
                    </button>
                  </li>
                ))}
              </ul>
              {list.length > SHOWN && <p className="muted">and {list.length - SHOWN} more (the CLI's `threatwright diff` lists all)</p>}
            </section>
          );
        })}
      </div>
    </div>
  );
}
