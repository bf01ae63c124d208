import { useEffect, useId, useRef, useState } from 'react';
import { markNoteSchema } from '../../../core/events';

const maxLength = markNoteSchema.maxLength ?? undefined;

/** A note that was typed but not saved, and why: kept so the text survives the field going away. */
export interface UnsavedNote {
  readonly text: string;
  readonly message: string;
}

type SaveState =
  | { readonly status: 'idle' }
  | { readonly status: 'saving' }
  | { readonly status: 'saved' }
  | { readonly status: 'failed'; readonly message: string };

interface IntegrationNoteFieldProps {
  readonly label: string;
  /** What the label alone does not say (which mark, which session), for assistive technology. */
  readonly accessibleLabel: string;
  readonly saved: string | undefined;
  readonly unsaved: UnsavedNote | undefined;
  /** Journals the note (null clears it); resolves to an error message, or undefined once it is on disk. */
  readonly onSave: (note: string | null) => Promise<string | undefined>;
  readonly testId: string;
}

/**
 * A note written in review, saved when the field loses focus or on Ctrl+Enter (⌘+Enter), and
 * only when it changed. "Saved" appears once the journal has acknowledged it; a failure says
 * so and keeps the text, and the next blur or Ctrl+Enter tries again.
 */
export function IntegrationNoteField({ label, accessibleLabel, saved, unsaved, onSave, testId }: IntegrationNoteFieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const lastSaved = useRef((saved ?? '').trim());
  // After a failure even an unchanged text is sent again: the failure must be cleared by a save that works.
  const failed = useRef(unsaved !== undefined);
  // One save at a time, in the order they were asked for: a blur right after Ctrl+Enter must not race it.
  const queue = useRef<Promise<void>>(Promise.resolve());
  const mounted = useRef(true);
  const [state, setState] = useState<SaveState>(unsaved === undefined ? { status: 'idle' } : { status: 'failed', message: unsaved.message });

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const update = (next: SaveState) => {
    if (mounted.current) setState(next);
  };

  const save = (text: string) => {
    queue.current = queue.current.then(async () => {
      const note = text.trim();
      if (note === lastSaved.current && !failed.current) return;
      update({ status: 'saving' });
      let message: string | undefined;
      try {
        message = await onSave(note === '' ? null : note);
      } catch (error) {
        message = error instanceof Error ? error.message : String(error);
      }
      failed.current = message !== undefined;
      if (message === undefined) {
        lastSaved.current = note;
        update({ status: 'saved' });
      } else update({ status: 'failed', message });
    });
  };

  return (
    <div className="integration-note" data-testid={testId}>
      <label htmlFor={id} className="label">
        {label}
      </label>
      <textarea
        id={id}
        aria-label={accessibleLabel}
        aria-describedby={hintId}
        dir="auto"
        aria-invalid={state.status === 'failed' ? true : undefined}
        defaultValue={unsaved?.text ?? saved ?? ''}
        maxLength={maxLength}
        rows={3}
        onChange={() => {
          if (state.status === 'saved') setState({ status: 'idle' });
        }}
        onBlur={(event) => save(event.target.value)}
        onKeyDown={(event) => {
          if (event.key !== 'Enter' || !(event.ctrlKey || event.metaKey)) return;
          event.preventDefault();
          save(event.currentTarget.value);
        }}
      />
      <p className="integration-note-status">
        <span id={hintId} className="muted">
          Leave the field or press Ctrl+Enter to save.
        </span>{' '}
        <span className="muted" role="status" data-save-status={state.status}>
          {state.status === 'saving' ? 'Saving…' : state.status === 'saved' ? 'Saved' : ''}
        </span>
      </p>
      {state.status === 'failed' ? (
        <p className="error" role="alert">
          Not saved: {state.message.replace(/\.$/, '')}. The text is still here; leave the field or press Ctrl+Enter to try again.
        </p>
      ) : null}
    </div>
  );
}
