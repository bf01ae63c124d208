import type { LibraryJob } from '../../../core/library';
import { jobCount } from './track-format';

interface JobProgressProps {
  readonly job: LibraryJob;
  /** Names the bar for assistive technology, e.g. "Library scan". */
  readonly label: string;
  readonly problem?: string | undefined;
  readonly onCancel?: () => void;
}

const endings: Record<Exclude<LibraryJob['state'], 'running'>, string> = { done: 'Finished', cancelled: 'Stopped', failed: 'Failed' };

/** A library job's bar while it runs (counts, stage, current file, Cancel), then its summary. */
export function JobProgress({ job, label, problem, onCancel }: JobProgressProps) {
  if (job.state !== 'running') {
    return (
      <p className={job.state === 'failed' ? 'job-summary error' : 'job-summary'} role="status">
        <span className="label">{endings[job.state]}</span> {job.summary ?? ''}
      </p>
    );
  }
  const known = job.total !== undefined && job.total > 0;
  const fraction = known ? Math.min(1, job.done / (job.total as number)) : undefined;
  return (
    <div className="job-progress">
      <div className="job-progress-head">
        <span>
          {job.stage} · <span className="job-count">{jobCount(job)}</span>
        </span>
        {onCancel !== undefined ? (
          <button type="button" className="small" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
      <div
        className="job-bar"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        {...(known ? { 'aria-valuemax': job.total, 'aria-valuenow': job.done } : {})}
        aria-valuetext={`${job.stage}: ${jobCount(job)}`}
      >
        <div className={fraction === undefined ? 'job-bar-fill unknown' : 'job-bar-fill'} style={{ width: `${((fraction ?? 1) * 100).toFixed(1)}%` }} />
      </div>
      <p className="job-current muted" title={job.currentPath}>
        {job.currentPath ?? '\u00a0'}
      </p>
      {problem !== undefined ? <p className="notice">{problem}</p> : null}
    </div>
  );
}
