/** The VAE's run charts: the loss with its two terms per step, the ELBO (and the IWAE bound above it) and the held-out terms per epoch. */
import { chartKey as k, stepLossChart, type ChartContext, type EpochChartSpec } from '../runCharts';

export function vaeCharts(_ctx: ChartContext): EpochChartSpec[] {
  return [
    stepLossChart([k('loss'), k('reconstruction'), k('kl')]),
    { testId: 'epoch-chart', title: 'ELBO and IWAE bound per epoch (nats)', xName: 'epoch', yName: 'nats', percent: false, keys: [k('elbo', 'ELBO'), k('test_iwae', 'IWAE'), k('test_iwae_elbo', 'ELBO (IWAE images)')] },
    { testId: 'vae-terms-chart', title: 'Test reconstruction and KL per epoch (nats)', xName: 'epoch', yName: 'nats', percent: false, keys: [k('test_reconstruction', 'reconstruction'), k('test_kl', 'kl')] },
  ];
}
