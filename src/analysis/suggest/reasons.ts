import { usd } from '../render/format.js';
import { PRIOR } from './posterior.js';
import type { Objective } from './objective.js';

/** What the "why" of one configuration is computed from (display units: a rate, USD per successful issue, or points). */
export interface ReasonInput {
  readonly label: string;
  readonly runs: number;
  readonly probabilityBest: number;
  readonly included: boolean;
  readonly budgetless: boolean;
  /** How far behind the leader it is on average (display units, positive = behind); 0 for the leader. */
  readonly gap: number;
  /** P(it is behind the leader); for the leader, P(it is ahead of the closest other). */
  readonly probabilityBehind: number;
}

export const probabilityText = (p: number): string => (p >= 0.995 ? '> 0.99' : p < 0.005 ? '< 0.01' : p.toFixed(2));

export function gapText(gap: number, objective: Objective): string {
  const size = Math.abs(gap);
  if (objective === 'success') return `${(size * 100).toFixed(1)} pp`;
  if (objective === 'cost-per-success') return `${usd(size)} per successful issue`;
  return `${size.toFixed(1)} points`;
}

/**
 * One line on why a configuration gets the runs it gets: the leader and how close its nearest
 * rival is; a rival within reach gets runs to tell them apart; one behind with high probability
 * gets none ("C is behind A by 20.0 pp with probability 0.99: no more runs for C").
 */
export function reasonOf(
  arm: ReasonInput,
  leader: ReasonInput,
  closest: ReasonInput | null,
  objective: Objective,
  answered: boolean,
): string {
  const prefix = arm.included ? `never run (prior Beta(${PRIOR.alpha}, ${PRIOR.beta})): ` : '';
  if (arm.budgetless) return `${prefix}no cost figures (no fully priced run): it cannot be budgeted; give a number of runs instead`;
  if (arm === leader) {
    if (answered) return `${prefix}best with probability ${probabilityText(arm.probabilityBest)}: the question is answered; no more runs`;
    if (closest === null) return `${prefix}the only configuration`;
    const side = closest.gap >= 0 ? 'behind' : 'ahead';
    const rival = `the nearest rival, ${closest.label}, is ${gapText(closest.gap, objective)} ${side} on average and best with probability ${probabilityText(closest.probabilityBest)}`;
    return `${prefix}leads with probability ${probabilityText(arm.probabilityBest)} of being best; ${rival}: runs to tell them apart`;
  }
  const behind = `behind ${leader.label} by ${gapText(arm.gap, objective)} with probability ${probabilityText(arm.probabilityBehind)}`;
  if (arm.gap < 0)
    return `${prefix}ahead of ${leader.label} by ${gapText(arm.gap, objective)} on average but less often best${arm.runs > 0 ? ': runs to tell them apart' : ''}`;
  if (answered) return `${prefix}${behind}`;
  if (arm.runs > 0) return `${prefix}${behind}, and best with probability ${probabilityText(arm.probabilityBest)}: runs to tell them apart`;
  return `${prefix}${behind}: no more runs for it`;
}
