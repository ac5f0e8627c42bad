import { onBeforeUnmount, onMounted, type Ref } from 'vue';
import { echarts, type ECharts } from '../lib/echarts';

/**
 * One ECharts instance on `host` for the calling component's lifetime:
 * created on mount (then `onReady` draws into it), resized with its box
 * (then `onResize`, for charts whose layout depends on their size),
 * disposed on unmount. Returns a getter (null before mount and after unmount).
 */
export function useEChart(host: Ref<HTMLElement | null>, onReady: (chart: ECharts) => void, onResize?: (chart: ECharts) => void): () => ECharts | null {
  let chart: ECharts | null = null;
  let resizeObserver: ResizeObserver | null = null;
  onMounted(() => {
    if (!host.value) return;
    chart = echarts.init(host.value, null, { renderer: 'canvas' });
    onReady(chart);
    resizeObserver = new ResizeObserver(() => {
      if (!chart) return;
      chart.resize();
      onResize?.(chart);
    });
    resizeObserver.observe(host.value);
  });
  onBeforeUnmount(() => {
    resizeObserver?.disconnect();
    resizeObserver = null;
    chart?.dispose();
    chart = null;
  });
  return () => chart;
}
