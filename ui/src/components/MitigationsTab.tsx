import { useEffect, useState } from "react";
import type { Action } from "../bindings/Action";
import type { MitigationRow } from "../bindings/MitigationRow";
import type { MitigationStatus } from "../bindings/MitigationStatus";
import { doAct } from "../actions";
import { keysOf, MITIGATION_STATUS } from "../labels";
import { useDoc, useDocStore } from "../store";

type Update = Extract<Action, { type: "update-mitigation" }>;
const KEEP = { title: null, description: null, status: null, owner: null, ticket: null, due: null } as const;

export function MitigationsTab() {
  const mitigations = useDoc((s) => s.view.mitigations);
  return (
    <div className="mitigations">
      <CreateMitigation />
      <div className="mitigation-list">
        {mitigations.length === 0 && <p className="muted">No mitigations yet.</p>}
        {mitigations.map((m) => (
          <MitigationItem key={m.reference} m={m} />
        ))}
      </div>
    </div>
  );
}

function CreateMitigation() {
  const doc = useDocStore();
  const checked = useDoc((s) => s.checked);
  const [title, setTitle] = useState("");
  const [owner, setOwner] = useState("");
  const [ticket, setTicket] = useState("");
  const [due, setDue] = useState("");
  const [status, setStatus] = useState<MitigationStatus | "">("");
  const [description, setDescription] = useState("");
  const blank = (s: string) => (s.trim() ? s.trim() : null);
  const create = async () => {
    const ok = await doAct(doc, {
      type: "add-mitigation",
      title,
      description: blank(description),
      status: status || null,
      owner: blank(owner),
      ticket: blank(ticket),
      due: blank(due),
      threats: checked,
    });
    if (ok) {
      setTitle("");
      setOwner("");
      setTicket("");
      setDue("");
      setDescription("");
      setStatus("");
      doc.getState().setChecked([]);
    }
  };
  return (
    <form className="create-mitigation" onSubmit={(e) => (e.preventDefault(), create())}>
      <h3>New mitigation</h3>
      <label className="field">
        <span>Title</span>
        <input id="mitigation-title" value={title} onChange={(e) => setTitle(e.target.value)} />
      </label>
      <label className="field">
        <span>Description</span>
        <textarea id="mitigation-description" rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      <div className="row">
        <label className="field">
          <span>Owner</span>
          <input id="mitigation-owner" value={owner} onChange={(e) => setOwner(e.target.value)} />
        </label>
        <label className="field">
          <span>Ticket</span>
          <input id="mitigation-ticket" value={ticket} onChange={(e) => setTicket(e.target.value)} />
        </label>
      </div>
      <div className="row">
        <label className="field">
          <span>Due</span>
          <input id="mitigation-due" placeholder="YYYY-MM-DD" value={due} onChange={(e) => setDue(e.target.value)} />
        </label>
        <label className="field">
          <span>Status</span>
          <select id="mitigation-status" value={status} onChange={(e) => setStatus(e.target.value as MitigationStatus | "")}>
            <option value="">default</option>
            {keysOf(MITIGATION_STATUS).map((s) => (
              <option key={s} value={s}>
                {MITIGATION_STATUS[s]}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p className="muted" data-testid="mitigation-threats">
        Threats: {checked.length ? checked.join(", ") : "none (check rows in the register to link them)"}
      </p>
      <button type="submit" className="primary" data-testid="mitigation-create" disabled={!title.trim()}>
        Create mitigation
      </button>
    </form>
  );
}

function TextCell({ label, value, type = "text", onCommit }: { label: string; value: string; type?: string; onCommit: (v: string) => void }) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  const commit = () => draft !== value && onCommit(draft);
  return (
    <label className="field">
      <span>{label}</span>
      <input type={type} value={draft} onChange={(e) => setDraft(e.target.value)} onBlur={commit} onKeyDown={(e) => e.key === "Enter" && commit()} />
    </label>
  );
}

function MitigationItem({ m }: { m: MitigationRow }) {
  const doc = useDocStore();
  const checked = useDoc((s) => s.checked);
  const update = (patch: Partial<Omit<Update, "type" | "reference">>) =>
    doAct(doc, { type: "update-mitigation", reference: m.reference, ...KEEP, ...patch });
  const toLink = checked.filter((t) => !m.threats.includes(t));
  return (
    <div className="mitigation-row" data-testid="mitigation-row" data-ref={m.reference}>
      <div className="row">
        <strong className="ref">{m.reference}</strong>
        <TextCell label="Title" value={m.title} onCommit={(title) => update({ title })} />
        <label className="field">
          <span>Status</span>
          <select data-testid="mitigation-status" value={m.status} onChange={(e) => update({ status: e.target.value as MitigationStatus })}>
            {keysOf(MITIGATION_STATUS).map((s) => (
              <option key={s} value={s}>
                {MITIGATION_STATUS[s]}
              </option>
            ))}
          </select>
        </label>
        <TextCell label="Owner" value={m.owner ?? ""} onCommit={(owner) => update({ owner })} />
        <TextCell label="Ticket" value={m.ticket ?? ""} onCommit={(ticket) => update({ ticket })} />
        <TextCell label="Due (YYYY-MM-DD)" value={m.due ?? ""} onCommit={(due) => update({ due })} />
      </div>
      <TextCell label="Description" value={m.description} onCommit={(description) => update({ description })} />
      <div className="links">
        <span className="muted">Covers:</span>
        {m.threats.map((t) => (
          <span className="chip" key={t}>
            {t}
            <button
              className="icon"
              aria-label={`Unlink ${t}`}
              data-testid="mitigation-unlink"
              onClick={() => doAct(doc, { type: "unlink", mitigation: m.reference, threats: [t] })}
            >
              ×
            </button>
          </span>
        ))}
        <button
          data-testid="mitigation-link"
          disabled={!toLink.length}
          title="Link the threats checked in the register"
          onClick={() => doAct(doc, { type: "link", mitigation: m.reference, threats: toLink })}
        >
          Link checked ({toLink.length})
        </button>
      </div>
    </div>
  );
}
