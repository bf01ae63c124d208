import { useState } from 'react';
import { call } from '../../bridge/attune-bridge';
import { hrefFor, navigate } from '../../routes';
import { useHostData } from '../../use-host-data';
import './clients.css';
import { ErrorLine } from '../../ErrorLine';

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** Clients (pseudonymous records) and, for the upgrade, the sessions saved under codes no course holds yet. */
export function ClientsScreen() {
  const [listed, reload] = useHostData(() => call('clients:list', {}), []);
  const [code, setCode] = useState('');
  const [notes, setNotes] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const create = async () => {
    setBusy(true);
    const result = await call('clients:create', { code, notes });
    setBusy(false);
    if (!result.ok) {
      setProblem(result.error.message);
      return;
    }
    setProblem(undefined);
    navigate({ screen: 'client', clientId: result.value.id });
  };

  const link = async (clientCode: string, sessionIds: readonly string[]) => {
    setBusy(true);
    const result = await call('clients:link-offered', { clientCode, sessionIds: [...sessionIds], via: 'migration' });
    setBusy(false);
    if (!result.ok) setProblem(result.error.message);
    reload();
  };

  return (
    <div className="clients">
      <h1>Clients</h1>
      <p className="no-names" id="no-names">
        A client is a pseudonym — a code and notes. Never type a name, here or in any note.
      </p>

      <section className="panel" aria-labelledby="new-client-heading">
        <h2 id="new-client-heading">New client</h2>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void create();
          }}
        >
          <label className="field">
            <span>Client code (a pseudonym, never a name)</span>
            <input name="client-code" value={code} maxLength={40} autoComplete="off" spellCheck={false} aria-describedby="no-names" onChange={(event) => setCode(event.target.value)} />
          </label>
          <label className="field wide">
            <span>Notes (optional; no names)</span>
            <textarea name="client-notes" value={notes} maxLength={5000} rows={3} onChange={(event) => setNotes(event.target.value)} />
          </label>
          <button type="submit" className="primary" disabled={busy || code.trim() === ''}>
            Create client
          </button>
        </form>
        <ErrorLine message={problem} />
      </section>

      <ErrorLine message={listed.status === 'error' ? listed.message : undefined} />
      {listed.status === 'ready' && listed.value.offers.length > 0 ? (
        <section className="panel" aria-labelledby="offers-heading">
          <h2 id="offers-heading">Sessions saved under a client code, not yet in a course</h2>
          <p className="muted">
            Linking adds them to the course of the client with that code (made when there is none). It is written in the client’s record; the sessions
            themselves are not changed.
          </p>
          <ul className="plain-list">
            {listed.value.offers.map((offer) => (
              <li key={offer.clientCode} className="row" data-offer={offer.clientCode}>
                <span>
                  {offer.clientCode}: {plural(offer.sessionIds.length, 'session')} {offer.clientId === null ? '(no client with this code yet)' : ''}
                </span>
                <button type="button" disabled={busy} onClick={() => void link(offer.clientCode, offer.sessionIds)}>
                  Link into {offer.clientCode}’s course
                </button>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section className="panel" aria-labelledby="clients-heading">
        <h2 id="clients-heading">Clients</h2>
        {listed.status === 'loading' ? <p className="muted">Loading…</p> : null}
        {listed.status === 'ready' && listed.value.clients.length === 0 ? <p className="muted">No clients yet.</p> : null}
        {listed.status === 'ready' ? (
          <ul className="plain-list client-list">
            {listed.value.clients.map((client) => (
              <li key={client.id}>
                <a href={hrefFor({ screen: 'client', clientId: client.id })}>{client.code}</a>{' '}
                <span className="muted">
                  {plural(client.sessionCounts.preparation, 'preparation')} · {plural(client.sessionCounts.dosing, 'dosing session')} ·{' '}
                  {plural(client.sessionCounts.integration, 'integration')}
                </span>
              </li>
            ))}
          </ul>
        ) : null}
      </section>
    </div>
  );
}
