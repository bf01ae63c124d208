import { useEffect, useId, useState, type FormEvent } from 'react';
import { minPassphraseLength, type EncryptionMethod, type EncryptionStatus } from '../../../core/encryption';
import { hrefFor } from '../../routes';
import { useExternalState } from '../../use-external-state';
import type { EncryptionClient } from './EncryptionClient';
import { UnlockForm } from './UnlockPanel';
import './encryption.css';

type Message = { readonly text: string; readonly error: boolean } | undefined;

function MessageLine({ message }: { readonly message: Message }) {
  if (message === undefined) return null;
  return (
    <span className={message.error ? 'error' : 'muted'} role={message.error ? 'alert' : 'status'}>
      {message.text}
    </span>
  );
}

function PassphraseInput({ label, value, onChange, autoComplete }: { label: string; value: string; onChange: (value: string) => void; autoComplete: string }) {
  const id = useId();
  return (
    <label className="field" htmlFor={id}>
      <span>{label}</span>
      <input id={id} type="password" autoComplete={autoComplete} value={value} onChange={(event) => onChange(event.target.value)} />
    </label>
  );
}

/** Why a new passphrase cannot be used yet, or undefined. */
function newPassphraseProblem(passphrase: string, repeated: string): string | undefined {
  if (passphrase.length < minPassphraseLength) return `A passphrase has at least ${minPassphraseLength} characters; a few words are easiest to remember.`;
  if (passphrase !== repeated) return 'The two passphrases are not the same.';
  return undefined;
}

function ConversionProgress({ progress }: { readonly progress: NonNullable<EncryptionStatus['progress']> }) {
  const verb = progress.direction === 'encrypt' ? 'Encrypting' : 'Decrypting';
  return (
    <div className="encryption-progress" role="status">
      <span>
        {verb} the existing sessions: {progress.done} of {progress.total}
      </span>
      <progress value={progress.done} max={Math.max(progress.total, 1)} aria-label={`${verb} the existing sessions`} />
    </div>
  );
}

function EnableForm({ client, status }: { readonly client: EncryptionClient; readonly status: EncryptionStatus }) {
  const { task } = useExternalState(client);
  const [method, setMethod] = useState<EncryptionMethod>(status.keychainAvailable ? 'keychain' : 'passphrase');
  const [passphrase, setPassphrase] = useState('');
  const [repeated, setRepeated] = useState('');
  const [understood, setUnderstood] = useState(false);
  const [message, setMessage] = useState<Message>();
  useEffect(() => {
    if (!status.keychainAvailable) setMethod('passphrase');
  }, [status.keychainAvailable]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (method === 'passphrase') {
      const problem = newPassphraseProblem(passphrase, repeated);
      if (problem !== undefined) return setMessage({ text: problem, error: true });
      if (!understood) return setMessage({ text: 'Tick the box to confirm that a forgotten passphrase cannot be recovered.', error: true });
    }
    setMessage(undefined);
    const error = await client.enable(method === 'keychain' ? { method } : { method, passphrase });
    setMessage(error === undefined ? { text: 'Encryption is on: every session is encrypted.', error: false } : { text: error, error: true });
    if (error === undefined) {
      setPassphrase('');
      setRepeated('');
    }
  };

  return (
    <form onSubmit={(event) => void submit(event)}>
      <fieldset className="encryption-method">
        <legend>Keep the key</legend>
        <label>
          <input type="radio" name="encryption-method" value="keychain" checked={method === 'keychain'} disabled={!status.keychainAvailable} onChange={() => setMethod('keychain')} />{' '}
          In this computer&rsquo;s keychain: Attune opens the sessions by itself when you are logged in.
        </label>
        {status.keychainProblem !== undefined ? <small className="muted indented">{status.keychainProblem}</small> : null}
        <label>
          <input type="radio" name="encryption-method" value="passphrase" checked={method === 'passphrase'} onChange={() => setMethod('passphrase')} /> Under a
          passphrase: Attune asks for it every time it starts.
        </label>
      </fieldset>
      {method === 'passphrase' ? (
        <>
          <PassphraseInput label="Passphrase" value={passphrase} onChange={setPassphrase} autoComplete="new-password" />
          <PassphraseInput label="The passphrase again" value={repeated} onChange={setRepeated} autoComplete="new-password" />
          <label className="checkbox-line">
            <input type="checkbox" checked={understood} onChange={(event) => setUnderstood(event.target.checked)} /> I understand that if the passphrase is forgotten, the
            sessions cannot be read by anyone.
          </label>
        </>
      ) : null}
      <p className="row">
        <button type="submit" className="primary" disabled={task !== undefined}>
          {task === 'enabling' ? 'Encrypting…' : 'Encrypt the sessions'}
        </button>
        <MessageLine message={message} />
      </p>
    </form>
  );
}

function ChangePassphraseForm({ client }: { readonly client: EncryptionClient }) {
  const { task } = useExternalState(client);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeated, setRepeated] = useState('');
  const [message, setMessage] = useState<Message>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problem = newPassphraseProblem(next, repeated);
    if (problem !== undefined) return setMessage({ text: problem, error: true });
    const error = await client.changePassphrase(current, next);
    setMessage(error === undefined ? { text: 'The passphrase is changed. Use the new one from now on.', error: false } : { text: error, error: true });
    if (error === undefined) {
      setCurrent('');
      setNext('');
      setRepeated('');
    }
  };

  return (
    <form onSubmit={(event) => void submit(event)} aria-labelledby="change-passphrase-heading">
      <h3 id="change-passphrase-heading">Change the passphrase</h3>
      <p className="muted">Only the key is re-wrapped; the sessions stay as they are, so this is quick.</p>
      <PassphraseInput label="Current passphrase" value={current} onChange={setCurrent} autoComplete="current-password" />
      <PassphraseInput label="New passphrase" value={next} onChange={setNext} autoComplete="new-password" />
      <PassphraseInput label="The new passphrase again" value={repeated} onChange={setRepeated} autoComplete="new-password" />
      <p className="row">
        <button type="submit" disabled={task !== undefined || current === ''}>
          {task === 'changing' ? 'Changing…' : 'Change the passphrase'}
        </button>
        <MessageLine message={message} />
      </p>
    </form>
  );
}

/** Turning off decrypts every session; it takes a second press, and the passphrase when there is one. */
function DisableForm({ client, status }: { readonly client: EncryptionClient; readonly status: EncryptionStatus }) {
  const { task } = useExternalState(client);
  const [armed, setArmed] = useState(false);
  const [passphrase, setPassphrase] = useState('');
  const [message, setMessage] = useState<Message>();
  const byPassphrase = status.method === 'passphrase';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!armed) return setArmed(true);
    const error = await client.disable(byPassphrase ? passphrase : undefined);
    setArmed(false);
    setPassphrase('');
    setMessage(error === undefined ? { text: 'Encryption is off: the sessions are stored in clear again.', error: false } : { text: error, error: true });
  };

  return (
    <form onSubmit={(event) => void submit(event)} aria-labelledby="disable-encryption-heading">
      <h3 id="disable-encryption-heading">Turn encryption off</h3>
      <p className="muted">Every session is decrypted and stored in clear in the data folder again, and the key is removed.</p>
      {armed && byPassphrase ? <PassphraseInput label="Passphrase, to confirm" value={passphrase} onChange={setPassphrase} autoComplete="current-password" /> : null}
      <p className="row">
        <button type="submit" className={armed ? 'danger' : undefined} disabled={task !== undefined || (armed && byPassphrase && passphrase === '')}>
          {task === 'disabling' ? 'Decrypting…' : armed ? 'Decrypt every session now' : 'Turn encryption off…'}
        </button>
        {armed && task === undefined ? (
          <button type="button" onClick={() => setArmed(false)}>
            Keep it on
          </button>
        ) : null}
        <MessageLine message={message} />
      </p>
    </form>
  );
}

/** The settings section: what encryption at rest protects and what it does not, and its controls. */
export function EncryptionSettings({ client }: { readonly client: EncryptionClient }) {
  const { status, loadError } = useExternalState(client);
  useEffect(() => void client.load(), [client]);

  return (
    <section className="encryption-settings" aria-labelledby="encryption-heading">
      <h2 id="encryption-heading">Encryption at rest</h2>
      <p>
        When it is on, everything a session holds — marks, notes, vitals, the client code, the intention and the other session facts — is stored encrypted in the data
        folder (AES-256). Someone who copies the folder, takes the disk or finds a backup cannot read the sessions without the key.
      </p>
      <p className="muted">
        It does not protect the sessions from anyone using this computer while Attune is open and unlocked. Exports you save (Markdown, HTML, PDF, CSV, JSON, EAF) are
        written in clear where you choose. Playlists, settings and music are not encrypted, and the number and dates of the sessions can still be seen. With a
        passphrase: <strong>if you forget it, the sessions cannot be read — by anyone</strong>. With the keychain: the sessions open only on this computer, for this
        user; a copy of the folder on another computer cannot be read. Back up the whole data folder, keys.json included.
      </p>
      {loadError !== undefined ? <p className="error">The encryption status could not be read: {loadError}</p> : null}
      {status === undefined ? null : <EncryptionControls client={client} status={status} />}
    </section>
  );
}

function EncryptionControls({ client, status }: { readonly client: EncryptionClient; readonly status: EncryptionStatus }) {
  const { task } = useExternalState(client);
  if (task === 'enabling' || task === 'disabling') {
    return status.progress !== undefined ? (
      <ConversionProgress progress={status.progress} />
    ) : (
      <p role="status">{task === 'enabling' ? 'Preparing the key…' : 'Opening the key…'}</p>
    );
  }
  return (
    <>
      {status.progress !== undefined ? <ConversionProgress progress={status.progress} /> : null}
      {status.problem !== undefined ? (
        <p className="notice" role="status">
          {status.problem}
        </p>
      ) : null}
      {!status.enabled ? (
        <>
          <p className="encryption-state" role="status">Off: the sessions are stored in clear.</p>
          <EnableForm client={client} status={status} />
        </>
      ) : status.locked ? (
        <>
          <p className="encryption-state" role="status">On, and locked: the sessions cannot be opened until the key is.</p>
          {status.method === 'passphrase' ? <UnlockForm client={client} /> : <a href={hrefFor({ screen: 'home' })}>Back to the Start screen</a>}
        </>
      ) : status.unfinished !== undefined ? (
        <p className="encryption-state" role="status">
          {status.unfinished === 'encrypt'
            ? 'Being turned on: some sessions are not encrypted yet.'
            : 'Being turned off: some sessions are still encrypted.'}
        </p>
      ) : (
        <>
          <p className="encryption-state" role="status">
            On: the sessions are encrypted; the key is kept {status.method === 'keychain' ? 'in this computer’s keychain' : 'under your passphrase'}.
          </p>
          {status.method === 'passphrase' ? <ChangePassphraseForm client={client} /> : null}
          <DisableForm client={client} status={status} />
        </>
      )}
    </>
  );
}
