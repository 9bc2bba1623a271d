// Inputs generated from the core's vocabulary (FieldSpec). Each change is reported as the
// field's new value, or null for "not stated"; the core validates and stores it.
import { useEffect, useState } from "react";
import type { FieldSpec } from "../bindings/FieldSpec";

/** An item a reference field may name (a data asset, an element…). */
export interface RefOption {
  key: string;
  name: string;
}

export interface FieldProps {
  spec: FieldSpec;
  value: unknown;
  onChange: (value: unknown) => void;
  /** Prefix for ids and test ids of nested fields. */
  path?: string;
  /**
   * Fields (by name) that name other items: they are chosen among these options
   * instead of typed — checkboxes for a list of keys, a select for a single key.
   */
  refs?: Record<string, RefOption[]>;
}

function useDraft(value: string): [string, (v: string) => void] {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  return [draft, setDraft];
}

const asText = (v: unknown) => (v === null || v === undefined ? "" : String(v));
const asList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

function Help({ spec }: { spec: FieldSpec }) {
  return spec.help ? <small className="help">{spec.help}</small> : null;
}

export function FieldEditor({ spec, value, onChange, path = "", refs }: FieldProps) {
  const id = `field-${path}${spec.name}`;
  const k = spec.kind;
  const options = refs?.[spec.name];
  if (options && k.type === "keys") return <RefSetField id={id} spec={spec} options={options} value={value} onChange={onChange} />;
  if (options && k.type === "text") return <RefField id={id} spec={spec} options={options} value={value} onChange={onChange} />;
  switch (k.type) {
    case "flag": {
      const current = value === true ? "true" : value === false ? "false" : "";
      return (
        <label className="field" title={spec.help ?? undefined}>
          <span>{spec.label}</span>
          <select
            id={id}
            data-testid={id}
            value={current}
            onChange={(e) => onChange(e.target.value === "" ? null : e.target.value === "true")}
          >
            <option value="">not stated</option>
            <option value="true">yes</option>
            <option value="false">no</option>
          </select>
        </label>
      );
    }
    case "choice":
      return (
        <label className="field" title={spec.help ?? undefined}>
          <span>{spec.label}</span>
          <select id={id} data-testid={id} value={asText(value)} onChange={(e) => onChange(e.target.value === "" ? null : e.target.value)}>
            <option value="">not stated</option>
            {k.options.map((o) => (
              <option key={o.value} value={o.value} title={o.help ?? undefined}>
                {o.value}
              </option>
            ))}
            {value !== null && value !== undefined && !k.options.some((o) => o.value === value) && (
              <option value={asText(value)}>{asText(value)}</option>
            )}
          </select>
        </label>
      );
    case "set": {
      const current = asList(value);
      return (
        <fieldset className="field set" data-testid={id} title={spec.help ?? undefined}>
          <legend>{spec.label}</legend>
          {k.options.map((o) => (
            <label key={o.value} className="check" title={o.help ?? undefined}>
              <input
                type="checkbox"
                checked={current.includes(o.value)}
                onChange={(e) => {
                  const next = e.target.checked ? [...current, o.value] : current.filter((x) => x !== o.value);
                  onChange(next.length ? next : null);
                }}
              />
              {o.value}
            </label>
          ))}
        </fieldset>
      );
    }
    case "number":
      return <NumberField id={id} spec={spec} min={k.min} max={k.max} unlimited={k.unlimited} value={value} onChange={onChange} />;
    case "text":
    case "long-text":
      return <TextField id={id} spec={spec} long={k.type === "long-text"} value={value} onChange={onChange} />;
    case "words":
    case "keys":
      return <ListField id={id} spec={spec} value={value} onChange={onChange} />;
    case "group": {
      const obj = value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
      return (
        <fieldset className="field group" data-testid={id}>
          <legend>{spec.label}</legend>
          <Help spec={spec} />
          {k.fields.map((f) => (
            <FieldEditor
              key={f.name}
              spec={f}
              path={`${path}${spec.name}.`}
              value={obj[f.name]}
              onChange={(v) => onChange(compact({ ...obj, [f.name]: v }))}
            />
          ))}
        </fieldset>
      );
    }
    case "list":
      return <ListOfGroups id={id} spec={spec} fields={k.fields} path={path} value={value} onChange={onChange} />;
  }
}

/** Drops unstated fields of a group; null when nothing is left. */
function compact(obj: Record<string, unknown>): Record<string, unknown> | null {
  const next = { ...obj };
  for (const [n, x] of Object.entries(next)) if (x === null || x === undefined || x === "") delete next[n];
  return Object.keys(next).length ? next : null;
}

/** A list of groups (a process's operations): each row edited like a group, added and removed. */
function ListOfGroups({ id, spec, fields, path, value, onChange }: InputProps & { fields: FieldSpec[]; path: string }) {
  const rows = Array.isArray(value) ? (value as Record<string, unknown>[]) : [];
  const set = (next: Record<string, unknown>[]) => onChange(next.length ? next : null);
  return (
    <fieldset className="field group list" data-testid={id}>
      <legend>{spec.label}</legend>
      <Help spec={spec} />
      {rows.map((row, i) => (
        <fieldset key={i} className="field group" data-testid={`${id}-${i}`}>
          <legend>
            {String(row[fields[0]?.name] ?? `#${i + 1}`)}{" "}
            <button type="button" data-testid={`${id}-${i}-remove`} onClick={() => set(rows.filter((_, j) => j !== i))}>
              Remove
            </button>
          </legend>
          {fields.map((f) => (
            <FieldEditor
              key={f.name}
              spec={f}
              path={`${path}${spec.name}.${i}.`}
              value={row[f.name]}
              onChange={(v) => set(rows.map((r, j) => (j === i ? (compact({ ...r, [f.name]: v }) ?? {}) : r)))}
            />
          ))}
        </fieldset>
      ))}
      <button
        type="button"
        data-testid={`${id}-add`}
        onClick={() => set([...rows, fields[0] ? { [fields[0].name]: `new ${rows.length + 1}` } : {}])}
      >
        Add {spec.label.toLowerCase().replace(/s$/, "")}
      </button>
    </fieldset>
  );
}

interface InputProps {
  id: string;
  spec: FieldSpec;
  value: unknown;
  onChange: (value: unknown) => void;
}

function TextField({ id, spec, value, onChange, long }: InputProps & { long: boolean }) {
  const [draft, setDraft] = useDraft(asText(value));
  const commit = () => {
    if (draft !== asText(value)) onChange(draft.trim() === "" ? null : draft);
  };
  return (
    <label className="field" title={spec.help ?? undefined}>
      <span>{spec.label}</span>
      {long ? (
        <textarea id={id} data-testid={id} rows={3} value={draft} onChange={(e) => setDraft(e.target.value)} onBlur={commit} />
      ) : (
        <input
          id={id}
          data-testid={id}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={commit}
          onKeyDown={(e) => e.key === "Enter" && commit()}
        />
      )}
    </label>
  );
}

function NumberField({
  id,
  spec,
  value,
  onChange,
  min,
  max,
  unlimited,
}: InputProps & { min: number | null; max: number | null; unlimited: boolean }) {
  const [draft, setDraft] = useDraft(asText(value));
  const commit = () => {
    if (draft === asText(value)) return;
    const text = draft.trim();
    if (unlimited && text.toLowerCase() === "unlimited") return onChange("unlimited");
    const n = Number(text);
    onChange(text === "" || !Number.isFinite(n) ? null : n);
  };
  return (
    <label className="field" title={spec.help ?? undefined}>
      <span>{spec.label}</span>
      <input
        id={id}
        data-testid={id}
        type={unlimited ? "text" : "number"}
        inputMode="numeric"
        placeholder={unlimited ? "number or unlimited" : undefined}
        min={min ?? undefined}
        max={max ?? undefined}
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => e.key === "Enter" && commit()}
      />
    </label>
  );
}

function ListField({ id, spec, value, onChange }: InputProps) {
  const [draft, setDraft] = useDraft(asList(value).join(", "));
  const commit = () => {
    const items = draft
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    if (items.join(", ") === asList(value).join(", ")) return;
    onChange(items.length ? items : null);
  };
  return (
    <label className="field" title={spec.help ?? undefined}>
      <span>{spec.label}</span>
      <input
        id={id}
        data-testid={id}
        placeholder="comma, separated"
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => e.key === "Enter" && commit()}
      />
    </label>
  );
}

/** The options, plus any value that names no option (a dangling key), so it can be removed. */
function withStray(options: RefOption[], values: string[]): RefOption[] {
  const stray = values.filter((v) => !options.some((o) => o.key === v)).map((key) => ({ key, name: `${key} (unknown)` }));
  return [...options, ...stray];
}

function RefSetField({ id, spec, options, value, onChange }: InputProps & { options: RefOption[] }) {
  const current = asList(value);
  const all = withStray(options, current);
  return (
    <fieldset className="field set refs" data-testid={id} title={spec.help ?? undefined}>
      <legend>{spec.label}</legend>
      {all.length === 0 && <small className="help">Nothing to choose yet.</small>}
      {all.map((o) => (
        <label key={o.key} className="check" title={o.key}>
          <input
            type="checkbox"
            data-testid={`${id}-option`}
            data-key={o.key}
            checked={current.includes(o.key)}
            onChange={(e) => {
              const next = e.target.checked ? [...current, o.key] : current.filter((x) => x !== o.key);
              onChange(next.length ? next : null);
            }}
          />
          {o.name}
        </label>
      ))}
    </fieldset>
  );
}

function RefField({ id, spec, options, value, onChange }: InputProps & { options: RefOption[] }) {
  const current = asText(value);
  const all = withStray(options, current ? [current] : []);
  return (
    <label className="field" title={spec.help ?? undefined}>
      <span>{spec.label}</span>
      <select id={id} data-testid={id} value={current} onChange={(e) => onChange(e.target.value === "" ? null : e.target.value)}>
        <option value="">not stated</option>
        {all.map((o) => (
          <option key={o.key} value={o.key}>
            {o.name} ({o.key})
          </option>
        ))}
      </select>
    </label>
  );
}
