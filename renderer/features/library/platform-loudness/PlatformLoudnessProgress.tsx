import { useExternalState } from '../../../use-external-state';
import type { PlatformLoudnessRunner } from './PlatformLoudnessRunner';
import { platformLoudnessRunner } from './platform-loudness';

/** One line on the library screen while this window measures files with the platform's decoder. */
export function PlatformLoudnessProgress() {
  const runner = platformLoudnessRunner();
  return runner === undefined ? null : <ProgressLine runner={runner} />;
}

function ProgressLine({ runner }: { readonly runner: PlatformLoudnessRunner }) {
  const state = useExternalState(runner);
  if (state.status !== 'measuring' && state.problem === undefined) return null;
  const counts = [state.measured > 0 ? `${state.measured} measured` : '', state.failed > 0 ? `${state.failed} could not be decoded` : ''].filter(Boolean).join(', ');
  return (
    <p className="platform-loudness muted" role="status" title={state.currentPath}>
      {state.status === 'measuring' ? `Measuring AAC/M4A loudness with this computer's own decoder${counts === '' ? '' : ` (${counts})`}: ${state.currentPath ?? ''}` : ''}
      {state.problem === undefined ? null : <span className="notice"> {state.problem}</span>}
    </p>
  );
}
