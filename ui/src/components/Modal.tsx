import { useEffect, useRef, useState, type ReactNode } from "react";

interface ModalProps {
  title: string;
  testId: string;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  wide?: boolean;
}

/** A dialog drawn in the page (no native dialogs: they are unreachable from WebDriver). */
export function Modal({ title, testId, onClose, children, footer, wide }: ModalProps) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const first = ref.current?.querySelector<HTMLElement>("input, select, textarea, button.primary");
    first?.focus();
  }, []);
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        ref={ref}
        className={wide ? "modal wide" : "modal"}
        role="dialog"
        aria-modal="true"
        aria-label={title}
        data-testid={testId}
        onKeyDown={(e) => {
          e.stopPropagation();
          if (e.key === "Escape") onClose();
        }}
      >
        <h2>{title}</h2>
        <div className="modal-body">{children}</div>
        {footer && <div className="modal-footer">{footer}</div>}
      </div>
    </div>
  );
}

interface PromptProps {
  title: string;
  label: string;
  initial?: string;
  confirm?: string;
  /** An empty answer is allowed (optional notes). */
  optional?: boolean;
  onConfirm: (value: string) => void;
  onClose: () => void;
  /** More of the form, below the answer. */
  children?: ReactNode;
}

export function PromptDialog({ title, label, initial = "", confirm = "OK", optional, onConfirm, onClose, children }: PromptProps) {
  const [value, setValue] = useState(initial);
  const ok = optional || value.trim() !== "";
  const submit = () => ok && onConfirm(value);
  return (
    <Modal
      title={title}
      testId="prompt-dialog"
      onClose={onClose}
      footer={
        <>
          <button onClick={onClose} data-testid="dialog-cancel">
            Cancel
          </button>
          <button className="primary" disabled={!ok} onClick={submit} data-testid="dialog-confirm">
            {confirm}
          </button>
        </>
      }
    >
      <label className="field">
        <span>{label}</span>
        <input
          data-testid="prompt-input"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          onKeyDown={(e) => e.key === "Enter" && submit()}
        />
      </label>
      {children}
    </Modal>
  );
}
