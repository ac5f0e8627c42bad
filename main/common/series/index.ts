/** The compare view's series numerics: smoothing and downsampling (pure, shared by services and renderer). */
export { emaDebiased, emaTimeWeighted } from './smoothing';
export { downsampleMinMax, sliceRange, type PickedPoints } from './downsample';
export { downsampleMetricSeries, type StepRange } from './metricSeriesDownsample';
