import { probabilityText } from '../suggest/reasons.js';
import type { SuggestReport } from '../suggest/suggest.js';
import { pct, usd } from './format.js';
import type { Section } from './sections.js';

const OBJECTIVE_NAMES = { success: 'success rate', 'cost-per-success': 'cost per successful issue', score: "best's 0-100 score" } as const;

/** The objective's posterior mean as read: a rate, dollars per successful issue, or points. */
function objectiveText(report: SuggestReport, mean: number): string {
  if (report.objective === 'success') return pct(mean);
  if (report.objective === 'cost-per-success') return usd(mean);
  return mean.toFixed(1);
}

/** `runledger suggest`: the runs to make next per configuration, why, and the model behind it. */
export function suggestSection(report: SuggestReport): Section {
  const { model } = report;
  const lines: string[] = [];
  const leader = [...report.allocation].sort((a, b) => b.probabilityBest - a.probabilityBest)[0];
  if (report.note) lines.push(report.note);
  if (report.answered && leader) {
    lines.push(
      `The question is answered: ${leader.label} is best by ${OBJECTIVE_NAMES[report.objective]} with probability ${probabilityText(leader.probabilityBest)}${report.objective === 'cost-per-success' ? '' : ' and `best` calls it the clear winner'}. No runs suggested.`,
    );
  } else if (report.totalRuns > 0) {
    const spread = report.allocation.filter((a) => a.runs > 0).length;
    const budget =
      report.budgetUsd !== null && report.cost
        ? ` within the budget of ${usd(report.budgetUsd)} (expected cost ${usd(report.cost.expectedUsd)}, at most ${usd(report.cost.upperUsd)} at the one-sided 95% bound)`
        : '';
    lines.push(
      `Suggested: ${report.totalRuns} run(s) over ${spread} configuration(s)${budget}. After them the question is answered (one configuration best with probability ≥ 0.95) in ${pct(report.answeredAfter)} of simulated futures; "settled best after" is each one's share of those.`,
    );
  }
  for (const out of report.leftOut) lines.push(`${out.label}: left out, ${out.reason}.`);
  lines.push(
    `Model: each configuration's success rate has the prior Beta(${model.prior.alpha}, ${model.prior.beta}) and counts its issues at their effective size (÷ the design effect 1 + (m̄ − 1)ρ̂, with the intra-run correlation ρ̂ = ${model.rho.toFixed(3)} pooled over the configurations, ${model.rhoDf} degrees of freedom); runs are allocated by top-two Thompson sampling (Russo 2016, β = ${model.topTwoBeta}): configurations clearly behind get none. ${model.draws} posterior draws, ${model.futures} simulated futures, seed ${model.seed}: the same seed gives the same suggestion. \`best\` says: ${report.bestVerdict}.`,
  );
  const byObjective = report.objective !== 'success';
  return {
    title: `What to run next (by ${OBJECTIVE_NAMES[report.objective]})`,
    lines,
    tables: [
      {
        headers: [
          report.by.join(', '),
          'runs',
          'P(best)',
          'settled best after',
          ...(byObjective ? [OBJECTIVE_NAMES[report.objective]] : []),
          'success rate [95% posterior]',
          'runs so far',
          'why',
        ],
        right: new Set(byObjective ? [1, 2, 3, 4, 6] : [1, 2, 3, 5]),
        rows: report.allocation.map((a) => [
          a.label,
          String(a.runs),
          a.probabilityBest.toFixed(2),
          a.probabilityBestAfter.toFixed(2),
          ...(byObjective ? [objectiveText(report, a.objectiveMean)] : []),
          `${pct(a.successRate.mean)} [${(a.successRate.low * 100).toFixed(1)}–${(a.successRate.high * 100).toFixed(1)}]`,
          String(a.runsSoFar),
          a.why,
        ]),
      },
    ],
  };
}
