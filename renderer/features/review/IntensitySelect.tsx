interface IntensitySelectProps {
  readonly label: string;
  readonly value: number | null | undefined;
  /** null clears the intensity. */
  readonly onChange: (intensity: number | null) => void;
}

/** A mark's intensity, 1–5 or none, as review edits it (in the mark editor and in the table). */
export function IntensitySelect({ label, value, onChange }: IntensitySelectProps) {
  return (
    <select aria-label={label} value={value ?? ''} onChange={(event) => onChange(event.target.value === '' ? null : Number(event.target.value))}>
      <option value="">–</option>
      {[1, 2, 3, 4, 5].map((level) => (
        <option key={level} value={level}>
          {level}
        </option>
      ))}
    </select>
  );
}
