import type { DocumentView } from "../bindings/DocumentView";
import type { Outcome } from "../bindings/Outcome";
import type { ThreatRow } from "../bindings/ThreatRow";
import type { Vocabulary } from "../bindings/Vocabulary";

export function threat(reference: string, patch: Partial<ThreatRow> = {}): ThreatRow {
  return {
    reference,
    title: `Threat ${reference}`,
    description: "",
    rule: "R-1",
    stride: "spoofing",
    owasp: [],
    target: "api",
    targetName: "API",
    targetKind: "process",
    likelihood: 3,
    impact: 3,
    severity: "medium",
    status: "open",
    approver: null,
    reason: null,
    expires: null,
    transferredTo: null,
    attackPath: [],
    mitigations: [],
    suggested: [],
    rationale: [],
    signed: false,
    changed: false,
    ...patch,
  };
}

export function view(patch: Partial<DocumentView> = {}): DocumentView {
  return {
    path: "/tmp/demo.twdb",
    name: "Demo",
    revision: 1,
    nodes: [
      {
        key: "zone", id: "b1", kind: "boundary", name: "Zone", x: 0, y: 0, width: 400, height: 300,
        boundary: null, depth: 0, threats: 0, worst: null, changed: false, props: { key: "zone", name: "Zone" },
      },
      {
        key: "api", id: "p1", kind: "process", name: "API", x: 40, y: 60, width: 150, height: 56,
        boundary: "zone", depth: 1, threats: 2, worst: "high", changed: true, props: { key: "api", name: "API", authenticated: true },
      },
      {
        key: "user", id: "e1", kind: "external-entity", name: "User", x: 500, y: 60, width: 150, height: 56,
        boundary: null, depth: 0, threats: 0, worst: null, changed: false, props: { key: "user", name: "User" },
      },
    ],
    edges: [
      {
        key: "login", id: "f1", from: "user", to: "api", label: "Login", bidirectional: false, crosses: true,
        threats: 1, worst: "critical", changed: false, props: { key: "login", name: "Login", from: "user", to: "api" },
      },
    ],
    threats: [
      threat("T-2", { severity: "high", stride: "tampering", owasp: ["API2:2023"] }),
      threat("T-10", { severity: "low", title: "Replay", target: "login", targetName: "Login", status: "accepted" }),
      threat("T-1", { severity: "critical", title: "Spoofed user", attackPath: ["user", "login", "api"] }),
    ],
    mitigations: [],
    diagnostics: [{ code: "W001", error: false, message: "API has no description", key: "api" }],
    baseline: null,
    autoLayout: false,
    undo: null,
    redo: null,
    rulesVersion: "1.0",
    user: "tester",
    ...patch,
  };
}

export function outcome(v: DocumentView, patch: Partial<Outcome> = {}): Outcome {
  return { view: v, appeared: [], resolved: [], message: "done", ...patch };
}

export const vocabulary: Vocabulary = {
  externalEntity: [],
  process: [
    { name: "name", label: "Name", help: null, kind: { type: "text" } },
    { name: "authenticated", label: "Authenticated", help: "Callers prove who they are", kind: { type: "flag" } },
    { name: "exposure", label: "Exposure", help: null, kind: { type: "choice", options: [{ value: "internet", help: null }, { value: "internal", help: null }] } },
    { name: "tags", label: "Tags", help: null, kind: { type: "words" } },
  ],
  dataStore: [],
  flow: [{ name: "encrypted", label: "Encrypted", help: null, kind: { type: "flag" } }],
  boundary: [],
  dataAsset: [],
};
