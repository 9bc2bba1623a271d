import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { invoke } from "@tauri-apps/api/core";
import type { DocumentView } from "../bindings/DocumentView";
import { createDocumentStore, DocContext, useApp } from "../store";
import { outcome, view, vocabulary } from "../test/fixtures";
import { DataTab } from "./DataTab";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
const mockInvoke = vi.mocked(invoke);

function renderTab(v: DocumentView = view()) {
  const doc = createDocumentStore(v);
  render(
    <DocContext.Provider value={doc}>
      <DataTab />
    </DocContext.Provider>,
  );
  return doc;
}

const row = (testId: string, key: string) => screen.getAllByTestId(testId).find((r) => r.dataset.key === key)!;

describe("Data & APIs tab", () => {
  beforeEach(() => {
    mockInvoke.mockReset();
    useApp.setState({ vocabulary, error: null });
  });

  it("lists data assets and APIs with where they are used", () => {
    renderTab();
    expect(screen.getAllByTestId("asset-row").map((r) => r.dataset.key)).toEqual(["creds", "card"]);
    expect(screen.getAllByTestId("api-row").map((r) => r.dataset.key)).toEqual(["public-api"]);
    expect(within(row("asset-row", "card")).getAllByTestId("item-on").map((b) => b.textContent)).toEqual(["DB"]);
    expect(within(row("api-row", "public-api")).getAllByTestId("item-on").map((b) => b.dataset.key)).toEqual(["api", "user"]);
  });

  it("clicking where an asset is held selects it and asks the canvas to show it", () => {
    const doc = renderTab();
    fireEvent.click(within(row("asset-row", "card")).getByTestId("item-on"));
    expect(doc.getState().selection).toEqual(["db"]);
    expect(doc.getState().focus?.key).toBe("db");
  });

  it("expands a data asset into a form from the vocabulary that sends set-fields", async () => {
    const doc = renderTab();
    expect(screen.queryByTestId("field-creds-classification")).toBeNull();
    fireEvent.click(within(row("asset-row", "creds")).getByTestId("item-toggle"));
    const select = screen.getByTestId("field-creds-classification") as HTMLSelectElement;
    expect(select.value).toBe("secret");
    mockInvoke.mockResolvedValueOnce(outcome(view({ revision: 2 }), { message: "edit classification of Credentials" }));
    fireEvent.change(select, { target: { value: "public" } });
    expect(mockInvoke).toHaveBeenCalledWith("edit", { edit: { type: "set-fields", key: "creds", fields: { classification: "public" } } });
    await waitFor(() => expect(doc.getState().message).toBe("edit classification of Credentials"));
  });

  it("an API's provider and consumers are chosen among elements, not boundaries", () => {
    renderTab();
    fireEvent.click(within(row("api-row", "public-api")).getByTestId("item-toggle"));
    const provider = screen.getByTestId("field-public-api-provider") as HTMLSelectElement;
    expect([...provider.options].map((o) => o.value)).toEqual(["", "api", "user", "db"]);
    expect(provider.value).toBe("api");
    const consumers = [...screen.getByTestId("field-public-api-consumers").querySelectorAll<HTMLInputElement>("input")];
    expect(consumers.map((c) => [c.dataset.key, c.checked])).toEqual([
      ["api", false],
      ["user", true],
      ["db", false],
    ]);
    mockInvoke.mockResolvedValue(outcome(view({ revision: 2 })));
    fireEvent.change(provider, { target: { value: "" } });
    expect(mockInvoke).toHaveBeenLastCalledWith("edit", { edit: { type: "set-fields", key: "public-api", fields: { provider: null } } });
    fireEvent.click(consumers[2]);
    expect(mockInvoke).toHaveBeenLastCalledWith("edit", { edit: { type: "set-fields", key: "public-api", fields: { consumers: ["user", "db"] } } });
  });

  it("adds a data asset and an API by name, and opens the new one", async () => {
    const after = view({ revision: 2 });
    after.assets = [...after.assets, { key: "tokens", name: "Tokens", on: [], props: { key: "tokens", name: "Tokens" } }];
    mockInvoke.mockResolvedValueOnce(outcome(after, { message: "add data asset “Tokens”" }));
    const doc = renderTab();
    const add = screen.getByTestId("add-asset") as HTMLButtonElement;
    expect(add.disabled).toBe(true);
    fireEvent.change(screen.getByTestId("add-asset-name"), { target: { value: " Tokens " } });
    fireEvent.click(add);
    expect(mockInvoke).toHaveBeenCalledWith("edit", { edit: { type: "add-item", name: "Tokens", api: false } });
    await waitFor(() => expect(doc.getState().view.revision).toBe(2));
    await waitFor(() => expect(screen.getByTestId("field-tokens-name")).toBeTruthy());
    expect((screen.getByTestId("add-asset-name") as HTMLInputElement).value).toBe("");

    mockInvoke.mockResolvedValueOnce(outcome(view({ revision: 3 })));
    fireEvent.change(screen.getByTestId("add-api-name"), { target: { value: "Partner API" } });
    fireEvent.click(screen.getByTestId("add-api"));
    expect(mockInvoke).toHaveBeenLastCalledWith("edit", { edit: { type: "add-item", name: "Partner API", api: true } });
  });

  it("deletes a row with a delete edit", () => {
    mockInvoke.mockResolvedValueOnce(outcome(view({ revision: 2 })));
    renderTab();
    fireEvent.click(within(row("api-row", "public-api")).getByTestId("item-delete"));
    expect(mockInvoke).toHaveBeenCalledWith("edit", { edit: { type: "delete", keys: ["public-api"] } });
  });

  it("says so when there is nothing yet", () => {
    renderTab(view({ assets: [], apis: [] }));
    expect(screen.queryByTestId("asset-row")).toBeNull();
    expect(screen.getByTestId("data-tab").textContent).toContain("No data assets yet");
  });
});
