/**
 * The editor's import and export: our graph JSON (the whole architecture),
 * a TensorFlow.js layers model.json of the part on the canvas (loadable by
 * tf.loadLayersModel), readable Keras Python code, and import of our JSON or
 * of a TF.js / Keras layers model JSON, with the list of what could not be
 * imported.
 */
import { ref, type Ref } from 'vue';
import { architectureSchema, graphDocumentSchema, type GraphDocument } from '../../../workers/common/graph';
import { exportTfjsLayersModel } from '../../../workers/common/interchange/tfjsLayersExport';
import { exportKerasPython } from '../../../workers/common/interchange/kerasPython';
import { importLayersModel } from '../../../workers/common/interchange/kerasImport';
import { downloadFile, fileStem } from './fileTransfer';
import { fitsFamily, guessFamily, toArchitecture, toEditorArchitecture, type EditorArchitecture } from './editorFamilies';
import { autoLayout } from './autoLayout';

export interface ImportReport {
  summary: string;
  unsupported: { layer: string; className: string; reason: string }[];
  warnings: string[];
}

/** What the file actions need of the editor store. */
export interface EditorForFiles {
  readonly arch: EditorArchitecture;
  readonly activePart: string;
  readonly graph: GraphDocument;
  load(next: EditorArchitecture): void;
  replacePart(part: string, graph: GraphDocument): void;
}

export interface ArchitectureFileActions {
  message: Ref<string | null>;
  exportGraphJson(): void;
  exportTfjs(): void;
  exportKeras(): void;
  importFile(file: File): Promise<ImportReport>;
}

export function architectureFileActions(editor: EditorForFiles): ArchitectureFileActions {
  const message = ref<string | null>(null);
  const stem = () => fileStem(editor.arch.name);

  function exportGraphJson(): void {
    downloadFile(`${stem()}.latent.json`, `${JSON.stringify(toArchitecture(editor.arch), null, 2)}\n`, 'application/json');
    message.value = `Exported ${stem()}.latent.json.`;
  }

  function exportTfjs(): void {
    const part = editor.activePart;
    const r = exportTfjsLayersModel(editor.graph);
    if (r.errors.length > 0) {
      message.value = `Cannot export ${part === 'model' ? 'the network' : `the ${part}`} to TF.js: ${r.errors.join('; ')}`;
      return;
    }
    const name = `${stem()}${part === 'model' ? '' : `-${part}`}.model.json`;
    downloadFile(name, `${JSON.stringify(r.modelJson, null, 2)}\n`, 'application/json');
    message.value = `Exported ${name} (topology; tf.loadLayersModel initialises the weights).${r.warnings.length ? ` ${r.warnings.join(' ')}` : ''}`;
  }

  function exportKeras(): void {
    const code = exportKerasPython(toArchitecture(editor.arch));
    downloadFile(`${stem()}.py`, code, 'text/x-python');
    message.value = `Exported ${stem()}.py.`;
  }

  async function importFile(file: File): Promise<ImportReport> {
    let json: unknown;
    try {
      json = JSON.parse(await file.text());
    } catch (err) {
      const report = { summary: `${file.name} is not JSON: ${(err as Error).message}`, unsupported: [], warnings: [] };
      message.value = report.summary;
      return report;
    }
    const ours = architectureSchema.safeParse(json);
    if (ours.success) {
      const a = ours.data;
      // The family on the canvas keeps the document when its kind and parts fit; otherwise the family its parts say.
      const family = fitsFamily(editor.arch.family, a) ? editor.arch.family : guessFamily(a);
      editor.load(toEditorArchitecture(family, a));
      message.value = `Imported "${a.name}" from ${file.name}.`;
      return { summary: message.value, unsupported: [], warnings: [] };
    }
    const r = importLayersModel(json);
    if (!r.graph) {
      const report = { summary: `Nothing could be imported from ${file.name}.`, unsupported: r.unsupported, warnings: r.warnings };
      message.value = report.summary;
      return report;
    }
    const graph = graphDocumentSchema.parse(autoLayout(r.graph));
    editor.replacePart(editor.activePart, graph);
    const where = editor.activePart === 'model' ? '' : ` as the ${editor.activePart}`;
    const summary = r.unsupported.length
      ? `Imported ${graph.nodes.length} layers from ${file.name}${where}; ${r.unsupported.length} could not be imported:`
      : `Imported ${graph.nodes.length} layers from ${file.name}${where}.`;
    message.value = summary;
    return { summary, unsupported: r.unsupported, warnings: r.warnings };
  }

  return { message, exportGraphJson, exportTfjs, exportKeras, importFile };
}
