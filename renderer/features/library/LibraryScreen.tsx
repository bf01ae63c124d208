import { useEffect, useMemo, useState } from 'react';
import type { LibraryTrack, LibraryView } from '../../../core/library';
import type { MarkKindDefinition } from '../../../core/mark-kinds';
import { useExternalState } from '../../use-external-state';
import type { CuratorAudio } from './curator-audio';
import { JobProgress } from './JobProgress';
import { LibraryClient } from './LibraryClient';
import { PathChooser } from './PathChooser';
import { PlatformLoudnessProgress } from './platform-loudness/PlatformLoudnessProgress';
import { TrackTable } from './TrackTable';
import { useDisposable } from './use-disposable';
import { Pager } from './Pager';
import { awaitsAnalysis, pageOf } from './track-format';
import './library.css';
import { ErrorLine } from '../../ErrorLine';

interface LibraryScreenProps {
  readonly audio: CuratorAudio;
  /** The mark kinds, to name them in the tracks' insights. */
  readonly kinds?: readonly MarkKindDefinition[];
}

/** The music folders, their scan and loudness analysis, every track found and every file that could not be read. */
export function LibraryScreen({ audio, kinds }: LibraryScreenProps) {
  const client = useDisposable(
    () => {
      const created = new LibraryClient();
      void created.load();
      return created;
    },
    (created) => created.dispose(),
    [],
  );
  useEffect(() => () => audio.preview.stop(), [audio.preview]);
  return client === undefined ? null : <Library client={client} audio={audio} kinds={kinds} />;
}

function Library({ client, audio, kinds }: { readonly client: LibraryClient; readonly audio: CuratorAudio; readonly kinds: readonly MarkKindDefinition[] | undefined }) {
  const { view, job, jobProblem } = useExternalState(client);
  const [actionError, setActionError] = useState<string | undefined>();
  const running = job?.state === 'running';

  const act = async (action: () => Promise<string | undefined>) => setActionError(await action());

  return (
    <div className="library">
      <h1>Library</h1>
      {view.status === 'loading' ? <p className="muted">Reading the library…</p> : null}
      {view.status === 'ready' && view.value.notice !== undefined ? (
        <p className="notice" role="status">
          {view.value.notice}
        </p>
      ) : null}
      <ErrorLine message={view.status === 'error' ? `The library could not be read: ${view.message}` : undefined} />
      {view.status === 'ready' ? (
        <>
          <RootsPanel view={view.value} client={client} busy={running} />
          <section className="panel" aria-labelledby="scan-heading">
            <h2 id="scan-heading">Scan and loudness</h2>
            <p className="muted">
              A scan finds the audio files in these folders (only new or changed files are read again), then measures the loudness of every track
              without trustworthy ReplayGain tags, so each plays at the same loudness.
            </p>
            {audio.liveRunning ? (
              <p className="notice">A session is playing: scanning and measuring wait until it has ended, so they never take the computer from the music.</p>
            ) : null}
            <div className="row">
              <button
                type="button"
                className="primary"
                disabled={running || audio.liveRunning || view.value.roots.length === 0}
                onClick={() => void act(() => client.scan())}
              >
                Scan library
              </button>
            </div>
            {job !== null ? <JobProgress job={job} label="Library progress" problem={jobProblem} onCancel={() => void act(() => client.cancel())} /> : null}
            <PlatformLoudnessProgress />
            <ErrorLine message={actionError} />
          </section>
          <TracksPanel tracks={view.value.tracks} audio={audio} kinds={kinds} busy={running || audio.liveRunning} onAnalyse={(paths) => void act(() => client.analyse(paths))} />
          <UnreadablePanel view={view.value} />
        </>
      ) : null}
    </div>
  );
}

function RootsPanel({ view, client, busy }: { readonly view: LibraryView; readonly client: LibraryClient; readonly busy: boolean }) {
  const [removeError, setRemoveError] = useState<string | undefined>();
  const problems = new Map(view.rootProblems.map((problem) => [problem.root, problem.reason]));
  return (
    <section className="panel" aria-labelledby="roots-heading">
      <h2 id="roots-heading">Music folders</h2>
      {view.roots.length === 0 ? <p className="muted">No folders yet. Add the folder that holds your music; Attune reads it and never changes it.</p> : null}
      <ul className="plain-list roots">
        {view.roots.map((root) => (
          <li key={root} className="root-row">
            <span className="root-path">{root}</span>
            {problems.has(root) ? <span className="error">Could not be read at the last scan: {problems.get(root)}</span> : null}
            <button
              type="button"
              className="small"
              aria-label={`Remove ${root} from the library`}
              disabled={busy}
              onClick={async () => setRemoveError(await client.removeRoot(root))}
            >
              Remove
            </button>
          </li>
        ))}
      </ul>
      <ErrorLine message={removeError} />
      <PathChooser
        purpose="library-folder"
        label="Music folder to add (full path)"
        chooseLabel="Choose folder…"
        submitLabel="Add folder"
        onPath={(path) => client.addRoot(path)}
      />
    </section>
  );
}

function TracksPanel({
  tracks,
  audio,
  kinds,
  busy,
  onAnalyse,
}: {
  readonly tracks: readonly LibraryTrack[];
  readonly audio: CuratorAudio;
  readonly kinds: readonly MarkKindDefinition[] | undefined;
  readonly busy: boolean;
  readonly onAnalyse: (paths: readonly string[]) => void;
}) {
  const waiting = useMemo(() => tracks.filter(awaitsAnalysis).map((track) => track.path), [tracks]);
  return (
    <section className="panel" aria-labelledby="tracks-heading">
      <div className="panel-head">
        <h2 id="tracks-heading">Tracks</h2>
        <span className="muted">
          {tracks.length.toLocaleString()} {tracks.length === 1 ? 'track' : 'tracks'}
          {waiting.length > 0 ? ` · ${waiting.length.toLocaleString()} not analysed` : ''}
        </span>
        {waiting.length > 0 ? (
          <button type="button" className="small" disabled={busy} onClick={() => onAnalyse(waiting)}>
            Analyse {waiting.length.toLocaleString()} not analysed
          </button>
        ) : null}
      </div>
      <TrackTable tracks={tracks} audio={audio} kinds={kinds} />
    </section>
  );
}

function UnreadablePanel({ view }: { readonly view: LibraryView }) {
  const [page, setPage] = useState(0);
  if (view.unreadable.length === 0) return null;
  const shown = pageOf(view.unreadable, page, 100);
  return (
    <section className="panel" aria-labelledby="unreadable-heading">
      <h2 id="unreadable-heading">Files that could not be read ({view.unreadable.length.toLocaleString()})</h2>
      <p className="muted">They are left out of the library; the scan went on without them.</p>
      <Pager page={shown} noun="files" onPage={setPage} />
      <ul className="plain-list unreadable-list">
        {shown.items.map((file) => (
          <li key={file.path} className="unreadable-row">
            <span className="root-path">{file.path}</span>
            <span className="notice">{file.reason}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
