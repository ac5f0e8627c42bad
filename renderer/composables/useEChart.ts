import { onBeforeUnmount, onMounted, watch, type Ref } from 'vue';
import { echarts, type ECharts } from '../lib/echarts';

/**
 * One ECharts instance on `host` for the calling component's lifetime:
 * created on mount (then `onReady` draws into it), resized with its box
 * (then `onResize`, for charts whose layout depends on their size),
 * disposed on unmount. Returns a getter (null before mount and after unmount).
 * With `when`, the chart is created only once it is true (a chart below the
 * fold waits for useNearViewport, so opening a page draws what is on screen first).
 */
export function useEChart(
  host: Ref<HTMLElement | null>, onReady: (chart: ECharts) => void, onResize?: (chart: ECharts) => void, when?: Ref<boolean>,
): () => ECharts | null {
  let chart: ECharts | null = null;
  let resizeObserver: ResizeObserver | null = null;
  let mounted = false;
  function create(): void {
    if (!host.value || chart || !mounted || (when && !when.value)) return;
    chart = echarts.init(host.value, null, { renderer: 'canvas' });
    onReady(chart);
    resizeObserver = new ResizeObserver(() => {
      if (!chart) return;
      chart.resize();
      onResize?.(chart);
    });
    resizeObserver.observe(host.value);
  }
  onMounted(() => {
    mounted = true;
    create();
  });
  if (when) watch(when, create);
  onBeforeUnmount(() => {
    mounted = false;
    resizeObserver?.disconnect();
    resizeObserver = null;
    chart?.dispose();
    chart = null;
  });
  return () => chart;
}
