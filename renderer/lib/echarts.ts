/** ECharts, tree-shaken to what the run charts use; canvas renderer only (no inline SVG styles). */
import * as echarts from 'echarts/core';
import { BarChart, HeatmapChart, LineChart, ParallelChart, ScatterChart } from 'echarts/charts';
import {
  DataZoomInsideComponent, DataZoomSliderComponent, GridComponent, LegendComponent, MarkLineComponent, ParallelComponent, TooltipComponent, VisualMapContinuousComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([
  LineChart, BarChart, ScatterChart, HeatmapChart, ParallelChart, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, VisualMapContinuousComponent,
  ParallelComponent, DataZoomInsideComponent, DataZoomSliderComponent, CanvasRenderer,
]);

export { echarts };
export type ECharts = echarts.ECharts;
export type EChartsCoreOption = echarts.EChartsCoreOption;

/** Ten distinguishable colours, one per class label (Tableau 10). */
export const classColors: readonly string[] = [
  '#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac',
];

/** The theme colours the charts share, read from the CSS variables. */
export function chartTheme(): { text: string; axis: string; grid: string; tooltipBg: string; fg: string; fontFamily: string; palette: string[] } {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    text: v('--chart-text', '#888'),
    axis: v('--chart-axis', '#999'),
    grid: v('--chart-grid', '#ddd'),
    tooltipBg: v('--chart-tooltip-bg', '#fff'),
    fg: v('--fg', '#222'),
    fontFamily: v('--font-ui', 'sans-serif'),
    palette: ['--chart-1', '--chart-2', '--chart-3', '--chart-4'].map((name, i) => v(name, ['#2563eb', '#d97706', '#059669', '#c026d3'][i]!)),
  };
}

/** The axis look every chart shares (name, line, ticks, labels, grid lines in the theme's colours); a chart spreads it and overrides what it needs. */
export function axisStyle(t: ReturnType<typeof chartTheme>): {
  nameTextStyle: { color: string; fontSize: number }; axisLine: { lineStyle: { color: string } }; axisTick: { lineStyle: { color: string } };
  axisLabel: { color: string; fontSize: number }; splitLine: { lineStyle: { color: string } };
} {
  return {
    nameTextStyle: { color: t.text, fontSize: 11 },
    axisLine: { lineStyle: { color: t.axis } },
    axisTick: { lineStyle: { color: t.axis } },
    axisLabel: { color: t.text, fontSize: 11 },
    splitLine: { lineStyle: { color: t.grid } },
  };
}
