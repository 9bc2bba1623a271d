import { doEdit } from "../actions";
import { useDoc, useDocStore } from "../store";

/** Questions for the review: what the model does not state. Not threats (never counted);
 *  answering one sets the property in the model, and the analysis runs again. */
export function QuestionsTab() {
  const doc = useDocStore();
  const questions = useDoc((s) => s.view.questions);
  if (!questions.length) {
    return <p className="muted pad">No open questions: the model states every control the rules ask about.</p>;
  }
  const answer = (key: string, field: string, value: boolean) =>
    doEdit(doc, { type: "set-fields", key, fields: { [field]: value } });
  return (
    <div className="questions-tab">
      <p className="muted pad">
        Not threats: the model does not say. Answer each once — “yes” states the control, “no” records the weakness
        (it then becomes a threat, ranked as shown).
      </p>
      <ul className="questions plain">
        {questions.map((q) => (
          <li key={q.id} className="question" data-testid="question" data-key={q.key}>
            <span className={`sev sev-${q.severityIfNot}`} title="How the threat ranks if the answer is no">
              if not: {q.severityIfNot}
            </span>
            <button
              className="link question-ask"
              title={q.why}
              onClick={() => doc.getState().setSelection([q.key])}
            >
              {q.ask}
            </button>
            <span className="muted"> · {q.target}</span>
            {q.flag ? (
              <span className="answer">
                <button data-testid="answer-yes" onClick={() => answer(q.flag!.key, q.flag!.field, true)}>
                  Yes
                </button>
                <button data-testid="answer-no" onClick={() => answer(q.flag!.key, q.flag!.field, false)}>
                  No
                </button>
              </span>
            ) : (
              <span className="muted answer">answer in the properties: {q.answers.join(", ")}</span>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
