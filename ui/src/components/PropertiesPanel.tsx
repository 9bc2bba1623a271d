import { useEffect, useMemo, useState } from "react";
import type { FieldSpec } from "../bindings/FieldSpec";
import { doEdit } from "../actions";
import { NODE_KIND, SEVERITY, VOCABULARY_OF } from "../labels";
import { useApp, useDoc, useDocStore } from "../store";
import { FieldEditor, type RefOption } from "./FieldEditor";

/**
 * Fields that name other items, with what they may name: the data a flow carries or a
 * store holds (data assets), an API's provider and consumers (elements, not boundaries).
 */
export function useRefOptions(): Record<string, RefOption[]> {
  const assets = useDoc((s) => s.view.assets);
  const nodes = useDoc((s) => s.view.nodes);
  return useMemo(() => {
    const data = assets.map((a) => ({ key: a.key, name: a.name }));
    const elements = nodes.filter((n) => n.kind !== "boundary").map((n) => ({ key: n.key, name: n.name }));
    return { carries: data, not_needed: data, stores: data, provider: elements, consumers: elements };
  }, [assets, nodes]);
}

export function PropertiesPanel() {
  const view = useDoc((s) => s.view);
  const selection = useDoc((s) => s.selection);
  const vocabulary = useApp((s) => s.vocabulary);
  const key = selection.length === 1 ? selection[0] : null;
  const node = key ? view.nodes.find((n) => n.key === key) : undefined;
  const edge = key && !node ? view.edges.find((e) => e.key === key) : undefined;

  return (
    <aside className="properties" data-testid="properties" aria-label="Properties">
      {selection.length > 1 && <p className="muted">{selection.length} items selected.</p>}
      {selection.length === 0 && <SystemForm />}
      {node && (
        <ItemForm
          itemKey={node.key}
          title={`${NODE_KIND[node.kind]} · ${node.key}`}
          name={node.name}
          props={node.props}
          specs={vocabulary ? vocabulary[VOCABULARY_OF[node.kind]] : null}
          threats={node.threats}
          worst={node.worst}
          extra={node.kind !== "boundary" ? <AddFlow from={node.key} /> : null}
        />
      )}
      {edge && (
        <ItemForm
          itemKey={edge.key}
          title={`Flow · ${edge.key} (${edge.from} → ${edge.to})${edge.crosses ? " · crosses a boundary" : ""}`}
          name={typeof edge.props.name === "string" ? edge.props.name : ""}
          props={edge.props}
          specs={vocabulary ? vocabulary.flow : null}
          threats={edge.threats}
          worst={edge.worst}
          extra={null}
        />
      )}
    </aside>
  );
}

interface ItemFormProps {
  itemKey: string;
  title: string;
  name: string;
  props: Record<string, unknown>;
  specs: FieldSpec[] | null;
  threats: number;
  worst: keyof typeof SEVERITY | null;
  extra: React.ReactNode;
}

export function ItemForm({ itemKey, title, name, props, specs, threats, worst, extra }: ItemFormProps) {
  const doc = useDocStore();
  const [draft, setDraft] = useState(name);
  useEffect(() => setDraft(name), [name, itemKey]);
  const set = (field: string, value: unknown) =>
    doEdit(doc, { type: "set-fields", key: itemKey, fields: { [field]: value ?? null } });
  const commitName = () => draft !== name && set("name", draft.trim() === "" ? null : draft);
  const refs = useRefOptions();

  return (
    <form className="item-form" onSubmit={(e) => e.preventDefault()} key={itemKey}>
      <h3>{title}</h3>
      <p className="muted">
        {threats} live threats{worst ? ` · worst ${SEVERITY[worst]}` : ""}
      </p>
      <label className="field">
        <span>Name</span>
        <input
          id="field-name"
          data-testid="field-name"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={commitName}
          onKeyDown={(e) => e.key === "Enter" && commitName()}
        />
      </label>
      {extra}
      {specs === null && <p className="muted">Loading fields…</p>}
      {specs
        ?.filter((s) => s.name !== "name")
        .map((s) => <FieldEditor key={s.name} spec={s} value={props[s.name]} refs={refs} onChange={(v) => set(s.name, v)} />)}
    </form>
  );
}

/** The model's own fields (name, scope, assumptions…), shown when nothing is selected. */
export function SystemForm() {
  const doc = useDocStore();
  const system = useDoc((s) => s.view.system);
  const specs = useApp((s) => s.vocabulary?.system ?? null);
  const name = typeof system.name === "string" ? system.name : "";
  const [draft, setDraft] = useState(name);
  useEffect(() => setDraft(name), [name]);
  const set = (fields: Record<string, unknown>) => doEdit(doc, { type: "set-system", fields });
  const commitName = () => {
    if (draft === name) return;
    // The system needs a name: an empty one goes back to the current name.
    if (draft.trim() === "") {
      setDraft(name);
      doc.getState().setMessage("The system needs a name");
      return;
    }
    set({ name: draft });
  };
  return (
    <form className="item-form system-form" data-testid="system-properties" onSubmit={(e) => e.preventDefault()}>
      <h3>System</h3>
      <p className="muted">Nothing selected: these are the model's own fields. Select an element, flow or boundary to edit it.</p>
      <label className="field">
        <span>Name</span>
        <input
          id="field-system-name"
          data-testid="field-system-name"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={commitName}
          onKeyDown={(e) => e.key === "Enter" && commitName()}
        />
      </label>
      {specs === null && <p className="muted">Loading fields…</p>}
      {specs
        ?.filter((s) => s.name !== "name")
        .map((s) => (
          <FieldEditor key={s.name} spec={s} path="system-" value={system[s.name]} onChange={(v) => set({ [s.name]: v ?? null })} />
        ))}
    </form>
  );
}

function AddFlow({ from }: { from: string }) {
  const doc = useDocStore();
  const nodes = useDoc((s) => s.view.nodes);
  const targets = nodes.filter((n) => n.kind !== "boundary" && n.key !== from);
  const [to, setTo] = useState("");
  const [name, setName] = useState("");
  return (
    <fieldset className="field group add-flow">
      <legend>Add flow to…</legend>
      <select data-testid="add-flow-target" aria-label="Flow target" value={to} onChange={(e) => setTo(e.target.value)}>
        <option value="">choose an element</option>
        {targets.map((n) => (
          <option key={n.key} value={n.key}>
            {n.name} ({n.key})
          </option>
        ))}
      </select>
      <input data-testid="add-flow-name" aria-label="Flow name" placeholder="flow name (optional)" value={name} onChange={(e) => setName(e.target.value)} />
      <button
        type="button"
        data-testid="add-flow-go"
        disabled={!to}
        onClick={async () => {
          if (await doEdit(doc, { type: "add-flow", from, to, name })) {
            setName("");
            setTo("");
          }
        }}
      >
        Add flow
      </button>
    </fieldset>
  );
}
