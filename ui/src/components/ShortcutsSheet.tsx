import { useApp } from "../store";
import { Modal } from "./Modal";

const SHORTCUTS: [string, string][] = [
  ["P / E / S / B", "Add a process / external entity / data store / trust boundary"],
  ["Delete, Backspace", "Delete the selection (asks first)"],
  ["Ctrl+C / Ctrl+V", "Copy / paste the selection"],
  ["Ctrl+Z", "Undo"],
  ["Ctrl+Shift+Z, Ctrl+Y", "Redo"],
  ["Shift+drag", "Box select"],
  ["Shift/Ctrl+click", "Add to the selection"],
  ["↑ ↓ / j k", "Register: move the selection"],
  ["o m p a t n", "Register: set open / mitigated / mitigation planned / accepted / transferred / not applicable (where the lifecycle allows it)"],
  ["▾ / drag the panel's top edge", "Fold the bottom panel away / share the height with the diagram"],
  ["?", "This sheet"],
];

export function ShortcutsSheet() {
  const close = () => useApp.getState().setShortcuts(false);
  return (
    <Modal title="Keyboard shortcuts" testId="shortcuts" onClose={close} footer={<button className="primary" onClick={close}>Close</button>}>
      <table className="shortcuts">
        <tbody>
          {SHORTCUTS.map(([k, what]) => (
            <tr key={k}>
              <td>
                <kbd>{k}</kbd>
              </td>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Modal>
  );
}
