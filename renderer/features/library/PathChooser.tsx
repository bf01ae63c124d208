import { useId, useState, type FormEvent } from 'react';
import { call, hostKind } from '../../bridge/attune-bridge';
import { ErrorLine } from '../../ErrorLine';

interface PathChooserProps {
  readonly purpose: 'library-folder' | 'playlist-file' | 'export-folder' | 'portable-folder';
  /** What the path is for, e.g. "Music folder to add". */
  readonly label: string;
  /** The desktop picker's button, e.g. "Choose folder…". */
  readonly chooseLabel: string;
  /** The typed path's button, e.g. "Add". */
  readonly submitLabel: string;
  readonly placeholder?: string;
  readonly disabled?: boolean;
  /** Does the work with the path; answers an error message in words, or undefined when it worked. */
  readonly onPath: (path: string) => Promise<string | undefined>;
}

/**
 * A path from the user: the desktop app's native picker, or a typed absolute path where
 * there is none (the web host, or a desktop picker that fails). Errors stay on screen in words.
 */
export function PathChooser({ purpose, label, chooseLabel, submitLabel, placeholder, disabled = false, onPath }: PathChooserProps) {
  const [typing, setTyping] = useState(hostKind === 'web');
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const inputId = useId();

  const use = async (path: string) => {
    setBusy(true);
    setError(undefined);
    try {
      const problem = await onPath(path);
      setError(problem);
      if (problem === undefined) setTyped('');
    } finally {
      setBusy(false);
    }
  };

  const choose = async () => {
    setError(undefined);
    const result = await call('dialog:choose', { purpose });
    if (!result.ok) {
      // No picker here (the web host says "unsupported"), or it broke: the path can always be typed.
      if (result.error.code !== 'unsupported') setError(`The picker could not open: ${result.error.message}. Type the path instead.`);
      setTyping(true);
      return;
    }
    if (result.value.path !== null) await use(result.value.path);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const path = typed.trim();
    if (path === '') {
      setError('Type the full path first (it starts with / or a drive letter).');
      return;
    }
    void use(path);
  };

  return (
    <div className="path-chooser">
      {typing ? (
        <form className="path-form" onSubmit={submit}>
          <label htmlFor={inputId}>{label}</label>
          <div className="row">
            <input
              id={inputId}
              className="path-input"
              value={typed}
              onChange={(event) => setTyped(event.target.value)}
              placeholder={placeholder ?? '/home/me/Music'}
              spellCheck={false}
              autoComplete="off"
              disabled={disabled || busy}
            />
            <button type="submit" disabled={disabled || busy}>
              {busy ? 'Working…' : submitLabel}
            </button>
          </div>
        </form>
      ) : (
        <div className="row">
          <button type="button" onClick={() => void choose()} disabled={disabled || busy}>
            {busy ? 'Working…' : chooseLabel}
          </button>
          <button type="button" className="link-button" onClick={() => setTyping(true)} disabled={disabled || busy}>
            Type a path instead
          </button>
        </div>
      )}
      <ErrorLine message={error} />
    </div>
  );
}
