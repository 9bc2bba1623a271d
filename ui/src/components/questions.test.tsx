import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { invoke } from "@tauri-apps/api/core";
import type { QuestionView } from "../bindings/QuestionView";
import { createDocumentStore, DocContext, useApp } from "../store";
import { outcome, view, vocabulary } from "../test/fixtures";
import { QuestionsTab } from "./QuestionsTab";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
const mockInvoke = vi.mocked(invoke);

const asked: QuestionView = {
  id: "q1",
  rule: "API4-RATE-LIMIT-UNSTATED",
  key: "api",
  target: "API",
  ask: "Does API limit how often one caller may call it?",
  why: "One client can exhaust it.",
  severityIfNot: "high",
  answers: ["rate_limited", "rate_limit_per_minute"],
  flag: { key: "api", field: "rate_limited" },
};

function renderTab(questions: QuestionView[]) {
  const doc = createDocumentStore(view({ questions }));
  render(
    <DocContext.Provider value={doc}>
      <QuestionsTab />
    </DocContext.Provider>,
  );
  return doc;
}

describe("Questions tab", () => {
  beforeEach(() => {
    mockInvoke.mockReset();
    useApp.setState({ vocabulary, error: null });
  });

  it("says when there is nothing to ask", () => {
    renderTab([]);
    expect(screen.getByText(/No open questions/)).toBeTruthy();
  });

  it("answers a yes/no question by setting the field in the model, and selects the item asked about", async () => {
    const doc = renderTab([asked, { ...asked, id: "q2", key: "db", target: "DB", ask: "How is DB classified?", flag: null, answers: ["classification"] }]);
    expect(screen.getAllByTestId("question")).toHaveLength(2);
    expect(screen.getAllByTestId("answer-yes")).toHaveLength(1);
    expect(screen.getByText(/answer in the properties: classification/)).toBeTruthy();
    fireEvent.click(screen.getByText("How is DB classified?"));
    expect(doc.getState().selection).toEqual(["db"]);
    mockInvoke.mockResolvedValueOnce(outcome(view({ revision: 2 }), { message: "edit rate_limited of API" }));
    fireEvent.click(screen.getByTestId("answer-no"));
    expect(mockInvoke).toHaveBeenCalledWith("edit", { edit: { type: "set-fields", key: "api", fields: { rate_limited: false } } });
    await waitFor(() => expect(doc.getState().message).toBe("edit rate_limited of API"));
  });
});
