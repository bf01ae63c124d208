import { useId, useState, type FormEvent } from 'react';
import { useExternalState } from '../../use-external-state';
import type { EncryptionClient } from './EncryptionClient';
import './encryption.css';

/** The passphrase form that opens locked sessions. */
export function UnlockForm({ client, autoFocus = false }: { readonly client: EncryptionClient; readonly autoFocus?: boolean }) {
  const { task } = useExternalState(client);
  const [passphrase, setPassphrase] = useState('');
  const [error, setError] = useState<string | undefined>();
  const inputId = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    const problem = await client.unlock(passphrase);
    if (problem === undefined) setPassphrase('');
    setError(problem);
  };

  return (
    <form className="unlock-form" onSubmit={(event) => void submit(event)}>
      <label className="field" htmlFor={inputId}>
        <span>Passphrase</span>
        <input
          id={inputId}
          type="password"
          autoComplete="current-password"
          value={passphrase}
          onChange={(event) => setPassphrase(event.target.value)}
          // The Start screen opens on this prompt when it is all there is to do.
          autoFocus={autoFocus}
          aria-invalid={error !== undefined}
        />
      </label>
      <p className="row">
        <button type="submit" className="primary" disabled={task !== undefined || passphrase === ''}>
          {task === 'unlocking' ? 'Unlocking…' : 'Unlock sessions'}
        </button>
        {error !== undefined ? (
          <span className="error" role="alert">
            {error}
          </span>
        ) : null}
      </p>
    </form>
  );
}

/** On the Start screen while the sessions are locked: why, and the way in. */
export function UnlockPanel({ client }: { readonly client: EncryptionClient }) {
  const { status } = useExternalState(client);
  if (status?.locked !== true) return null;
  const byPassphrase = status.method === 'passphrase';
  return (
    <section className="panel unlock-panel" aria-labelledby="unlock-heading">
      <h2 id="unlock-heading">The sessions are locked</h2>
      {byPassphrase ? (
        <>
          <p className="muted">
            The sessions in this data folder are encrypted. Enter the passphrase to open them; until then no session can be started, resumed, reviewed or
            saved.
          </p>
          <UnlockForm client={client} autoFocus />
        </>
      ) : (
        <p className="notice" role="status">
          {status.problem ?? 'The sessions are encrypted and cannot be opened here.'}
        </p>
      )}
    </section>
  );
}
