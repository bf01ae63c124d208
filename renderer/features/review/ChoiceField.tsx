/** One choice a correction form offers (a mark kind, a client state). */
export interface Choice {
  readonly id: string;
  readonly label: string;
}

/** A labelled drop-down of kinds or states, as the correction forms offer them. */
export function ChoiceField({
  label,
  ariaLabel,
  value,
  choices,
  onChange,
}: {
  readonly label: string;
  readonly ariaLabel: string;
  readonly value: string;
  readonly choices: readonly Choice[];
  readonly onChange: (id: string) => void;
}) {
  return (
    <label>
      <span className="label">{label}</span>
      <select aria-label={ariaLabel} value={value} onChange={(event) => onChange(event.target.value)}>
        {choices.map((choice) => (
          <option key={choice.id} value={choice.id}>
            {choice.label}
          </option>
        ))}
      </select>
    </label>
  );
}
