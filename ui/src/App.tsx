import { useEffect } from "react";
import { api } from "./api";
import { attempt } from "./actions";
import { ErrorBanner } from "./components/ErrorBanner";
import { Editor } from "./components/Editor";
import { StartScreen } from "./components/StartScreen";
import { DocContext, useApp } from "./store";

export function App() {
  const doc = useApp((s) => s.doc);
  const theme = useApp((s) => s.theme);
  const presentation = useApp((s) => s.presentation);
  const vocabulary = useApp((s) => s.vocabulary);
  const setVocabulary = useApp((s) => s.setVocabulary);

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  useEffect(() => {
    if (doc && !vocabulary) attempt(api.vocabulary).then((v) => v && setVocabulary(v));
  }, [doc, vocabulary, setVocabulary]);

  return (
    <div className={presentation ? "app presentation" : "app"}>
      <ErrorBanner />
      {doc ? (
        <DocContext.Provider value={doc}>
          <Editor />
        </DocContext.Provider>
      ) : (
        <StartScreen />
      )}
    </div>
  );
}
