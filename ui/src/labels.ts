// Display labels for the enums in the generated bindings. Each map is a Record over the
// binding's union, so the compiler fails here when the Rust side adds or removes a value.
import type { FieldSpec } from "./bindings/FieldSpec";
import type { Format } from "./bindings/Format";
import type { MitigationStatus } from "./bindings/MitigationStatus";
import type { NodeKind } from "./bindings/NodeKind";
import type { RiskLevel } from "./bindings/RiskLevel";
import type { Section } from "./bindings/Section";
import type { Stride } from "./bindings/Stride";
import type { ThreatStatus } from "./bindings/ThreatStatus";
import type { Vocabulary } from "./bindings/Vocabulary";

export const SEVERITY: Record<RiskLevel, string> = { critical: "Critical", high: "High", medium: "Medium", low: "Low" };
/** Display order, worst first. */
export const SEVERITY_ORDER: RiskLevel[] = ["critical", "high", "medium", "low"];

export const STATUS: Record<ThreatStatus, string> = {
  open: "Open",
  "mitigation-planned": "Mitigation planned",
  mitigated: "Mitigated",
  accepted: "Accepted",
  transferred: "Transferred",
  "not-applicable": "Not applicable",
  obsolete: "Obsolete",
};

export const STRIDE: Record<Stride, string> = {
  spoofing: "Spoofing",
  tampering: "Tampering",
  repudiation: "Repudiation",
  "information-disclosure": "Information disclosure",
  "denial-of-service": "Denial of service",
  "elevation-of-privilege": "Elevation of privilege",
};

export const STRIDE_LETTER: Record<Stride, string> = {
  spoofing: "S",
  tampering: "T",
  repudiation: "R",
  "information-disclosure": "I",
  "denial-of-service": "D",
  "elevation-of-privilege": "E",
};

export const MITIGATION_STATUS: Record<MitigationStatus, string> = {
  proposed: "Proposed",
  planned: "Planned",
  implemented: "Implemented",
  verified: "Verified",
};

export const FORMAT: Record<Format, { label: string; ext: string }> = {
  pdf: { label: "PDF", ext: "pdf" },
  html: { label: "HTML", ext: "html" },
  md: { label: "Markdown", ext: "md" },
  csv: { label: "CSV (issue trackers)", ext: "csv" },
  json: { label: "JSON", ext: "json" },
  sarif: { label: "SARIF", ext: "sarif" },
};

export const SECTION: Record<Section, string> = {
  title: "Title page",
  contents: "Contents",
  summary: "Summary",
  diagram: "Diagram",
  inventory: "Inventory",
  register: "Threat register",
  questions: "Questions for the review",
  details: "Threat details",
  decisions: "Decisions",
  mitigations: "Mitigations",
  compliance: "Compliance",
  changes: "Changes since baseline",
  method: "Method",
};

export const NODE_KIND: Record<NodeKind, string> = {
  "external-entity": "External entity",
  process: "Process",
  "data-store": "Data store",
  boundary: "Trust boundary",
};

/** The vocabulary's field lists (not the status table or the scale). */
export type FieldListKey = { [K in keyof Vocabulary]: Vocabulary[K] extends FieldSpec[] ? K : never }[keyof Vocabulary];

/** Which vocabulary list describes a node kind. */
export const VOCABULARY_OF: Record<NodeKind, FieldListKey> = {
  "external-entity": "externalEntity",
  process: "process",
  "data-store": "dataStore",
  boundary: "boundary",
};

export function keysOf<K extends string>(r: Record<K, unknown>): K[] {
  return Object.keys(r) as K[];
}
