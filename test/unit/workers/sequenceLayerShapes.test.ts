import { describe, expect, it } from 'vitest';
import type { GraphDocument } from '../../../workers/common/graph';
import { inferShapes } from '../../../workers/common/shapes';

const n = (id: string, kind: string, params: Record<string, unknown> = {}): GraphDocument['nodes'][number] => ({ id, kind, params });
/** A chain of nodes, each fed by the one before. */
function chain(...nodes: GraphDocument['nodes']): GraphDocument {
  return { format: 'latent-graph', version: 1, name: 't', nodes, edges: nodes.slice(1).map((x, i) => ({ from: nodes[i]!.id, to: x.id, toPort: 0 })) };
}
const byId = (d: GraphDocument) => Object.fromEntries(inferShapes(d).nodes.map((x) => [x.nodeId, x]));

describe('token and transformer kinds: shapes and parameter counts', () => {
  it('oneHot [T] → [T, depth] with no weights; positionalEncoding keeps [T, d]', () => {
    const d = chain(n('x', 'input', { shape: [12] }), n('oh', 'oneHot', { depth: 30 }), n('proj', 'dense', { units: 8 }),
      n('pe', 'positionalEncoding', { encoding: 'learned', maxLength: 16 }), n('pe2', 'positionalEncoding', {}));
    const r = byId(d);
    expect(r['oh']!.outputShape).toEqual([12, 30]);
    expect(r['oh']!.paramCount).toBe(0);
    expect(r['pe']!.outputShape).toEqual([12, 8]);
    expect(r['pe']!.paramCount).toBe(16 * 8); // learned: the whole [maxLength, d] table
    expect(r['pe2']!.paramCount).toBe(0); // sinusoidal
    expect(inferShapes(d).totalParams).toBe(30 * 8 + 8 + 128);
  });

  it('selfAttention counts two layer norms, four projections and the feed-forward net', () => {
    // d = 8, ffUnits = 16: norms 2·16 = 32; W_q,k,v,o 4·(64 + 8) = 288; FFN 128 + 16 + 128 + 8 = 280.
    const r = inferShapes(chain(n('x', 'input', { shape: [5, 8] }), n('sa', 'selfAttention', { heads: 2, ffUnits: 16 })));
    expect(r.errors).toEqual([]);
    expect(r.outputShape).toEqual([5, 8]);
    expect(r.totalParams).toBe(32 + 288 + 280);
  });

  it("attention 'general' adds W [d, d]; 'dot' has none", () => {
    const att = (score: string): number => inferShapes({
      format: 'latent-graph', version: 1, name: 't',
      nodes: [n('q', 'input', { shape: [3, 6], name: 'q' }), n('v', 'input', { shape: [4, 6], name: 'v' }), n('a', 'attention', { score })],
      edges: [{ from: 'q', to: 'a', toPort: 0 }, { from: 'v', to: 'a', toPort: 1 }],
    }).totalParams;
    expect(att('general')).toBe(36);
    expect(att('dot')).toBe(0);
  });

  it('says what is wrong: wrong rank, too long for maxLength, heads that do not divide d', () => {
    const errs = (d: GraphDocument) => inferShapes(d).errors.map((e) => [e.code, e.nodeId, e.message, e.hint]);
    const [oh] = errs(chain(n('x', 'input', { shape: [4, 3] }), n('oh', 'oneHot', { depth: 5 })));
    expect(oh).toEqual(['shape-mismatch', 'oh', "oneHot 'oh' needs a rank-1 [steps] input of token ids, got [4, 3]", expect.stringContaining('token ids [T]')]);
    const [long] = errs(chain(n('x', 'input', { shape: [20, 4] }), n('pe', 'positionalEncoding', { maxLength: 10 })));
    expect(long).toEqual(['bad-params', 'pe', "positionalEncoding 'pe': the sequence has 20 steps but maxLength is 10", 'Set maxLength to at least 20']);
    const [rank] = errs(chain(n('x', 'input', { shape: [20] }), n('pe', 'positionalEncoding', {})));
    expect(rank?.[2]).toBe("positionalEncoding 'pe' needs a rank-2 [steps, d] sequence input, got [20]");
    const [heads] = errs(chain(n('x', 'input', { shape: [5, 10] }), n('sa', 'selfAttention', { heads: 4 })));
    expect(heads).toEqual(['bad-params', 'sa', "selfAttention 'sa': its 10 features do not split evenly into 4 heads", 'Use a number of heads that divides 10 (e.g. 1), or give the layer before it 8 or 12 units']);
    const [flat] = errs(chain(n('x', 'input', { shape: [5] }), n('sa', 'selfAttention', {})));
    expect(flat?.[0]).toBe('shape-mismatch');
  });
});
