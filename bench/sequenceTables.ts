/** The sequence bench's results as the README's markdown tables (one per part present). */
import type { MachineInfo } from './harness/runtime';

type Results = Readonly<Record<string, number | string>>;

function speedTable(r: Results): string[] {
  const rows: [string, string][] = [
    ['char_lstm.wasm', 'ours, fused cells, wasm'], ['char_lstm.wasm_layers_api', 'tf.layers.lstm, wasm'],
    ['char_lstm.cpu', 'ours, fused cells, tfjs cpu'], ['char_lstm.tfjs_node', 'ours, fused cells, tfjs-node'], ['char_lstm.tfjs_node_gpu', 'ours, fused cells, tfjs-node-gpu'],
    ['char_lstm.pytorch_1thread', 'PyTorch CPU, 1 thread'], ['char_lstm.pytorch_2threads', 'PyTorch CPU, 2 threads'],
  ];
  const present = rows.filter(([k]) => r[`${k}.ms_per_step.min`] !== undefined || r[`${k}.skipped`] !== undefined);
  if (present.length === 0) return [];
  return ['| char-LSTM 256, seq 64, batch 64 | ms/step min | ms/step median | rounds |', '|---|---:|---:|---:|',
    ...present.map(([k, label]) => (r[`${k}.skipped`] !== undefined
      ? `| ${label} | not measured: ${r[`${k}.skipped`]} | | |`
      : `| ${label} | ${r[`${k}.ms_per_step.min`]} | ${r[`${k}.ms_per_step.median`]} | ${r[`${k}.rounds`]} |`)), ''];
}

function bpcTable(r: Results): string[] {
  if (r['char_lstm.wasm.bits_per_char'] === undefined) return [];
  return ['| char-LSTM 256 on KJV Genesis | bits/char |', '|---|---:|',
    `| validation, after ${r['char_lstm.wasm.epochs']} epochs (${r['char_lstm.wasm.steps']} steps, seed ${r['char_lstm.wasm.seed']}, ${r['char_lstm.wasm.wall_s']} s) | ${r['char_lstm.wasm.bits_per_char']} |`,
    `| unigram entropy of the corpus | ${r['char_lstm.floor.unigram_bits_per_char']} |`,
    `| log2(vocabulary ${r['char_lstm.vocabulary'] ?? ''}) | ${r['char_lstm.floor.log2_vocabulary']} |`, ''];
}

function parityTable(r: Results): string[] {
  const lengths = [...new Set(Object.keys(r).map((k) => /^parity\.\w+\.len(\d+)\.accuracy$/.exec(k)?.[1]).filter((x): x is string => x !== undefined))].sort((a, b) => Number(a) - Number(b));
  if (lengths.length === 0) return [];
  const cells = ['simpleRnn', 'lstm', 'gru', 'lstm_forget0'].filter((c) => lengths.some((l) => r[`parity.${c}.len${l}.accuracy`] !== undefined));
  const seeds = String(r['parity.seeds'] ?? '').split(' ').filter(Boolean);
  const cell = (c: string, l: string): string => {
    const mean = r[`parity.${c}.len${l}.accuracy`];
    if (mean === undefined) return '—';
    return `${mean} (${seeds.map((s) => r[`parity.${c}.len${l}.accuracy.seed${s}`]).join(', ')})`;
  };
  return [`| parity, test accuracy: mean (seeds ${seeds.join(', ')}) | ${lengths.map((l) => `length ${l}`).join(' | ')} |`, `|---|${lengths.map(() => '---:').join('|')}|`,
    ...cells.map((c) => `| ${c === 'lstm_forget0' ? 'lstm, forget bias 0' : c} | ${lengths.map((l) => cell(c, l)).join(' | ')} |`), ''];
}

function seq2seqTable(r: Results): string[] {
  if (r['seq2seq.wasm.date.sequence_accuracy'] === undefined) return [];
  const p = 'seq2seq.wasm.date';
  const lines = ['| seq2seq + Luong attention, date task | value |', '|---|---:|',
    `| budget | LSTM ${r[`${p}.units`]}, ${r[`${p}.train_examples`]} examples × ${r[`${p}.epochs`]} epochs (${r[`${p}.steps`]} steps, seed ${r[`${p}.seed`]}, ${r[`${p}.wall_s`]} s) |`,
    `| test sequence accuracy, greedy (by epoch) | ${r[`${p}.sequence_accuracy`]} (${r[`${p}.sequence_accuracy.by_epoch`]}) |`,
    `| test token accuracy, greedy | ${r[`${p}.token_accuracy`]} |`];
  if (r[`${p}.first200.beam4.sequence_accuracy`] !== undefined) {
    lines.push(`| first 200 test dates: greedy / beam 4 | ${r[`${p}.first200.greedy.sequence_accuracy`]} / ${r[`${p}.first200.beam4.sequence_accuracy`]} |`);
  }
  const c = 'seq2seq.wasm.date_lstm64';
  if (r[`${c}.sequence_accuracy`] !== undefined) {
    lines.push(`| contrast: LSTM ${r[`${c}.units`]}, same budget: test sequence / token accuracy (by epoch) | ${r[`${c}.sequence_accuracy`]} / ${r[`${c}.token_accuracy`]} (${r[`${c}.sequence_accuracy.by_epoch`]}) |`);
  }
  return [...lines, ''];
}

export function sequenceTables(r: Results, m: MachineInfo & { pytorch_version?: string }): string {
  const head = `Sequence family, ${m.cpu_model}, ${m.cores} cores, Node ${m.node_version}, tfjs ${m.tfjs_version}${m.pytorch_version ? `, PyTorch ${m.pytorch_version}` : ''}\n`;
  return [head, ...speedTable(r), ...bpcTable(r), ...parityTable(r), ...seq2seqTable(r)].join('\n');
}
