import type { DocumentView } from "../bindings/DocumentView";
import type { FieldSpec } from "../bindings/FieldSpec";
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
    alsoStride: [],
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
    system: { name: "Demo", owner: "AppSec", assumptions: ["TLS everywhere"] },
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
      {
        key: "db", id: "d1", kind: "data-store", name: "DB", x: 40, y: 200, width: 150, height: 56,
        boundary: "zone", depth: 1, threats: 0, worst: null, changed: false, props: { key: "db", name: "DB", stores: ["card"] },
      },
    ],
    edges: [
      {
        key: "login", id: "f1", from: "user", to: "api", label: "Login", bidirectional: false, crosses: true,
        threats: 1, worst: "critical", changed: false, props: { key: "login", name: "Login", from: "user", to: "api", carries: ["creds"] },
      },
    ],
    assets: [
      { key: "creds", name: "Credentials", on: ["login"], props: { key: "creds", name: "Credentials", classification: "secret" } },
      { key: "card", name: "Card data", on: ["db"], props: { key: "card", name: "Card data" } },
    ],
    apis: [
      { key: "public-api", name: "Public API", on: ["api", "user"], props: { key: "public-api", name: "Public API", provider: "api", consumers: ["user"] } },
    ],
    threats: [
      threat("T-2", { severity: "high", stride: "tampering", owasp: ["API2:2023"] }),
      threat("T-10", { severity: "low", title: "Replay", target: "login", targetName: "Login", status: "accepted" }),
      threat("T-1", { severity: "critical", title: "Spoofed user", attackPath: ["user", "login", "api"] }),
    ],
    mitigations: [],
    questions: [],
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
  return { change: { type: "whole", value: v }, appeared: [], resolved: [], message: "done", coreMs: 30, ...patch };
}

const text = (name: string, label: string): FieldSpec => ({ name, label, help: null, kind: { type: "text" } });

export const vocabulary: Vocabulary = {
  system: [
    text("name", "Name"),
    { name: "description", label: "Description", help: null, kind: { type: "long-text" } },
    text("owner", "Owner"),
    { name: "assumptions", label: "Assumptions", help: null, kind: { type: "words" } },
  ],
  externalEntity: [],
  process: [
    { name: "name", label: "Name", help: null, kind: { type: "text" } },
    { name: "authenticated", label: "Authenticated", help: "Callers prove who they are", kind: { type: "flag" } },
    { name: "exposure", label: "Exposure", help: null, kind: { type: "choice", options: [{ value: "internet", help: null }, { value: "internal", help: null }] } },
    { name: "tags", label: "Tags", help: null, kind: { type: "words" } },
  ],
  dataStore: [{ name: "stores", label: "Stores", help: null, kind: { type: "keys" } }],
  flow: [
    { name: "encrypted", label: "Encrypted", help: null, kind: { type: "flag" } },
    { name: "carries", label: "Carries", help: null, kind: { type: "keys" } },
  ],
  boundary: [],
  dataAsset: [
    text("name", "Name"),
    { name: "classification", label: "Classification", help: null, kind: { type: "choice", options: [{ value: "public", help: null }, { value: "secret", help: null }] } },
  ],
  api: [
    text("name", "Name"),
    text("provider", "Provider"),
    { name: "consumers", label: "Consumers", help: null, kind: { type: "keys" } },
  ],
  // The core's lifecycle table (src/lifecycle/status.rs).
  statuses: [
    { status: "open", needs: [], needsMitigation: false, next: ["mitigation-planned", "mitigated", "accepted", "transferred", "not-applicable"], engineOnly: false },
    { status: "mitigation-planned", needs: [], needsMitigation: true, next: ["open", "mitigated", "accepted", "transferred", "not-applicable"], engineOnly: false },
    { status: "mitigated", needs: [], needsMitigation: true, next: ["open", "mitigation-planned"], engineOnly: false },
    {
      status: "accepted", needs: ["approver", "reason", "expires"], needsMitigation: false,
      next: ["open", "mitigation-planned", "mitigated", "accepted", "transferred", "not-applicable"], engineOnly: false,
    },
    { status: "transferred", needs: ["transferred_to"], needsMitigation: false, next: ["open", "mitigation-planned", "accepted"], engineOnly: false },
    { status: "not-applicable", needs: ["reason"], needsMitigation: false, next: ["open"], engineOnly: false },
    { status: "obsolete", needs: [], needsMitigation: false, next: [], engineOnly: true },
  ],
  scaleMin: 1,
  scaleMax: 5,
};
