import type { ReactNode } from 'react';

/** What a mark kind and a client state share in the settings: one key, a label, a colour, span or not, hidden or not. */
export interface KeyedDefinition {
  readonly id: string;
  readonly label: string;
  readonly key: string;
  readonly color: string;
  readonly span: boolean;
  readonly hidden: boolean;
}

/** The accessible names of a row's fields (the e2e tests and screen readers find them by these). */
export interface KeyedRowNames {
  readonly label: string;
  readonly key: string;
  readonly color: string;
  readonly span: string;
  readonly hidden: string;
}

/**
 * One row of the mark kinds' or the client states' table: label, key, colour, then the
 * table's own cells (`children`: a kind's group, a state's prompt minutes), then span and hidden.
 */
export function KeyedKindRow<Definition extends KeyedDefinition>({
  definition,
  rowOf,
  names,
  onChange,
  children,
}: {
  readonly definition: Definition;
  /** Which table: the row carries `data-kind-id` or `data-state-id`. */
  readonly rowOf: 'kind' | 'state';
  readonly names: KeyedRowNames;
  readonly onChange: (patch: Partial<KeyedDefinition>) => void;
  readonly children?: ReactNode;
}) {
  return (
    <tr data-kind-id={rowOf === 'kind' ? definition.id : undefined} data-state-id={rowOf === 'state' ? definition.id : undefined}>
      <td>
        <input aria-label={names.label} value={definition.label} maxLength={40} onChange={(event) => onChange({ label: event.target.value })} />
      </td>
      <td>
        <input
          aria-label={names.key}
          className="key-input"
          value={definition.key.toUpperCase()}
          maxLength={1}
          onChange={(event) => onChange({ key: event.target.value.slice(-1).toLowerCase() })}
        />
      </td>
      <td>
        <input aria-label={names.color} type="color" value={definition.color} onChange={(event) => onChange({ color: event.target.value })} />
      </td>
      {children}
      <td>
        <input aria-label={names.span} type="checkbox" checked={definition.span} onChange={(event) => onChange({ span: event.target.checked })} />
      </td>
      <td>
        <input aria-label={names.hidden} type="checkbox" checked={definition.hidden} onChange={(event) => onChange({ hidden: event.target.checked })} />
      </td>
    </tr>
  );
}
