import { useEffect, useId, useState } from 'react';

interface NumberFieldProps {
  readonly label: string;
  /** undefined: not set (the field shows `placeholder`). */
  readonly value: number | undefined;
  readonly onCommit: (value: number | undefined) => void;
  readonly placeholder?: string;
  /** Whether an empty field clears the value (an override) or is refused (a required number). */
  readonly optional?: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly unit?: string;
  readonly disabled?: boolean;
  readonly className?: string;
}

const parse = (text: string): number | undefined | null => {
  const trimmed = text.trim().replace(',', '.').replace('\u2212', '-');
  if (trimmed === '') return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : null;
};

/**
 * A number typed by the curator: each valid value is committed as it is typed (the
 * editor groups the keystrokes into one undo step); text that is not a number yet stays
 * in the field, marked, without touching the playlist. An undo puts the value back.
 */
export function NumberField({ label, value, onCommit, placeholder, optional = false, min, max, unit, disabled = false, className }: NumberFieldProps) {
  const [text, setText] = useState(value === undefined ? '' : String(value));
  const [invalid, setInvalid] = useState<string | undefined>();
  const id = useId();

  useEffect(() => {
    const parsed = parse(text);
    if (parsed !== value) {
      setText(value === undefined ? '' : String(value));
      setInvalid(undefined);
    }
    // Only an outside change (undo, another field) rewrites the text; typing must not.
  }, [value]);

  const change = (next: string) => {
    setText(next);
    const parsed = parse(next);
    if (parsed === null) return setInvalid('Type a number.');
    if (parsed === undefined && !optional) return setInvalid('This needs a number.');
    if (parsed !== undefined && ((min !== undefined && parsed < min) || (max !== undefined && parsed > max))) {
      return setInvalid(`From ${min ?? '…'} to ${max ?? '…'}.`);
    }
    setInvalid(undefined);
    if (parsed !== value) onCommit(parsed);
  };

  return (
    <label className={`number-field ${className ?? ''}`} htmlFor={id}>
      <span>{label}</span>
      <span className="number-field-input">
        <input
          id={id}
          className="curator-input"
          type="text"
          inputMode="decimal"
          value={text}
          placeholder={placeholder}
          disabled={disabled}
          aria-invalid={invalid !== undefined}
          onChange={(event) => change(event.target.value)}
        />
        {unit !== undefined ? <span className="muted">{unit}</span> : null}
      </span>
      {invalid !== undefined ? <small className="notice">{invalid}</small> : null}
    </label>
  );
}

interface TextFieldProps {
  readonly label: string;
  readonly value: string;
  readonly onCommit: (value: string) => void;
  readonly multiline?: boolean;
  readonly maxLength?: number;
  readonly placeholder?: string;
  readonly disabled?: boolean;
  readonly className?: string;
}

/** Text the curator types, committed as typed (one undo step per field, grouped by the editor). */
export function TextField({ label, value, onCommit, multiline = false, maxLength, placeholder, disabled = false, className }: TextFieldProps) {
  const [text, setText] = useState(value);
  const id = useId();
  useEffect(() => {
    // The playlist may trim or clear what was typed (an empty title falls back to the file name); keep the typing unless it really changed.
    if (text.trim() !== value.trim()) setText(value);
  }, [value]);
  const change = (next: string) => {
    setText(next);
    onCommit(next);
  };
  const common = { id, className: 'curator-input', value: text, disabled, placeholder, maxLength } as const;
  return (
    <label className={`text-field ${className ?? ''}`} htmlFor={id}>
      <span>{label}</span>
      {multiline ? <textarea {...common} rows={3} onChange={(event) => change(event.target.value)} /> : <input {...common} onChange={(event) => change(event.target.value)} />}
    </label>
  );
}
