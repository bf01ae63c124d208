import type { PlanAction } from './events';
import {
  createLayout,
  fadeToSilenceMs,
  layOutUntil,
  materialize,
  planSource,
  shortestUsefulEntryMs,
  type Layout,
  type PhaseSpan,
  type Placement,
  type PlanSource,
  type SessionPlan,
} from './plan';
import type { Playlist } from './playlist';
import type { Milliseconds } from './units';

/** A plan bent by actions (see buildElasticPlan), with what became of each action. */
export interface ElasticSessionPlan extends SessionPlan {
  /** Each action, in order: where it took effect, or why it was ignored. */
  readonly actions: readonly ActionOutcome[];
}

export type ActionOutcome =
  | { readonly action: PlanAction; readonly applied: true; readonly atMs: Milliseconds }
  | { readonly action: PlanAction; readonly applied: false; readonly atMs: Milliseconds; readonly reason: string };

interface PhaseControl {
  extendedByMs: Milliseconds;
  held: boolean;
  releasedAtMs: Milliseconds | undefined;
  endedAtMs: Milliseconds | undefined;
  skipped: boolean;
  /** The last phase: set when an action leaves the plan to fade to silence from then. */
  endsNoEarlierThanMs: Milliseconds | undefined;
}

/** Applies actions one at a time (as buildElasticPlan does), laying the future out only as far as it is needed. */
export class ElasticPlanner {
  private readonly source: PlanSource;
  private readonly controls: PhaseControl[];
  private readonly excludedSegmentIds = new Set<string>();
  private layout: Layout;
  private readonly outcomes: ActionOutcome[] = [];
  private lastAppliedMs = 0;

  constructor(playlist: Playlist, knownDurationsMs: ReadonlyMap<string, Milliseconds> = new Map()) {
    this.source = planSource(playlist, knownDurationsMs);
    this.controls = playlist.phases.map(() => ({
      extendedByMs: 0,
      held: false,
      releasedAtMs: undefined,
      endedAtMs: undefined,
      skipped: false,
      endsNoEarlierThanMs: undefined,
    }));
    this.layout = createLayout(this.source, this.spans(), this.excludedSegmentIds);
  }

  apply(action: PlanAction): ActionOutcome {
    const outcome = this.applyAction(action);
    this.outcomes.push(outcome);
    if (outcome.applied) this.lastAppliedMs = outcome.atMs;
    return outcome;
  }

  plan(): ElasticSessionPlan {
    return { ...materialize(this.layout), actions: [...this.outcomes] };
  }

  private applyAction(action: PlanAction): ActionOutcome {
    const requestedMs = Math.max(action.programMs, this.lastAppliedMs);
    const ignored = (reason: string, atMs = requestedMs): ActionOutcome => ({ action, applied: false, atMs, reason });
    const settled = this.settle(requestedMs);
    if ('reason' in settled) return ignored(settled.reason);
    const { atMs } = settled;
    const playing = this.layout.placements[this.lastStartingAtOrBefore(atMs)] as Placement;
    const current = playing.phaseIndex;
    const applied: ActionOutcome = { action, applied: true, atMs };
    const phaseIndexOf = (phaseId: string) => this.source.playlist.phases.findIndex((phase) => phase.id === phaseId);

    switch (action.kind) {
      case 'advance': {
        const target = phaseIndexOf(action.toPhaseId);
        if (target < 0) return ignored(`no phase "${action.toPhaseId}"`, atMs);
        if (target <= current) return ignored('not after the current phase', atMs);
        const control = this.control(current);
        control.endedAtMs = atMs;
        control.held = false;
        for (let index = current + 1; index < target; index += 1) {
          const skipped = this.control(index);
          skipped.skipped = true;
          skipped.held = false;
        }
        this.rebuild(atMs, true);
        return applied;
      }
      case 'skip': {
        const playingId = playing.source?.segment.id ?? `${this.source.playlist.phases[current]?.id}-bridge`;
        if (playingId !== action.segmentId) return ignored(`"${action.segmentId}" is not playing`, atMs);
        if (playing.startMs < atMs) {
          this.rebuild(atMs, true);
          return applied;
        }
        if (playing.source === undefined) return ignored('the bridge has not started', atMs);
        this.excludedSegmentIds.add(action.segmentId);
        this.rebuild(atMs, false);
        return applied;
      }
      case 'hold':
      case 'release':
      case 'extend': {
        const index = phaseIndexOf(action.phaseId);
        if (index < 0) return ignored(`no phase "${action.phaseId}"`, atMs);
        const control = this.control(index);
        if (index < current || control.skipped || (this.layout.spans[index] as PhaseSpan).endMs <= atMs) return ignored('the phase has ended', atMs);
        if (action.kind === 'extend') {
          control.extendedByMs += action.byMs;
        } else if (action.kind === 'hold') {
          if (control.held) return ignored('already held', atMs);
          control.held = true;
          control.releasedAtMs = undefined;
        } else {
          if (!control.held) return ignored('not held', atMs);
          control.held = false;
          if (index === current) control.releasedAtMs = atMs;
        }
        this.rebuild(atMs, false);
        return applied;
      }
    }
  }

  private control(index: number): PhaseControl {
    return this.controls[index] as PhaseControl;
  }

  private spans(): PhaseSpan[] {
    let startMs = 0;
    return this.controls.map((control, index) => {
      let endMs: Milliseconds;
      if (startMs === Number.POSITIVE_INFINITY || control.skipped) endMs = startMs;
      else if (control.endedAtMs !== undefined) endMs = control.endedAtMs;
      else if (control.held) endMs = Number.POSITIVE_INFINITY;
      else endMs = Math.max(startMs + (this.source.targetsMs[index] as Milliseconds) + control.extendedByMs, control.releasedAtMs ?? 0);
      if (control.endsNoEarlierThanMs !== undefined) endMs = Math.max(endMs, control.endsNoEarlierThanMs);
      const span = { startMs, endMs, extendedByMs: control.extendedByMs, held: control.held, skipped: control.skipped };
      startMs = endMs;
      return span;
    });
  }

  /** Index of the entry playing at a program time (the last to start at or before it), laying out as far as needed. */
  private lastStartingAtOrBefore(programMs: Milliseconds): number {
    layOutUntil(this.layout, programMs);
    const { placements } = this.layout;
    let low = 0;
    let high = placements.length - 1;
    if (high < 0 || (placements[0] as Placement).startMs > programMs) return -1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((placements[middle] as Placement).startMs <= programMs) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  /**
   * Where an action made at `programMs` can take effect: not before the entry playing has
   * finished fading in (every earlier entry has stopped) and its phase has begun.
   * Nowhere past the end of the plan or once its last entry fades to silence.
   */
  private settle(programMs: Milliseconds): { readonly atMs: Milliseconds } | { readonly reason: string } {
    const spans = this.layout.spans;
    let atMs = programMs;
    for (;;) {
      if (atMs >= (spans.at(-1)?.endMs ?? 0)) return { reason: 'the plan has ended' };
      const index = this.lastStartingAtOrBefore(atMs);
      const { placements } = this.layout;
      const playing = placements[index];
      if (playing === undefined) return { reason: 'nothing is playing' };
      let settledMs = Math.max(atMs, (spans[playing.phaseIndex] as PhaseSpan).startMs);
      for (let earlier = index - 1; earlier >= 0 && earlier >= index - 3; earlier -= 1) {
        settledMs = Math.max(settledMs, (placements[earlier] as Placement).endMs);
      }
      if (settledMs === atMs) {
        const isLast = this.layout.done && index === placements.length - 1;
        const fadingOut = isLast && atMs >= playing.endMs - (playing.silenceFadeMs ?? fadeToSilenceMs(playing));
        return fadingOut ? { reason: 'the plan is fading out' } : { atMs };
      }
      atMs = settledMs;
    }
  }

  /**
   * Keeps every entry that started before `atMs` and lays the rest out again from there.
   * With `cut`, the entry playing ends at `atMs` (plus the crossfade into what follows).
   */
  private rebuild(atMs: Milliseconds, cut: boolean): void {
    const keep = this.lastStartingAtOrBefore(atMs - 1) + 1;
    const history = this.layout.placements.slice(0, keep);
    let spans = this.spans();
    const tail = history.at(-1);
    const layout: Layout = { ...createLayout(this.source, spans, this.excludedSegmentIds), floorMs: atMs };
    layout.placements.push(...history);
    if (tail !== undefined) {
      const span = spans[tail.phaseIndex] as PhaseSpan;
      const segmentCount = this.source.segments[tail.phaseIndex]?.length ?? 0;
      let limitMs = tail.source === undefined ? span.endMs : Math.min(tail.mediaEndMs, span.endMs);
      if (cut) limitMs = Math.min(limitMs, atMs);
      const resumed: Placement = { ...tail, limitEndMs: Math.round(Math.max(limitMs, tail.startMs)), silenceFadeMs: undefined };
      resumed.endMs = resumed.limitEndMs;
      const lastIndex = spans.length - 1;
      const lastEndMs = (spans[lastIndex] as PhaseSpan).endMs;
      // The entry playing is now the plan's last: it fades to silence, and that fade cannot begin in the past.
      const endsThePlan = tail.phaseIndex === lastIndex && lastEndMs - resumed.limitEndMs < shortestUsefulEntryMs;
      if (endsThePlan && resumed.limitEndMs - fadeToSilenceMs(resumed) < atMs) {
        const endMs = Math.round(Math.min(tail.mediaEndMs, Math.max(resumed.limitEndMs, atMs + tail.crossfadeMs)));
        this.control(lastIndex).endsNoEarlierThanMs = endMs;
        spans = this.spans();
        layout.spans = spans;
        resumed.limitEndMs = endMs;
        resumed.endMs = endMs;
        resumed.silenceFadeMs = Math.min(fadeToSilenceMs(resumed), endMs - atMs);
      }
      layout.placements[layout.placements.length - 1] = resumed;
      layout.phaseIndex = tail.phaseIndex;
      // A bridge that goes on has nothing after it in its phase; a bridge cut short is followed by a fresh one.
      layout.segmentIndex = tail.source === undefined ? (cut ? segmentCount : segmentCount + 1) : tail.segmentIndex + 1;
      layout.cursorMs = resumed.limitEndMs;
      layout.skipped.push(
        ...this.layout.skipped.filter(
          (skip) => skip.phaseIndex < layout.phaseIndex || (skip.phaseIndex === layout.phaseIndex && skip.segmentIndex < layout.segmentIndex),
        ),
      );
    }
    this.layout = layout;
  }
}

/**
 * The plan as the facilitators bent it: the playlist's plan (core/plan.ts), rebuilt from
 * each action's program time on, in journal order. What sounded before that time never
 * moves. With no actions it equals buildPlan's.
 *
 * - **Effective time.** An action takes effect at its `programMs`, or later when that
 *   moment falls inside a crossfade: then at the end of the crossfade (at most one
 *   crossfade later), so an entry never starts fading out before it has finished fading
 *   in. An action stamped earlier than the previous applied one takes effect at that one's
 *   time. An action after the plan's end, or during its final fade to silence, is ignored.
 * - **Cuts** (advance, skip, a release past the target). The incoming entry starts at the
 *   cut and fades in over its crossfade; the outgoing one keeps sounding and fades out over
 *   the same interval, ending one crossfade after the cut (sooner if its file ends first).
 *   Natural phase ends keep buildPlan's shape: the crossfade ends at the phase boundary.
 * - **advance** to a later phase X: the current phase ends at the cut, X starts there and
 *   runs its full target; phases in between get startMs === endMs === the cut and
 *   `skipped: true`, and none of their entries. Advancing to the current or an earlier
 *   phase is ignored.
 * - **skip** of the segment playing (else ignored): the phase's next segment starts at the
 *   cut; with none left, the bridge runs to the phase end. A segment skipped at the very
 *   moment it would start (a butt join, or the plan's start) is left out entirely.
 * - **extend** of the current or a later phase adds to its target; its remaining segments,
 *   then its bridge, fill the extra time.
 * - **hold** of the current or a later phase: the phase no longer ends at its target. It
 *   plays all its remaining music whole, then its bridge forever: the phase's endMs, the
 *   bridge's endMs, every later phase's startMs and endMs and the plan's totalMs are
 *   `Number.POSITIVE_INFINITY`, and later phases have no entries until the release.
 * - **release** at R: the phase ends at max(its target end, R); past the target, that is a
 *   cut at R into the next phase (for the last phase: a fade to silence from R, and the
 *   plan ends one crossfade later). Releasing a later phase before it starts cancels its hold.
 * - Actions on a phase that has ended (or is crossfading into the next) are ignored.
 *
 * Entry keys are `${segmentId}@${startMs}`: an entry that was already playing keeps its key
 * when its end moves.
 */
export function buildElasticPlan(
  playlist: Playlist,
  actions: readonly PlanAction[],
  knownDurationsMs: ReadonlyMap<string, Milliseconds> = new Map(),
): ElasticSessionPlan {
  const planner = new ElasticPlanner(playlist, knownDurationsMs);
  for (const action of actions) planner.apply(action);
  return planner.plan();
}
