import type { OptimizerLike, SchedulerLike } from '@tensile/train';
import { ConfigError, type Json, type Named, parseNamed } from './config.js';
import { create } from './registry.js';

/** The composites whose config lists other schedules (`schedulers:`), as torch.optim.lr_scheduler builds them. */
const COMPOSITES = ['SequentialLR', 'ChainedScheduler'];

/**
 * The run's LR schedule. A composite names its parts in the config, so a
 * warm-up then a cosine decay reads as PyTorch's SequentialLR does:
 *
 * ```yaml
 * schedule:
 *   name: SequentialLR
 *   interval: step
 *   schedulers: [{ LinearLR: { startFactor: 0.01, totalIters: 100 } }, { CosineAnnealingLR: { tMax: 1400 } }]
 *   milestones: [100]
 * ```
 */
export function buildScheduler(optimizer: OptimizerLike, schedule: Named, where: string): SchedulerLike {
  if (!COMPOSITES.includes(schedule.name)) return create<SchedulerLike>('scheduler', schedule.name, optimizer, schedule.config);
  const { schedulers, milestones, ...rest } = schedule.config;
  const known = schedule.name === 'SequentialLR' ? 'schedulers, milestones' : 'schedulers';
  const extra = Object.keys(rest)[0] ?? (schedule.name === 'ChainedScheduler' && milestones !== undefined ? 'milestones' : undefined);
  if (extra) throw new ConfigError(`${where}: schedule: ${schedule.name} has no option '${extra}' (known: ${known})`);
  if (!Array.isArray(schedulers) || schedulers.length === 0) {
    throw new ConfigError(
      `${where}: schedule.schedulers: ${schedule.name} needs a list of schedules, e.g. [{ LinearLR: {…} }, { CosineAnnealingLR: {…} }]`,
    );
  }
  const parts = schedulers.map((s: Json, i) => buildScheduler(optimizer, parseNamed(s, `${where}: schedule.schedulers[${i}]`), where));
  if (schedule.name === 'ChainedScheduler') return create<SchedulerLike>('scheduler', 'ChainedScheduler', parts);
  if (!Array.isArray(milestones) || milestones.some((m) => typeof m !== 'number')) {
    throw new ConfigError(
      `${where}: schedule.milestones: SequentialLR needs the step (or epoch) at which each next schedule starts, got ${JSON.stringify(milestones)}`,
    );
  }
  return create<SchedulerLike>('scheduler', 'SequentialLR', optimizer, parts, milestones);
}
