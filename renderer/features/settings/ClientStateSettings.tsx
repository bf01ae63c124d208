import { useEffect, useState } from 'react';
import type { ClientStateDefinition } from '../../../core/client-states';
import { KeyedKindRow } from './KeyedKindRow';
import type { SettingsClient } from './SettingsClient';

/**
 * The client's states (label, key, colour, span, the live screen's prompt, hidden). Saved
 * apart from the mark kinds; the host refuses a key a mark kind or another state has, and says which.
 */
export function ClientStateSettings({ client, states }: { readonly client: SettingsClient; readonly states: readonly ClientStateDefinition[] }) {
  const [draft, setDraft] = useState<ClientStateDefinition[]>(() => [...states]);
  const [message, setMessage] = useState<{ text: string; error: boolean } | undefined>();
  useEffect(() => setDraft([...states]), [states]);
  const change = (index: number, patch: Partial<ClientStateDefinition>) => setDraft((previous) => previous.map((state, position) => (position === index ? { ...state, ...patch } : state)));
  const save = async () => {
    const error = await client.update({ clientStates: draft });
    setMessage(error === undefined ? { text: 'Saved.', error: false } : { text: error, error: true });
  };
  return (
    <>
      <h2>Client states</h2>
      <p className="muted">
        The state band on the live screen: one key per state, never a mark kind&apos;s key. A band state holds until the next one; a span (dissociation, by
        default) is opened by its key and closed by the next press. After the minutes given, a quiet prompt offers to hold the phase or bridge to a calm
        soundscape (empty: never).
      </p>
      <table className="states-table">
        <thead>
          <tr>
            <th scope="col">State</th>
            <th scope="col">Key</th>
            <th scope="col">Colour</th>
            <th scope="col">Prompt after (min)</th>
            <th scope="col">Span</th>
            <th scope="col">Hidden</th>
          </tr>
        </thead>
        <tbody>
          {draft.map((state, index) => (
            <KeyedKindRow
              key={state.id}
              definition={state}
              rowOf="state"
              names={{
                label: `Label of the state ${state.id}`,
                key: `Key for the state ${state.label}`,
                color: `Colour of the state ${state.label}`,
                span: `The state ${state.label} is a span`,
                hidden: `Hide the state ${state.label}`,
              }}
              onChange={(patch) => change(index, patch)}
            >
              <td>
                <input
                  aria-label={`Prompt after the state ${state.label} held (minutes)`}
                  type="number"
                  min={1}
                  max={600}
                  value={state.promptAfterMinutes ?? ''}
                  onChange={(event) => change(index, { promptAfterMinutes: event.target.value.trim() === '' ? null : Math.round(Number(event.target.value)) })}
                />
              </td>
            </KeyedKindRow>
          ))}
        </tbody>
      </table>
      <p className="row">
        <button type="button" onClick={() => void save()}>
          Save client states
        </button>
        {message !== undefined ? (
          <span className={message.error ? 'error pre' : 'muted'} role={message.error ? 'alert' : 'status'}>
            {message.text}
          </span>
        ) : null}
      </p>
    </>
  );
}
