/**
 * The tooltip every chart shares. It is drawn as rich text on the canvas:
 * ECharts' HTML tooltip writes style="" attributes, which the app's strict
 * Content-Security-Policy blocks. Pure (no ECharts import), so pure chart
 * builders can use it.
 */
export interface TooltipColours {
  tooltipBg: string;
  axis: string;
  fg: string;
}

export function chartTooltip(t: TooltipColours, trigger: 'axis' | 'item'): {
  trigger: 'axis' | 'item'; renderMode: 'richText'; backgroundColor: string; borderColor: string; textStyle: { color: string; fontSize: number };
} {
  return { trigger, renderMode: 'richText', backgroundColor: t.tooltipBg, borderColor: t.axis, textStyle: { color: t.fg, fontSize: 11 } };
}
