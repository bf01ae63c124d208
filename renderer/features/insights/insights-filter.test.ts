import { describe, expect, it } from 'vitest';
import { insightsQuerySchema } from '../../../core/contract';
import { insightsQueryFrom, localMidnight } from './insights-filter';

describe('insightsQueryFrom', () => {
  it('asks for everything when nothing is chosen', () => {
    expect(insightsQueryFrom({ playlistIds: [], fromDate: '', toDate: '' })).toEqual({});
  });

  it('turns local days into instants, the last day included', () => {
    const query = insightsQueryFrom({ playlistIds: ['harbour-light'], fromDate: '2026-11-01', toDate: '2026-11-30' });
    expect(query.playlistIds).toEqual(['harbour-light']);
    expect(Date.parse(query.from as string)).toBe(new Date(2026, 10, 1).getTime());
    expect(Date.parse(query.to as string)).toBe(new Date(2026, 11, 1).getTime());
    expect(insightsQuerySchema.safeParse(query).success).toBe(true);
  });

  it('ignores text that is not a day', () => {
    expect(localMidnight('yesterday')).toBeUndefined();
    expect(insightsQueryFrom({ playlistIds: [], fromDate: '2026-13-45x', toDate: '' })).toEqual({});
  });
});

describe('insights:query request', () => {
  it('takes days and instants with an offset, and refuses anything else', () => {
    expect(insightsQuerySchema.safeParse({ from: '2026-11-01', to: '2026-12-01T00:00:00+01:00' }).success).toBe(true);
    expect(insightsQuerySchema.safeParse({ from: 'last week' }).success).toBe(false);
    expect(insightsQuerySchema.safeParse({ playlistIds: ['Not A Slug'] }).success).toBe(false);
    expect(insightsQuerySchema.safeParse({ extra: true }).success).toBe(false);
  });
});
