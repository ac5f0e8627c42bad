import { ref, watch, type Ref } from 'vue';
import type { CompareSeries, RunSummary } from '../../main/common/domain';
import { errorMessage } from '../api';
import { serverAxis, type CompareX } from '../lib/compare';
import { mergeZoomed, zoomQuery, type XRange } from '../lib/compareZoom';
import { useRunsStore } from '../stores/runsStore';

export interface CompareSeriesInputs {
  /** The URL's run ids, and the compared runs once loaded (`loaded`). */
  ids: () => readonly number[];
  runs: () => readonly RunSummary[];
  loaded: () => boolean;
  keys: () => readonly string[];
  x: () => CompareX;
  /** The shared zoom window (null: the whole range). */
  zoom: () => XRange | null;
  /** About one bucket per pixel of a chart. */
  buckets: () => number;
  onError: (message: string) => void;
}

/**
 * The compare view's series: the whole range min/max-downsampled by the
 * server to about the charts' width and, while zoomed, the window again at
 * the same bucket count, joined in (lib/compareZoom.ts). The whole range is
 * asked once per request (a zoom asks only for its window); before the runs
 * are loaded, the URL's ids are used, so the request leaves with runs.list
 * and runs.summaries rather than after them. `refresh` forgets the whole
 * range (a compared run has more points) and asks again.
 */
export function useCompareSeries(i: CompareSeriesInputs): { series: Ref<CompareSeries[]>; zoomLoaded: Ref<XRange | null>; refresh: () => Promise<void> } {
  const store = useRunsStore();
  const series = ref<CompareSeries[]>([]);
  /** The window whose re-queried points are joined in (null: none), for the charts' data-zoom-loaded. */
  const zoomLoaded = ref<XRange | null>(null);
  let seq = 0;
  let wholeCache: { key: string; answer: Promise<CompareSeries[]> } | null = null;

  /** The whole range of a request, asked once (a request still in flight is shared; a refused one is asked again next time). */
  function wholeRange(req: Parameters<typeof store.compareSeries>[0]): Promise<CompareSeries[]> {
    const key = JSON.stringify(req);
    if (wholeCache?.key === key) return wholeCache.answer;
    const answer = store.compareSeries(req);
    wholeCache = { key, answer };
    answer.catch(() => { if (wholeCache?.answer === answer) wholeCache = null; });
    return answer;
  }

  async function load(): Promise<void> {
    const keys = [...i.keys()];
    const early = !i.loaded();
    const runIds = early ? [...i.ids()] : i.runs().map((r) => r.id);
    const mine = ++seq;
    if (keys.length === 0 || runIds.length === 0) {
      series.value = [];
      return;
    }
    try {
      const req = { ids: runIds, keys, x: serverAxis(i.x()), buckets: i.buckets() };
      const range = i.x() === 'relative' ? null : i.zoom();
      const [whole, zoomed] = await Promise.all([wholeRange(req), range ? store.compareSeries({ ...req, range }) : Promise.resolve([])]);
      if (mine !== seq) return;
      series.value = range ? mergeZoomed(whole, zoomed) : whole;
      zoomLoaded.value = range;
    } catch (err) {
      // An early request naming a run that does not exist is refused: the one after loading, without it, says what is missing.
      if (mine === seq && !early) i.onError(errorMessage(err));
    }
  }

  watch(() => [i.ids().join(','), i.runs().length, i.keys().join(','), serverAxis(i.x()), i.buckets(), i.x() === 'relative' ? '' : zoomQuery(i.zoom())].join('|'), () => { void load(); });

  return {
    series,
    zoomLoaded,
    refresh: () => {
      wholeCache = null;
      return load();
    },
  };
}
