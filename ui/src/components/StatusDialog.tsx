import { useState } from "react";
import type { ThreatStatus } from "../bindings/ThreatStatus";
import { doAct } from "../actions";
import { STATUS } from "../labels";
import { useDocStore, type ResponseField } from "../store";
import { Modal } from "./Modal";
import { SignWithKey } from "./SignWithKey";

export interface StatusRequest {
  reference: string;
  status: ThreatStatus;
  fields: ResponseField[];
}

const INPUTS: Record<ResponseField, { id: string; label: string; type: string }> = {
  approver: { id: "approver", label: "Approver", type: "text" },
  reason: { id: "reason", label: "Reason", type: "text" },
  // A text input: date pickers differ between web views; the core checks the date.
  expires: { id: "expires", label: "Expires (YYYY-MM-DD)", type: "text" },
  transferredTo: { id: "transferred-to", label: "Transferred to", type: "text" },
};

export function StatusDialog({ request, onClose }: { request: StatusRequest; onClose: () => void }) {
  const doc = useDocStore();
  const [values, setValues] = useState<Record<ResponseField, string>>({ approver: "", reason: "", expires: "", transferredTo: "" });
  const [key, setKey] = useState<string | null>(null);
  const v = (f: ResponseField) => (request.fields.includes(f) && values[f].trim() ? values[f].trim() : null);
  const confirm = async () => {
    const ok = await doAct(doc, {
      type: "set-status",
      reference: request.reference,
      status: request.status,
      approver: v("approver"),
      reason: v("reason"),
      expires: v("expires"),
      transferredTo: v("transferredTo"),
      signWith: key ?? undefined,
    });
    if (ok) onClose();
  };
  return (
    <Modal
      title={`${request.reference}: ${STATUS[request.status]}`}
      testId="status-dialog"
      onClose={onClose}
      footer={
        <>
          <button onClick={onClose} data-testid="dialog-cancel">
            Cancel
          </button>
          <button className="primary" onClick={confirm} data-testid="dialog-confirm">
            Set {STATUS[request.status].toLowerCase()}
          </button>
        </>
      }
    >
      {request.fields.map((f) => (
        <label className="field" key={f} htmlFor={INPUTS[f].id}>
          <span>{INPUTS[f].label}</span>
          <input
            id={INPUTS[f].id}
            name={INPUTS[f].id}
            type={INPUTS[f].type}
            placeholder={f === "expires" ? "YYYY-MM-DD" : undefined}
            value={values[f]}
            onChange={(e) => setValues({ ...values, [f]: e.target.value })}
            onKeyDown={(e) => e.key === "Enter" && confirm()}
          />
        </label>
      ))}
      <SignWithKey value={key} onChange={setKey} />
    </Modal>
  );
}
