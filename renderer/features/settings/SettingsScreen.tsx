import { useEffect, useState } from 'react';
import { newMarkKindId, reservedKeys, type MarkKindDefinition } from '../../../core/mark-kinds';
import { soundscapePresetInfo, soundscapePresets } from '../../../core/playlist';
import type { Settings } from '../../../core/settings';
import { useExternalState } from '../../use-external-state';
import type { EncryptionClient } from '../encryption/EncryptionClient';
import { EncryptionSettings } from '../encryption/EncryptionSettings';
import type { SettingsClient } from './SettingsClient';
import { ClientStateSettings } from './ClientStateSettings';
import { KeyedKindRow } from './KeyedKindRow';

function ReminderSettings({ client, reminders }: { readonly client: SettingsClient; readonly reminders: Settings['reminders'] }) {
  const [draft, setDraft] = useState(reminders);
  const [message, setMessage] = useState<string | undefined>();
  useEffect(() => setDraft(reminders), [reminders]);
  const number = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));
  const save = async () => setMessage((await client.update({ reminders: draft })) ?? 'Saved.');
  return (
    <fieldset className="reminder-settings">
      <legend>Reminders (quiet: no sound, no dialog)</legend>
      <label>
        <input
          type="checkbox"
          checked={draft.supplementalDose.enabled}
          onChange={(event) => setDraft({ ...draft, supplementalDose: { ...draft.supplementalDose, enabled: event.target.checked } })}
        />{' '}
        Supplemental dose (when the session plans one), from{' '}
        <input
          type="number"
          aria-label="Supplemental dose reminder from (minutes after the dose)"
          value={draft.supplementalDose.afterMinutes}
          onChange={(event) => setDraft({ ...draft, supplementalDose: { ...draft.supplementalDose, afterMinutes: number(event.target.value) } })}
        />{' '}
        to{' '}
        <input
          type="number"
          aria-label="Supplemental dose window ends (minutes after the dose)"
          value={draft.supplementalDose.windowEndMinutes}
          onChange={(event) => setDraft({ ...draft, supplementalDose: { ...draft.supplementalDose, windowEndMinutes: number(event.target.value) } })}
        />{' '}
        minutes after the dose
      </label>
      <label>
        <input type="checkbox" checked={draft.vitals.enabled} onChange={(event) => setDraft({ ...draft, vitals: { ...draft.vitals, enabled: event.target.checked } })} /> Vitals
        check every{' '}
        <input
          type="number"
          aria-label="Vitals check every (minutes)"
          value={draft.vitals.everyMinutes}
          onChange={(event) => setDraft({ ...draft, vitals: { ...draft.vitals, everyMinutes: number(event.target.value) } })}
        />{' '}
        minutes
      </label>
      <p className="row">
        <button type="button" onClick={() => void save()}>
          Save reminders
        </button>
        {message !== undefined ? <span className="muted pre" role="status">{message}</span> : null}
      </p>
    </fieldset>
  );
}

function OutputDevice({ client, selected }: { readonly client: SettingsClient; readonly selected: string }) {
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  useEffect(() => {
    const mediaDevices = navigator.mediaDevices;
    if (mediaDevices === undefined) return;
    const refresh = () => void mediaDevices.enumerateDevices().then((all) => setDevices(all.filter((device) => device.kind === 'audiooutput')));
    refresh();
    mediaDevices.addEventListener('devicechange', refresh);
    return () => mediaDevices.removeEventListener('devicechange', refresh);
  }, []);
  return (
    <>
      <h2>Audio output</h2>
      <label className="field">
        <span>Play sessions through</span>
        <select value={selected} onChange={(event) => void client.update({ outputDeviceId: event.target.value })}>
          <option value="">System default</option>
          {devices
            .filter((device) => device.deviceId !== '' && device.deviceId !== 'default')
            .map((device, index) => (
              <option key={device.deviceId} value={device.deviceId}>
                {device.label || `Output ${index + 1}`}
              </option>
            ))}
          {selected !== '' && !devices.some((device) => device.deviceId === selected) ? <option value={selected}>(not connected)</option> : null}
        </select>
        <small>If this output disappears during a session, sound moves to the system default and the live screen says so.</small>
      </label>
    </>
  );
}

/** Mark kinds (label, key, colour, span, hidden), audio output and the reaction-time offset. */
export function SettingsScreen({ client, encryption }: { readonly client: SettingsClient; readonly encryption: EncryptionClient }) {
  const { settings, notice } = useExternalState(client);
  const [kinds, setKinds] = useState<MarkKindDefinition[]>(() => [...settings.markKinds]);
  const [offsetSeconds, setOffsetSeconds] = useState(String(settings.reactionOffsetMs / 1000));
  const [message, setMessage] = useState<{ text: string; error: boolean } | undefined>();

  useEffect(() => {
    setKinds([...settings.markKinds]);
    setOffsetSeconds(String(settings.reactionOffsetMs / 1000));
  }, [settings]);

  const change = (index: number, patch: Partial<MarkKindDefinition>) =>
    setKinds((previous) => previous.map((kind, position) => (position === index ? { ...kind, ...patch } : kind)));

  const addKind = () =>
    setKinds((previous) => {
      // Clear of the client states' keys too: the host refuses a key used twice.
      const used = new Set([...previous, ...settings.clientStates].filter((kind) => !kind.hidden).map((kind) => kind.key));
      const key = 'acefghijlpquwxyz'.split('').find((letter) => !used.has(letter)) ?? 'a';
      return [
        ...previous,
        { id: newMarkKindId('New kind', previous), label: 'New kind', key, color: '#7b8794', category: 'observation', span: false, hidden: false, fields: 'none' },
      ];
    });

  const save = async () => {
    const seconds = Number(offsetSeconds);
    if (!Number.isFinite(seconds) || seconds < 0 || seconds > 30) {
      setMessage({ text: 'The reaction offset is a number of seconds from 0 to 30.', error: true });
      return;
    }
    const error = await client.update({ markKinds: kinds, reactionOffsetMs: Math.round(seconds * 1000) });
    setMessage(error === undefined ? { text: 'Saved.', error: false } : { text: error, error: true });
  };

  return (
    <section className="panel settings" aria-labelledby="settings-heading">
      <h1 id="settings-heading">Settings</h1>
      {notice !== undefined ? (
        <p className="notice" role="status">
          {notice} <button type="button" onClick={() => client.dismissNotice()}>Dismiss</button>
        </p>
      ) : null}
      <h2>Mark kinds</h2>
      <p className="muted">
        One key per kind (a letter or a digit from 6 to 9; {reservedKeys.filter((key) => key !== ' ').map((key) => key.toUpperCase()).join(', ')} and
        Space are kept for intensity, quiet and play/pause). A span is opened by one press and closed by the next. Hidden kinds keep their past marks.
      </p>
      <table className="kinds-table">
        <thead>
          <tr>
            <th scope="col">Label</th>
            <th scope="col">Key</th>
            <th scope="col">Colour</th>
            <th scope="col">Group</th>
            <th scope="col">Span</th>
            <th scope="col">Hidden</th>
          </tr>
        </thead>
        <tbody>
          {kinds.map((kind, index) => (
            <KeyedKindRow
              key={kind.id}
              definition={kind}
              rowOf="kind"
              names={{ label: `Label of ${kind.id}`, key: `Key for ${kind.label}`, color: `Colour of ${kind.label}`, span: `${kind.label} is a span`, hidden: `Hide ${kind.label}` }}
              onChange={(patch) => change(index, patch)}
            >
              <td>
                <select
                  aria-label={`Group of ${kind.label}`}
                  value={kind.category}
                  onChange={(event) => change(index, { category: event.target.value === 'protocol' ? 'protocol' : 'observation' })}
                >
                  <option value="observation">observation</option>
                  <option value="protocol">protocol</option>
                </select>
              </td>
            </KeyedKindRow>
          ))}
        </tbody>
      </table>
      <p>
        <button type="button" onClick={addKind}>
          Add a kind
        </button>
      </p>
      <ClientStateSettings client={client} states={settings.clientStates} />
      <OutputDevice client={client} selected={settings.outputDeviceId} />
      <ReminderSettings client={client} reminders={settings.reminders} />
      <label className="field">
        <span>While the music is quiet (Q)</span>
        <select value={settings.quietBed} onChange={(event) => void client.update({ quietBed: event.target.value as Settings['quietBed'] })}>
          <option value="none">Silence</option>
          <SoundscapeOptions />
        </select>
        <small>For quiet breaks: the music fades out and keeps its place; a bed can fade in instead of silence.</small>
      </label>
      <label className="field">
        <span>When the music has ended</span>
        <select value={settings.closingSound} onChange={(event) => void client.update({ closingSound: event.target.value as Settings['closingSound'] })}>
          <SoundscapeOptions />
          <option value="none">Silence</option>
        </select>
        <small>The session goes on after the playlist: marks, vitals and notes continue until you end it.</small>
      </label>
      <h2>Reaction time</h2>
      <label className="field">
        <span>Subtract from every mark (seconds)</span>
        <input type="number" min={0} max={30} step={0.5} value={offsetSeconds} onChange={(event) => setOffsetSeconds(event.target.value)} />
        <small>The time it takes to notice a moment and press the key; marks are placed that much earlier.</small>
      </label>
      <p className="row">
        <button type="button" className="primary" onClick={() => void save()}>
          Save settings
        </button>
        {message !== undefined ? (
          <span className={message.error ? 'error pre' : 'muted'} role={message.error ? 'alert' : 'status'}>
            {message.text}
          </span>
        ) : null}
      </p>
      <EncryptionSettings client={encryption} />
    </section>
  );
}

/** Every soundscape preset as an option, with what it sounds like. */
function SoundscapeOptions() {
  return (
    <>
      {soundscapePresets.map((preset) => (
        <option key={preset} value={preset}>
          {`A soft ${soundscapePresetInfo[preset].name.toLowerCase()} soundscape (${soundscapePresetInfo[preset].description})`}
        </option>
      ))}
    </>
  );
}
