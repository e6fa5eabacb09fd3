import { describe, expect, it } from 'vitest';
import { GRAD_STATS_EVERY, parseConfig } from '../src/config.js';

const base = { data: 'moons', model: [{ Linear: { inFeatures: 2, outFeatures: 1 } }] };

describe('parseConfig: gradStats', () => {
  it('is off by default and takes true, a step interval or { everySteps }', () => {
    expect(parseConfig(base, 'c.yaml').gradStats).toBeNull();
    expect(parseConfig({ ...base, gradStats: false }, 'c.yaml').gradStats).toBeNull();
    expect(parseConfig({ ...base, gradStats: true }, 'c.yaml').gradStats).toEqual({ everySteps: GRAD_STATS_EVERY });
    expect(parseConfig({ ...base, gradStats: 7 }, 'c.yaml').gradStats).toEqual({ everySteps: 7 });
    expect(parseConfig({ ...base, gradStats: { everySteps: 3 } }, 'c.yaml').gradStats).toEqual({ everySteps: 3 });
  });

  it('names the file and the setting when the value is wrong', () => {
    expect(() => parseConfig({ ...base, gradStats: { everySteps: 0 } }, 'c.yaml')).toThrow(
      /^c\.yaml: gradStats: must be true, a step interval ≥ 1/,
    );
    expect(() => parseConfig({ ...base, gradStats: 'often' }, 'c.yaml')).toThrow(/c\.yaml: gradStats: .*got "often"/);
    expect(() => parseConfig({ ...base, gradStats: { every: 3 } }, 'c.yaml')).toThrow(
      /c\.yaml: gradStats\.every: unknown setting \(known: everySteps\)/,
    );
  });
});
