/** ECharts, tree-shaken to what the run charts use; canvas renderer only (no inline SVG styles). */
import * as echarts from 'echarts/core';
import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export { echarts };
export type ECharts = echarts.ECharts;
export type EChartsCoreOption = echarts.EChartsCoreOption;
