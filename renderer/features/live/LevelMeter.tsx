import { memo, useEffect, useRef } from 'react';
import type { LiveSession } from './LiveSession';
import { livePollClock } from './poll-clock';
import { usePolled } from './use-polled';

const levelFloorDb = -60;
const levelTicksDb = [-60, -40, -20, -10, 0];
/** The bar follows the music four times a second; the figure in words once a second is enough to read across the room. */
const barPeriodMs = 250;
const wordsPeriodMs = 1000;

/** A level rounded to tenths of a dB (−Infinity stays): what the meter shows. */
const tenthsOfDb = (levelDb: number) => (Number.isFinite(levelDb) ? Math.round(levelDb * 10) / 10 : levelDb);

const at = (db: number) => ((db - levelFloorDb) / -levelFloorDb) * 100;

interface LevelWords {
  readonly reading: string;
  readonly zone: 'silent' | 'hot' | 'normal';
  /** Whole dBFS for assistive technology, clamped to the scale. */
  readonly wholeDb: number;
}

function levelWords(levelDb: number): LevelWords {
  const shown = Number.isFinite(levelDb) ? Math.max(levelFloorDb, levelDb) : levelFloorDb;
  const silent = shown <= -50;
  const rounded = Math.round(shown);
  return {
    reading: silent ? 'silent' : `${rounded === 0 ? '0' : `\u2212${Math.abs(rounded)}`} dB`,
    zone: silent ? 'silent' : shown > -3 ? 'hot' : 'normal',
    wholeDb: rounded,
  };
}

/**
 * Big enough to read from across the room: a wide bar on a dB scale, and the level in figures.
 * The bar moves by a transform on its own compositor layer, set straight on the element: no
 * React render, layout or paint four times a second for eight hours, only a composite (the
 * meter was most of what the live screen cost while music played). The words, zone and ARIA
 * value re-render once a second, and only when they change.
 */
export const LevelMeter = memo(function LevelMeter({ session }: { readonly session: LiveSession }) {
  const meterRef = useRef<HTMLDivElement>(null);
  const fillRef = useRef<HTMLDivElement>(null);
  // Tenths of a dB, as the bar reads them: an unchanged reading does not re-render.
  const levelDb = usePolled(() => tenthsOfDb(session.outputLevelDb()), wordsPeriodMs);
  const { reading, zone, wholeDb } = levelWords(levelDb);

  useEffect(() => {
    let lastLevel = Number.NaN;
    const moveBar = () => {
      // As the data attribute shows it: a steady or silent output touches nothing.
      const level = tenthsOfDb(session.outputLevelDb());
      if (level === lastLevel) return;
      lastLevel = level;
      const shown = Number.isFinite(level) ? Math.max(levelFloorDb, level) : levelFloorDb;
      if (fillRef.current !== null) fillRef.current.style.transform = `scaleX(${(at(shown) / 100).toFixed(4)})`;
      if (meterRef.current !== null) {
        meterRef.current.dataset['levelDb'] = Number.isFinite(level) ? level.toFixed(1) : '-Infinity';
      }
    };
    moveBar();
    return livePollClock.every(barPeriodMs, moveBar);
  }, [session]);

  return (
    <div className="level">
      <span className="label">Output</span>
      <span className="level-reading" data-testid="level-reading">
        {reading}
      </span>
      <div
        ref={meterRef}
        className="level-meter"
        role="meter"
        aria-label="Output level"
        aria-valuemin={levelFloorDb}
        aria-valuemax={0}
        aria-valuenow={wholeDb}
        aria-valuetext={zone === 'silent' ? 'silent' : `${wholeDb} dBFS`}
        // With the words, once a second: a title changed four times a second restyled the meter each time.
        title={zone === 'silent' ? 'silent' : `${wholeDb} dBFS`}
        data-zone={zone}
      >
        <div ref={fillRef} className="level-meter-fill" />
        <div className="level-scale" aria-hidden="true">
          {levelTicksDb.slice(1, -1).map((db) => (
            <span key={db} style={{ left: `${at(db)}%` }} />
          ))}
        </div>
      </div>
      <div className="level-ticks" aria-hidden="true">
        {levelTicksDb.map((db) => (
          <span key={db} style={{ left: `${at(db)}%` }}>
            {db === 0 ? '0' : `\u2212${-db}`}
          </span>
        ))}
      </div>
    </div>
  );
});
