import type { StateChange, StatePromptAnswer, StateSpan } from '../client-state-fold';
import type { ClientStateDefinition } from '../client-states';
import type { Milliseconds } from '../units';
import type { ExportPhase, ExportSegment } from './export-places';
import type { SegmentInfo } from '../segment-names';

/** One stretch of the client's state, since the dose, for every export. */
export interface ExportStateSpan {
  /** The journal event that began it. */
  readonly id: string;
  readonly stateId: string;
  readonly label: string;
  /** band: holds until the next band state; span: opened and closed by its own key (dissociation). */
  readonly kind: 'band' | 'span';
  readonly color: string | null;
  readonly startMs: Milliseconds;
  /** The end of the session (or its last event, while open) for a stretch that still held. */
  readonly endMs: Milliseconds;
  /** key: a key ended it; session-end: it held until the session ended; open: the session is still open. */
  readonly ended: 'key' | 'session-end' | 'open';
  /** When the key that began it was saved (ISO 8601, UTC). */
  readonly wallTime: string;
  readonly phaseId: string | null;
  readonly phaseTitle: string | null;
  readonly segment: SegmentInfo | null;
  /** Corrected since (another state, another start or end), so it may differ from what was keyed. */
  readonly corrected: boolean;
}

/** States with a label and colour: the configured ones, then any others the session used. */
export interface ExportStateKind {
  readonly id: string;
  readonly label: string;
  readonly kind: 'band' | 'span';
  readonly color: string | null;
}

function lastStartingAtOrBefore<T extends { readonly startMs: Milliseconds | null }>(items: readonly T[], ms: Milliseconds): T | undefined {
  let found: T | undefined;
  for (const item of items) {
    if (item.startMs === null) continue;
    if (item.startMs > ms) break;
    found = item;
  }
  return found;
}

/**
 * The folded state stretches, since the dose (`offsetMs` added), with the phase and what
 * sounded when each began. `endMs` is the end of the session (since the dose).
 */
export function exportStateSpans(
  spans: readonly StateSpan[],
  changes: readonly StateChange[],
  definitions: readonly ClientStateDefinition[],
  context: { readonly offsetMs: Milliseconds; readonly endMs: Milliseconds; readonly ended: boolean; readonly phases: readonly ExportPhase[]; readonly segments: readonly ExportSegment[] },
): { spans: ExportStateSpan[]; kinds: ExportStateKind[] } {
  const changeById = new Map(changes.map((change) => [change.id, change]));
  const definitionOf = (id: string) => definitions.find((definition) => definition.id === id);
  const reachedPhases = context.phases.filter((phase) => phase.startMs !== null).sort((a, b) => (a.startMs ?? 0) - (b.startMs ?? 0));
  const exported = spans.map((span): ExportStateSpan => {
    const startMs = span.startMs + context.offsetMs;
    const change = changeById.get(span.startedBy);
    const phase = lastStartingAtOrBefore(reachedPhases, startMs);
    const segment = lastStartingAtOrBefore(context.segments, startMs);
    const definition = definitionOf(span.stateId);
    return {
      id: span.startedBy,
      stateId: span.stateId,
      label: definition?.label ?? span.stateId,
      kind: span.kind,
      color: definition?.color ?? null,
      startMs,
      endMs: span.endMs === undefined ? Math.max(startMs, context.endMs) : span.endMs + context.offsetMs,
      ended: span.endMs === undefined ? (context.ended ? 'session-end' : 'open') : span.autoClosed ? 'session-end' : 'key',
      wallTime: change?.wallTime ?? '',
      phaseId: phase?.id ?? null,
      phaseTitle: phase?.title ?? null,
      segment: segment === undefined ? null : { id: segment.id, type: segment.type, title: segment.title, artist: segment.artist, preset: segment.preset, name: segment.name },
      // Its end is the change that ended it: moved, it corrects this stretch too.
      corrected: (change?.corrections ?? 0) > 0 || (span.endedBy !== undefined && changeById.get(span.endedBy)?.originalSessionMs !== undefined),
    };
  });
  const used = new Set(exported.map((span) => span.stateId));
  const kinds: ExportStateKind[] = definitions
    .filter((definition) => used.has(definition.id) || !definition.hidden)
    .map((definition) => ({ id: definition.id, label: definition.label, kind: definition.span ? 'span' : 'band', color: definition.color }));
  for (const span of exported) {
    if (!kinds.some((kind) => kind.id === span.stateId)) kinds.push({ id: span.stateId, label: span.stateId, kind: span.kind, color: null });
  }
  return { spans: exported, kinds };
}

/** What the facilitators did with a prolonged-state prompt, since the dose. */
export interface ExportStatePrompt {
  /** The journal event that answered it. */
  readonly id: string;
  /** When it was answered. */
  readonly atMs: Milliseconds;
  /** When the answer was saved (ISO 8601, UTC). */
  readonly wallTime: string;
  readonly stateId: string;
  readonly label: string;
  /** When the state that held too long began. */
  readonly sinceMs: Milliseconds;
  readonly answer: StatePromptAnswer['answer'];
}

/** How an answer reads in the human-readable exports. */
export const statePromptAnswerText: Readonly<Record<StatePromptAnswer['answer'], string>> = {
  'hold-phase': 'held the phase',
  'calm-bridge': 'bridged to a calm soundscape',
  dismissed: 'dismissed',
};

export function exportStatePrompts(answers: readonly StatePromptAnswer[], definitions: readonly ClientStateDefinition[], offsetMs: Milliseconds): ExportStatePrompt[] {
  return answers
    .map((answer) => ({
      id: answer.id,
      atMs: answer.sessionMs + offsetMs,
      wallTime: answer.wallTime,
      stateId: answer.stateId,
      label: definitions.find((definition) => definition.id === answer.stateId)?.label ?? answer.stateId,
      sinceMs: answer.sinceMs + offsetMs,
      answer: answer.answer,
    }))
    .sort((a, b) => a.atMs - b.atMs);
}
