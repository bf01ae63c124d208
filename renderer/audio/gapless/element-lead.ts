/**
 * How far a media element's audio runs ahead of a bridge playing the same music, measured from
 * the two signals themselves (recorded in the same render quanta). A media element
 * cannot be started at a sample, and its currentTime is 10–25 ms off what it sounds; the music
 * itself is exact.
 */

export interface LeadSearch {
  /** The bridge's most recent frames. */
  readonly bridge: Float32Array;
  /** The element's most recent frames, ending at the same sample as `bridge`. */
  readonly element: Float32Array;
  /** How many of the bridge's last frames are looked for in the element's buffer. */
  readonly windowFrames: number;
  /** The range of leads searched, in frames (a negative lead: the element is behind). */
  readonly minLeadFrames: number;
  readonly maxLeadFrames: number;
}

export interface Lead {
  /** Frames (fractional) by which the element is ahead: its sample `i - lead` is the bridge's sample `i`. */
  readonly frames: number;
  /** Normalised correlation at that lead, 1 for the same music. */
  readonly score: number;
}

/**
 * The coarse pass works on means of this many frames; the fine pass searches this far either side
 * of each coarse peak within `candidateMargin` of the best, at full rate. Near-periodic music (a
 * drone, a slow sweep) peaks at every period with coarse scores that differ by less than the
 * coarse grid's own error, so the peaks are all refined and the full-rate scores decide.
 */
const coarseStep = 8;
const fineReach = coarseStep + 2;
const candidateMargin = 0.02;
const maxCandidates = 24;

function correlation(bridge: Float32Array, bridgeFrom: number, element: Float32Array, elementFrom: number, frames: number, step: number): number {
  let product = 0;
  let bridgeEnergy = 0;
  let elementEnergy = 0;
  for (let index = 0; index < frames; index += step) {
    const b = bridge[bridgeFrom + index] ?? 0;
    const e = element[elementFrom + index] ?? 0;
    product += b * e;
    bridgeEnergy += b * b;
    elementEnergy += e * e;
  }
  const energy = Math.sqrt(bridgeEnergy * elementEnergy);
  return energy > 0 ? product / energy : 0;
}

/** Means of `step` frames: a crude low-pass, so the coarse pass does not alias. */
function decimate(signal: Float32Array, step: number): Float32Array {
  const out = new Float32Array(Math.floor(signal.length / step));
  for (let index = 0; index < out.length; index += 1) {
    let sum = 0;
    for (let offset = 0; offset < step; offset += 1) sum += signal[index * step + offset] ?? 0;
    out[index] = sum / step;
  }
  return out;
}

/**
 * The lead that best lines the element's buffer up with the bridge's last `windowFrames`: a coarse
 * search on decimated signals, then a fine one at full rate around its best, refined between
 * samples by a parabola through the peak. Undefined when the buffers are too short for the range.
 */
export function elementLead(search: LeadSearch): Lead | undefined {
  const { bridge, element, windowFrames, minLeadFrames, maxLeadFrames } = search;
  // An element behind the bridge has not yet played the bridge's last frames: the window ends that much earlier.
  const bridgeFrom = bridge.length - windowFrames - Math.max(0, -minLeadFrames);
  // The element's sample at the same moment as the window's first (both buffers end together); a lead of d is d earlier.
  const elementAtZero = element.length - (bridge.length - bridgeFrom);
  if (bridgeFrom < 0 || elementAtZero - maxLeadFrames < 0 || elementAtZero - minLeadFrames + windowFrames > element.length) return undefined;
  const coarseBridge = decimate(bridge.subarray(bridgeFrom), coarseStep);
  const coarseElement = decimate(element, coarseStep);
  const coarseWindow = coarseBridge.length;
  const coarse: { lead: number; score: number }[] = [];
  for (let lead = Math.ceil(minLeadFrames / coarseStep); lead <= Math.floor(maxLeadFrames / coarseStep); lead += 1) {
    coarse.push({ lead: lead * coarseStep, score: correlation(coarseBridge, 0, coarseElement, Math.floor(elementAtZero / coarseStep) - lead, coarseWindow, 1) });
  }
  const bestCoarse = Math.max(...coarse.map((point) => point.score));
  const candidates = coarse
    .filter((point, index) => point.score >= bestCoarse - candidateMargin && point.score >= (coarse[index - 1]?.score ?? -1) && point.score >= (coarse[index + 1]?.score ?? -1))
    .sort((a, b) => b.score - a.score)
    .slice(0, maxCandidates);
  const fine = new Map<number, number>();
  let peak = { lead: candidates[0]?.lead ?? 0, score: Number.NEGATIVE_INFINITY };
  for (const candidate of candidates) {
    for (let lead = Math.max(minLeadFrames, candidate.lead - fineReach); lead <= Math.min(maxLeadFrames, candidate.lead + fineReach); lead += 1) {
      if (fine.has(lead)) continue;
      const score = correlation(bridge, bridgeFrom, element, elementAtZero - lead, windowFrames, 1);
      fine.set(lead, score);
      if (score > peak.score) peak = { lead, score };
    }
  }
  const before = fine.get(peak.lead - 1);
  const after = fine.get(peak.lead + 1);
  let offset = 0;
  if (before !== undefined && after !== undefined) {
    const curvature = before - 2 * peak.score + after;
    if (curvature < 0) offset = Math.max(-0.5, Math.min(0.5, (0.5 * (before - after)) / curvature));
  }
  return { frames: peak.lead + offset, score: peak.score };
}
