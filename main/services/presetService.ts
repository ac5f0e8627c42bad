/**
 * Ready experiments (the families' presets): list them, and launch one — a
 * new experiment, every run of the preset queued (the settings' concurrency
 * limit applies), and the saved view that shows the comparison it is for.
 * A run the schema refuses stops the launch before anything is recorded.
 */
import { ApiError } from '../common/api';
import type { PresetInfo, PresetLaunch } from '../common/domain';
import { defaultRunsTableState, type SavedViewState } from '../common/savedView';
import type { ExperimentPreset } from '../../workers/common/families/descriptor';
import { families, familyDescriptors, runConfigSchema, type Family, type RunConfig } from '../../workers/common/families/registry';
import { formatIssues } from '../../workers/common/runConfigBase';
import type { ExperimentService } from './experimentService';
import type { RunService } from './runService';
import type { SavedViewService } from './savedViewService';

/** Every family's presets, with the family they belong to. */
export function allPresets(): { family: Family; preset: ExperimentPreset }[] {
  return families.flatMap((family) => (familyDescriptors[family].presets ?? []).map((preset: ExperimentPreset) => ({ family, preset })));
}

/** The preset's runs, parsed; refused whole when one does not parse (a preset is code: this is a bug, said plainly). */
function presetConfigs(preset: ExperimentPreset): RunConfig[] {
  return preset.runs.map((raw, i) => {
    const parsed = runConfigSchema.safeParse(raw);
    if (!parsed.success) throw new ApiError('internal', `The ready experiment '${preset.id}' has an invalid run ${i + 1}: ${formatIssues(parsed.error).join('; ')}`);
    return parsed.data;
  });
}

export function presetViewState(view: ExperimentPreset['views'][number]): SavedViewState {
  return {
    version: 1, filter: view.filter, compare: { ...view.compare },
    table: { ...defaultRunsTableState(), columns: view.columns.map((id) => ({ id, width: null })), groupBy: [...view.groupBy], groupMetric: view.groupMetric },
  };
}

export class PresetService {
  constructor(private readonly d: { experiments: ExperimentService; runs: RunService; views: SavedViewService }) {}

  list(): PresetInfo[] {
    return allPresets().map(({ family, preset }) => ({ id: preset.id, family, title: preset.title, description: preset.description, experiment: preset.experiment, runs: preset.runs.length }));
  }

  launch(id: string): PresetLaunch {
    const found = allPresets().find((p) => p.preset.id === id);
    if (!found) throw new ApiError('not-found', `There is no ready experiment '${id}'. Ready experiments: ${allPresets().map((p) => p.preset.id).join(', ')}`, [{ path: ['id'], message: 'unknown ready experiment' }]);
    const { preset } = found;
    const configs = presetConfigs(preset);
    const taken = new Set(this.d.experiments.list().map((e) => e.name));
    let name = preset.experiment;
    for (let n = 2; taken.has(name); n++) name = `${preset.experiment} (${n})`;
    const experiment = this.d.experiments.create(name, preset.description);
    const views = preset.views.map((v) => this.d.views.save(experiment.id, v.name, presetViewState(v)));
    const runIds = configs.map((config) => this.d.runs.start(experiment.id, config).id);
    return { experimentId: experiment.id, experiment: name, viewId: views[0]!.id, runIds };
  }
}
