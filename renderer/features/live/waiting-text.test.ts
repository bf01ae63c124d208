import { describe, expect, it } from 'vitest';
import { describeWaiting } from './waiting-text';

describe('describeWaiting', () => {
  it('says how many marks wait and that the host is not answering', () => {
    expect(describeWaiting({ unsavedCount: 3, unsavedMarkCount: 3, hostNotAnswering: true, saveWarning: "could not reach Attune's host: Failed to fetch" })).toBe(
      "3 marks waiting to be saved — the host is not answering (could not reach Attune's host: Failed to fetch)",
    );
  });

  it('counts other events apart from marks, and gives the host’s own reason when it answered', () => {
    expect(describeWaiting({ unsavedCount: 3, unsavedMarkCount: 1, hostNotAnswering: false, saveWarning: 'the disk is full (ENOSPC)' })).toBe(
      '1 mark (and 2 other events) waiting to be saved — the disk is full (ENOSPC)',
    );
    expect(describeWaiting({ unsavedCount: 1, unsavedMarkCount: 0, hostNotAnswering: true, saveWarning: 'timed out' })).toBe('1 event waiting to be saved — the host is not answering (timed out)');
  });
});
