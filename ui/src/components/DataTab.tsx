// The data assets and the API inventory: each row opens a form generated from the
// vocabulary (the same FieldEditor as the properties panel) and shows where the item is
// carried, held, served or used; clicking one of those brings it up on the canvas.
import { useState } from "react";
import type { FieldSpec } from "../bindings/FieldSpec";
import type { ItemView } from "../bindings/ItemView";
import { doEdit } from "../actions";
import { useApp, useDoc, useDocStore } from "../store";
import { FieldEditor } from "./FieldEditor";
import { useRefOptions } from "./PropertiesPanel";

export function DataTab() {
  const assets = useDoc((s) => s.view.assets);
  const apis = useDoc((s) => s.view.apis);
  const vocabulary = useApp((s) => s.vocabulary);
  return (
    <div className="data-tab" data-testid="data-tab">
      <ItemList
        title="Data assets"
        api={false}
        items={assets}
        specs={vocabulary?.dataAsset ?? null}
        onLabel="Carried by / held in"
        empty="No data assets yet: add what the system handles (credentials, card data…), then tick them on flows and stores."
      />
      <ItemList
        title="APIs"
        api
        items={apis}
        specs={vocabulary?.api ?? null}
        onLabel="Provider and consumers"
        empty="No APIs in the inventory yet."
      />
    </div>
  );
}

interface ListProps {
  title: string;
  api: boolean;
  items: ItemView[];
  specs: FieldSpec[] | null;
  onLabel: string;
  empty: string;
}

function ItemList({ title, api, items, specs, onLabel, empty }: ListProps) {
  const doc = useDocStore();
  const [open, setOpen] = useState<string | null>(null);
  const [name, setName] = useState("");
  const kind = api ? "api" : "asset";
  const add = async () => {
    const before = new Set(items.map((i) => i.key));
    if (await doEdit(doc, { type: "add-item", name: name.trim(), api })) {
      setName("");
      // Open the new item's form.
      const v = doc.getState().view;
      const added = (api ? v.apis : v.assets).find((i) => !before.has(i.key));
      if (added) setOpen(added.key);
    }
  };
  return (
    <section className="item-list" aria-label={title}>
      <h3>
        {title} <span className="muted">({items.length})</span>
      </h3>
      <form className="inline-form" onSubmit={(e) => (e.preventDefault(), add())}>
        <input
          data-testid={`add-${kind}-name`}
          aria-label={api ? "New API name" : "New data asset name"}
          placeholder={api ? "API name" : "data asset name"}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <button type="submit" data-testid={`add-${kind}`} disabled={!name.trim()}>
          {api ? "Add API" : "Add data asset"}
        </button>
      </form>
      {items.length === 0 && <p className="muted">{empty}</p>}
      <ul className="plain">
        {items.map((item) => (
          <ItemRow
            key={item.key}
            item={item}
            kind={kind}
            specs={specs}
            onLabel={onLabel}
            open={open === item.key}
            onToggle={() => setOpen(open === item.key ? null : item.key)}
          />
        ))}
      </ul>
    </section>
  );
}

interface RowProps {
  item: ItemView;
  kind: "asset" | "api";
  specs: FieldSpec[] | null;
  onLabel: string;
  open: boolean;
  onToggle: () => void;
}

function ItemRow({ item, kind, specs, onLabel, open, onToggle }: RowProps) {
  const doc = useDocStore();
  const nodes = useDoc((s) => s.view.nodes);
  const edges = useDoc((s) => s.view.edges);
  const refs = useRefOptions();
  const nameOf = (key: string) => nodes.find((n) => n.key === key)?.name ?? edges.find((e) => e.key === key)?.label ?? key;
  const set = (field: string, value: unknown) => doEdit(doc, { type: "set-fields", key: item.key, fields: { [field]: value ?? null } });
  return (
    <li className={open ? "item-row open" : "item-row"} data-testid={`${kind}-row`} data-key={item.key}>
      <div className="item-head">
        <button type="button" className="item-toggle" data-testid="item-toggle" aria-expanded={open} onClick={onToggle}>
          {open ? "▾" : "▸"} {item.name} <span className="muted">({item.key})</span>
        </button>
        <span className="item-on" aria-label={onLabel} title={onLabel}>
          {item.on.length === 0 && <span className="muted">{kind === "asset" ? "not carried or held anywhere" : "no provider or consumers"}</span>}
          {item.on.map((k) => (
            <button key={k} type="button" className="link" data-testid="item-on" data-key={k} onClick={() => doc.getState().reveal(k)}>
              {nameOf(k)}
            </button>
          ))}
        </span>
        <button
          type="button"
          className="icon item-delete"
          data-testid="item-delete"
          aria-label={`Delete ${item.name}`}
          title={kind === "asset" ? "Delete (flows and stores stop naming it)" : "Delete from the inventory"}
          onClick={() => doEdit(doc, { type: "delete", keys: [item.key] })}
        >
          ×
        </button>
      </div>
      {open && (
        <form className="item-form" onSubmit={(e) => e.preventDefault()}>
          {specs === null && <p className="muted">Loading fields…</p>}
          {specs?.map((s) => (
            <FieldEditor key={s.name} spec={s} path={`${item.key}-`} value={item.props[s.name]} refs={refs} onChange={(v) => set(s.name, v)} />
          ))}
        </form>
      )}
    </li>
  );
}
