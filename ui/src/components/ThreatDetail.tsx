import { useEffect, useState } from "react";
import type { Stride } from "../bindings/Stride";
import type { ThreatRow } from "../bindings/ThreatRow";
import type { ThreatStatus } from "../bindings/ThreatStatus";
import type { Vocabulary } from "../bindings/Vocabulary";
import { doAct } from "../actions";
import { keysOf, SEVERITY, STATUS, STRIDE } from "../labels";
import { fieldsFor, nextStatuses, useApp, useDoc, useDocStore } from "../store";
import type { StatusRequest } from "./StatusDialog";

/** The likelihood and impact range (the core's scale; 1–5 until the vocabulary loads). */
function scale(vocabulary: Vocabulary | null): [number, number] {
  return vocabulary ? [vocabulary.scaleMin, vocabulary.scaleMax] : [1, 5];
}

export function ThreatDetail({ onStatus }: { onStatus: (r: StatusRequest) => void }) {
  const selected = useDoc((s) => s.selectedThreat);
  const row = useDoc((s) => (selected ? s.view.threats.find((t) => t.reference === selected) : undefined));
  return (
    <aside className="threat-detail" data-testid="threat-detail">
      {row ? <Detail row={row} onStatus={onStatus} /> : <p className="muted">Select a threat in the register.</p>}
      <ManualThreat />
    </aside>
  );
}

function Detail({ row, onStatus }: { row: ThreatRow; onStatus: (r: StatusRequest) => void }) {
  const doc = useDocStore();
  const [note, setNote] = useState("");
  const [likelihood, setLikelihood] = useState(String(row.likelihood));
  const [impact, setImpact] = useState(String(row.impact));
  const [reason, setReason] = useState("");
  useEffect(() => {
    setLikelihood(String(row.likelihood));
    setImpact(String(row.impact));
  }, [row.reference, row.likelihood, row.impact]);

  const vocabulary = useApp((s) => s.vocabulary);
  const [min, max] = scale(vocabulary);
  // The current status, then where the lifecycle allows going from it.
  const next = vocabulary ? nextStatuses(vocabulary, row.status).filter((s) => s !== row.status) : [];
  const changeStatus = (status: ThreatStatus) => {
    if (!vocabulary) return;
    const fields = fieldsFor(vocabulary, status);
    if (fields.length) onStatus({ reference: row.reference, status, fields });
    else doAct(doc, { type: "set-status", reference: row.reference, status, approver: null, reason: null, expires: null, transferredTo: null });
  };

  return (
    <div>
      <h3>
        {row.reference} · {row.title}
      </h3>
      <p className="meta">
        <span className={`sev sev-${row.severity}`}>{SEVERITY[row.severity]}</span> L{row.likelihood} × I{row.impact} · {STRIDE[row.stride]}
        {row.alsoStride.length ? ` (also ${row.alsoStride.map((s) => STRIDE[s]).join(", ")})` : ""} · on{" "}
        <strong>{row.targetName}</strong> ({row.targetKind}){row.rule ? ` · rule ${row.rule}` : " · added by hand"}
        {row.owasp.length ? ` · ${row.owasp.join(", ")}` : ""}
      </p>
      <p className="description">{row.description}</p>
      {row.rationale.length > 0 && (
        <>
          <h4>Why</h4>
          <ul>
            {row.rationale.map((r, i) => (
              <li key={i}>{r}</li>
            ))}
          </ul>
        </>
      )}
      {row.suggested.length > 0 && (
        <>
          <h4>Suggested mitigations</h4>
          <ul>
            {row.suggested.map((s, i) => (
              <li key={i}>{s}</li>
            ))}
          </ul>
          <button data-testid="adopt-one" onClick={() => doAct(doc, { type: "adopt", threats: [row.reference] })}>
            Adopt suggested
          </button>
        </>
      )}
      <h4>Response</h4>
      <label className="field inline">
        <span>Status</span>
        <select
          data-testid="detail-status"
          value={row.status}
          disabled={!next.length}
          title={next.length ? undefined : "The analysis decides this status"}
          onChange={(e) => changeStatus(e.target.value as ThreatStatus)}
        >
          <option value={row.status}>{STATUS[row.status]}</option>
          {next.map((s) => (
            <option key={s} value={s}>
              {STATUS[s]}
            </option>
          ))}
        </select>
        {vocabulary?.statuses.find((s) => s.status === row.status)?.next.includes(row.status) && (
          <button type="button" data-testid="detail-renew" onClick={() => changeStatus(row.status)} title={`Set ${STATUS[row.status].toLowerCase()} again`}>
            Renew
          </button>
        )}
      </label>
      <dl className="response">
        {row.approver && (
          <>
            <dt>Approver</dt>
            <dd>{row.approver}</dd>
          </>
        )}
        {row.reason && (
          <>
            <dt>Reason</dt>
            <dd>{row.reason}</dd>
          </>
        )}
        {row.expires && (
          <>
            <dt>Expires</dt>
            <dd>{row.expires}</dd>
          </>
        )}
        {row.transferredTo && (
          <>
            <dt>Transferred to</dt>
            <dd>{row.transferredTo}</dd>
          </>
        )}
        <dt>Linked mitigations</dt>
        <dd data-testid="detail-mitigations">{row.mitigations.length ? row.mitigations.join(", ") : "none"}</dd>
        <dt>Signed off</dt>
        <dd>{row.signed ? "yes, and it still holds" : "no"}</dd>
      </dl>
      <div className="inline-form">
        <input aria-label="Sign-off note" placeholder="note (optional)" value={note} onChange={(e) => setNote(e.target.value)} />
        <button
          data-testid="sign-threat"
          onClick={async () => {
            if (await doAct(doc, { type: "sign-threat", reference: row.reference, note: note.trim() || null })) setNote("");
          }}
        >
          Sign off
        </button>
      </div>
      <h4>Override ranking</h4>
      <div className="inline-form">
        <label>
          L <input aria-label="Likelihood" data-testid="rank-likelihood" type="number" min={min} max={max} value={likelihood} onChange={(e) => setLikelihood(e.target.value)} />
        </label>
        <label>
          I <input aria-label="Impact" data-testid="rank-impact" type="number" min={min} max={max} value={impact} onChange={(e) => setImpact(e.target.value)} />
        </label>
        <input aria-label="Reason for the override" data-testid="rank-reason" placeholder="reason (required)" value={reason} onChange={(e) => setReason(e.target.value)} />
        <button
          data-testid="rank-go"
          onClick={async () => {
            const l = Number(likelihood);
            const i = Number(impact);
            const ok = await doAct(doc, {
              type: "rank",
              reference: row.reference,
              likelihood: likelihood.trim() && l !== row.likelihood ? l : null,
              impact: impact.trim() && i !== row.impact ? i : null,
              reason,
            });
            if (ok) setReason("");
          }}
        >
          Override
        </button>
      </div>
    </div>
  );
}

function ManualThreat() {
  const doc = useDocStore();
  const nodes = useDoc((s) => s.view.nodes);
  const edges = useDoc((s) => s.view.edges);
  const selection = useDoc((s) => s.selection);
  const [target, setTarget] = useState("");
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [stride, setStride] = useState<Stride>("spoofing");
  const [min, max] = scale(useApp((s) => s.vocabulary));
  const middle = String(Math.round((min + max) / 2));
  const [likelihood, setLikelihood] = useState(middle);
  const [impact, setImpact] = useState(middle);
  const chosen = target || (selection.length === 1 ? selection[0] : "");
  return (
    <details className="manual-threat">
      <summary>Add manual threat</summary>
      <label className="field">
        <span>Target</span>
        <select data-testid="manual-target" value={chosen} onChange={(e) => setTarget(e.target.value)}>
          <option value="">choose</option>
          {nodes
            .filter((n) => n.kind !== "boundary")
            .map((n) => (
              <option key={n.key} value={n.key}>
                {n.name} ({n.key})
              </option>
            ))}
          {edges.map((e) => (
            <option key={e.key} value={e.key}>
              flow {e.label} ({e.key})
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Title</span>
        <input data-testid="manual-title" value={title} onChange={(e) => setTitle(e.target.value)} />
      </label>
      <label className="field">
        <span>Description</span>
        <textarea data-testid="manual-description" rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      <label className="field">
        <span>STRIDE</span>
        <select value={stride} onChange={(e) => setStride(e.target.value as Stride)}>
          {keysOf(STRIDE).map((s) => (
            <option key={s} value={s}>
              {STRIDE[s]}
            </option>
          ))}
        </select>
      </label>
      <div className="inline-form">
        <label>
          L <input aria-label="Likelihood" data-testid="manual-likelihood" type="number" min={min} max={max} value={likelihood} onChange={(e) => setLikelihood(e.target.value)} />
        </label>
        <label>
          I <input aria-label="Impact" data-testid="manual-impact" type="number" min={min} max={max} value={impact} onChange={(e) => setImpact(e.target.value)} />
        </label>
        <button
          data-testid="manual-add"
          disabled={!chosen || !title.trim()}
          onClick={async () => {
            const ok = await doAct(doc, {
              type: "add-threat",
              target: chosen,
              title,
              description,
              stride,
              likelihood: Number(likelihood),
              impact: Number(impact),
            });
            if (ok) {
              setTitle("");
              setDescription("");
            }
          }}
        >
          Add threat
        </button>
      </div>
    </details>
  );
}
