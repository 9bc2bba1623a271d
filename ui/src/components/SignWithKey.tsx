import { api } from "../api";
import { attempt } from "../actions";

/**
 * "Sign with SSH key…": the approver's key, chosen in a native dialog (the core has
 * `ssh-keygen -Y sign` sign the decision with it; the key never reaches the page).
 * `value` is the chosen path, or null for an unsigned decision.
 */
export function SignWithKey({ value, onChange }: { value: string | null; onChange: (key: string | null) => void }) {
  const choose = async () => {
    const chosen = await attempt(() => api.choosePath("ssh-key", ""));
    if (chosen) onChange(chosen);
  };
  return (
    <div className="field sign-with">
      <button onClick={choose} data-testid="sign-with-key" title="Sign with your SSH key (ssh-keygen -Y sign)">
        {value ? `Signed with ${value.split(/[\\/]/).pop()}` : "Sign with SSH key…"}
      </button>
      {value && (
        <button onClick={() => onChange(null)} data-testid="sign-with-clear" aria-label="Do not sign">
          ×
        </button>
      )}
    </div>
  );
}
