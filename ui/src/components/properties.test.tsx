import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { invoke } from "@tauri-apps/api/core";
import { createDocumentStore, DocContext, useApp } from "../store";
import { outcome, view, vocabulary } from "../test/fixtures";
import { FieldEditor } from "./FieldEditor";
import { PropertiesPanel } from "./PropertiesPanel";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
const mockInvoke = vi.mocked(invoke);

describe("FieldEditor", () => {
  it("renders a flag as a 3-way select and reports null for not stated", () => {
    const onChange = vi.fn();
    render(<FieldEditor spec={{ name: "authenticated", label: "Authenticated", help: null, kind: { type: "flag" } }} value={true} onChange={onChange} />);
    const select = screen.getByTestId("field-authenticated") as HTMLSelectElement;
    expect([...select.options].map((o) => o.textContent)).toEqual(["not stated", "yes", "no"]);
    expect(select.value).toBe("true");
    fireEvent.change(select, { target: { value: "" } });
    expect(onChange).toHaveBeenLastCalledWith(null);
    fireEvent.change(select, { target: { value: "false" } });
    expect(onChange).toHaveBeenLastCalledWith(false);
  });

  it("sends words as a list on blur, and null when emptied", () => {
    const onChange = vi.fn();
    render(<FieldEditor spec={{ name: "tags", label: "Tags", help: null, kind: { type: "words" } }} value={["a"]} onChange={onChange} />);
    const input = screen.getByTestId("field-tags");
    fireEvent.change(input, { target: { value: "a, b ,, c" } });
    fireEvent.blur(input);
    expect(onChange).toHaveBeenLastCalledWith(["a", "b", "c"]);
    fireEvent.change(input, { target: { value: " " } });
    fireEvent.blur(input);
    expect(onChange).toHaveBeenLastCalledWith(null);
  });

  it("renders sets as checkboxes", () => {
    const onChange = vi.fn();
    const spec = { name: "protocols", label: "Protocols", help: null, kind: { type: "set" as const, options: [{ value: "https", help: null }, { value: "grpc", help: null }] } };
    render(<FieldEditor spec={spec} value={["https"]} onChange={onChange} />);
    fireEvent.click(screen.getByLabelText("https"));
    expect(onChange).toHaveBeenLastCalledWith(null);
    fireEvent.click(screen.getByLabelText("grpc"));
    expect(onChange).toHaveBeenLastCalledWith(["https", "grpc"]);
  });
});

describe("FieldEditor: limits and lists of groups", () => {
  it("takes a number or the word unlimited where the field allows it", () => {
    const onChange = vi.fn();
    const spec = { name: "max_page_size", label: "Max page size", help: null, kind: { type: "number" as const, min: 0, max: null, unlimited: true } };
    render(<FieldEditor spec={spec} value={100} onChange={onChange} />);
    const input = screen.getByTestId("field-max_page_size");
    fireEvent.change(input, { target: { value: "unlimited" } });
    fireEvent.blur(input);
    expect(onChange).toHaveBeenLastCalledWith("unlimited");
    fireEvent.change(input, { target: { value: "250" } });
    fireEvent.blur(input);
    expect(onChange).toHaveBeenLastCalledWith(250);
  });

  it("adds, edits and removes rows of a list of groups", () => {
    const onChange = vi.fn();
    const spec = {
      name: "operations",
      label: "Operations",
      help: null,
      kind: {
        type: "list" as const,
        fields: [
          { name: "route", label: "Route", help: null, kind: { type: "text" as const } },
          { name: "admin", label: "Admin", help: null, kind: { type: "flag" as const } },
        ],
      },
    };
    const rows = [{ route: "/admin/*", admin: true }, { route: "GET /health" }];
    render(<FieldEditor spec={spec} value={rows} onChange={onChange} />);
    fireEvent.change(screen.getByTestId("field-operations.1.admin"), { target: { value: "false" } });
    expect(onChange).toHaveBeenLastCalledWith([rows[0], { route: "GET /health", admin: false }]);
    fireEvent.click(screen.getByTestId("field-operations-0-remove"));
    expect(onChange).toHaveBeenLastCalledWith([rows[1]]);
    fireEvent.click(screen.getByTestId("field-operations-add"));
    expect(onChange).toHaveBeenLastCalledWith([...rows, { route: "new 3" }]);
  });
});

describe("PropertiesPanel", () => {
  beforeEach(() => {
    mockInvoke.mockReset();
    useApp.setState({ vocabulary, error: null });
  });

  it("sends set-fields with null for 'not stated' and applies the outcome", async () => {
    const doc = createDocumentStore(view());
    doc.getState().setSelection(["api"]);
    const next = view({ revision: 2 });
    mockInvoke.mockResolvedValueOnce(outcome(next, { message: "edit authenticated of API" }));
    render(
      <DocContext.Provider value={doc}>
        <PropertiesPanel />
      </DocContext.Provider>,
    );
    const flag = screen.getByTestId("field-authenticated") as HTMLSelectElement;
    expect(flag.value).toBe("true");
    fireEvent.change(flag, { target: { value: "" } });
    expect(mockInvoke).toHaveBeenCalledWith("edit", { edit: { type: "set-fields", key: "api", fields: { authenticated: null } } });
    await waitFor(() => expect(doc.getState().view.revision).toBe(2));
    expect(doc.getState().message).toBe("edit authenticated of API");
  });

  it("shows the core's refusal in the error banner", async () => {
    const doc = createDocumentStore(view());
    doc.getState().setSelection(["api"]);
    mockInvoke.mockRejectedValueOnce({ code: "invalid", message: "`exposure` of api: unknown variant" });
    render(
      <DocContext.Provider value={doc}>
        <PropertiesPanel />
      </DocContext.Provider>,
    );
    fireEvent.change(screen.getByTestId("field-exposure"), { target: { value: "internet" } });
    await waitFor(() => expect(useApp.getState().error).toBe("`exposure` of api: unknown variant"));
  });

  it("adds a flow to another element without dragging", async () => {
    const doc = createDocumentStore(view());
    doc.getState().setSelection(["api"]);
    mockInvoke.mockResolvedValueOnce(outcome(view({ revision: 2 })));
    render(
      <DocContext.Provider value={doc}>
        <PropertiesPanel />
      </DocContext.Provider>,
    );
    const target = screen.getByTestId("add-flow-target") as HTMLSelectElement;
    expect([...target.options].map((o) => o.value)).toEqual(["", "user", "db"]);
    fireEvent.change(target, { target: { value: "user" } });
    fireEvent.change(screen.getByTestId("add-flow-name"), { target: { value: "Reply" } });
    fireEvent.click(screen.getByTestId("add-flow-go"));
    expect(mockInvoke).toHaveBeenCalledWith("edit", { edit: { type: "add-flow", from: "api", to: "user", name: "Reply" } });
  });
});

function renderPanel(selection: string[]) {
  const doc = createDocumentStore(view());
  doc.getState().setSelection(selection);
  render(
    <DocContext.Provider value={doc}>
      <PropertiesPanel />
    </DocContext.Provider>,
  );
  return doc;
}

describe("system properties (nothing selected)", () => {
  beforeEach(() => {
    mockInvoke.mockReset();
    useApp.setState({ vocabulary, error: null });
  });

  it("shows the model's fields from the vocabulary with the view's values", () => {
    renderPanel([]);
    const form = screen.getByTestId("system-properties");
    expect((screen.getByTestId("field-system-name") as HTMLInputElement).value).toBe("Demo");
    expect((screen.getByTestId("field-system-owner") as HTMLInputElement).value).toBe("AppSec");
    expect((screen.getByTestId("field-system-assumptions") as HTMLInputElement).value).toBe("TLS everywhere");
    expect(form.querySelector("textarea#field-system-description")).toBeTruthy();
  });

  it("sends set-system, with null for a cleared field", async () => {
    const doc = renderPanel([]);
    mockInvoke.mockResolvedValue(outcome(view({ revision: 2 }), { message: "edit owner of the system" }));
    const owner = screen.getByTestId("field-system-owner");
    fireEvent.change(owner, { target: { value: "Platform team" } });
    fireEvent.blur(owner);
    expect(mockInvoke).toHaveBeenLastCalledWith("edit", { edit: { type: "set-system", fields: { owner: "Platform team" } } });
    fireEvent.change(owner, { target: { value: "" } });
    fireEvent.blur(owner);
    expect(mockInvoke).toHaveBeenLastCalledWith("edit", { edit: { type: "set-system", fields: { owner: null } } });
    const name = screen.getByTestId("field-system-name");
    fireEvent.change(name, { target: { value: "Payments" } });
    fireEvent.keyDown(name, { key: "Enter" });
    expect(mockInvoke).toHaveBeenLastCalledWith("edit", { edit: { type: "set-system", fields: { name: "Payments" } } });
    await waitFor(() => expect(doc.getState().view.revision).toBe(2));
  });

  it("never sends an empty system name", () => {
    const doc = renderPanel([]);
    const name = screen.getByTestId("field-system-name") as HTMLInputElement;
    fireEvent.change(name, { target: { value: "  " } });
    fireEvent.blur(name);
    expect(mockInvoke).not.toHaveBeenCalled();
    expect(name.value).toBe("Demo");
    expect(doc.getState().message).toBe("The system needs a name");
  });
});

describe("references chosen among items", () => {
  beforeEach(() => {
    mockInvoke.mockReset();
    mockInvoke.mockResolvedValue(outcome(view({ revision: 2 })));
    useApp.setState({ vocabulary, error: null });
  });

  const options = (testId: string) =>
    [...screen.getByTestId(testId).querySelectorAll<HTMLInputElement>("input[type=checkbox]")].map((c) => [c.dataset.key, c.checked]);

  it("a flow's carried data is a checkbox per data asset", () => {
    renderPanel(["login"]);
    expect(options("field-carries")).toEqual([
      ["creds", true],
      ["card", false],
    ]);
    fireEvent.click(screen.getByLabelText("Card data"));
    expect(mockInvoke).toHaveBeenLastCalledWith("edit", { edit: { type: "set-fields", key: "login", fields: { carries: ["creds", "card"] } } });
    fireEvent.click(screen.getByLabelText("Credentials"));
    expect(mockInvoke).toHaveBeenLastCalledWith("edit", { edit: { type: "set-fields", key: "login", fields: { carries: null } } });
  });

  it("a store's held data too, keeping a key that names no asset so it can be removed", () => {
    const doc = createDocumentStore(
      view({
        nodes: view().nodes.map((n) => (n.key === "db" ? { ...n, props: { ...n.props, stores: ["card", "gone"] } } : n)),
      }),
    );
    doc.getState().setSelection(["db"]);
    render(
      <DocContext.Provider value={doc}>
        <PropertiesPanel />
      </DocContext.Provider>,
    );
    expect(options("field-stores")).toEqual([
      ["creds", false],
      ["card", true],
      ["gone", true],
    ]);
    fireEvent.click(screen.getByLabelText("gone (unknown)"));
    expect(mockInvoke).toHaveBeenLastCalledWith("edit", { edit: { type: "set-fields", key: "db", fields: { stores: ["card"] } } });
  });
});
