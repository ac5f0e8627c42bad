/**
 * Export an architecture as readable Keras 3 functional-API Python: one line
 * per layer (`h3 = layers.Conv2D(32, 3, activation="relu", name="c1")(h2)`),
 * each with a comment giving its output shape and parameter count as
 * inferShapes computes them, then keras.Model(...) and model.summary(). A
 * model document gives one build_<part>() function per part.
 *
 * The layers are the ones compileGraph builds: leakyRelu activations become
 * a LeakyReLU(negative_slope=0.3) layer after the layer, GRUs use
 * reset_after=False (tf.js's GRU), recurrent layers spell out their
 * recurrent_activation. Kinds with no Keras built-in (minibatch stddev,
 * virtual batch norm, our attention, masked convolution, sampling, one-hot,
 * positional encoding, the self-attention block) get a small layer class at
 * the top of the file. Pure: returns the source text.
 */
import { architectureParts, type Architecture, type GraphDocument } from '../graph';
import { toPair } from '../layers';
import type { ParsedNode } from '../shapes';
import { CUSTOM_CLASS, KERAS_ACTIVATION, LEAKY_RELU_ALPHA, walkGraph } from './graphWalk';

const py = (s: string): string => JSON.stringify(s);
const pyBool = (b: boolean): string => (b ? 'True' : 'False');
const tuple = (xs: readonly number[]): string => (xs.length === 1 ? `(${xs[0]},)` : `(${xs.join(', ')})`);
const intOrPair = (v: number | readonly [number, number]): string => {
  const [a, b] = toPair(v);
  return a === b ? String(a) : `(${a}, ${b})`;
};
const isDefaultPair = (v: number | readonly [number, number], d: number): boolean => toPair(v).every((x) => x === d);

/** A Python identifier for a name: lower-case words joined by '_'. */
function identifier(name: string): string {
  const s = name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  return /^[a-z_]/.test(s) ? s : `m_${s}`;
}

function activationArg(a: string): string {
  return a === 'linear' || a === 'leakyRelu' ? '' : `activation=${py(KERAS_ACTIVATION[a] ?? a)}`;
}

const CLASS_SOURCE: Readonly<Record<string, string>> = {
  minibatchStddev: `
class MinibatchStddev(layers.Layer):
    """Minibatch standard deviation (Karras et al. 2018): the std of every feature
    over a group of examples, averaged over the features, appended as one more
    channel. group_size 0 takes the whole batch; otherwise it must divide the batch.
    Example i belongs to group i mod (batch / group_size)."""

    def __init__(self, group_size=0, **kwargs):
        super().__init__(**kwargs)
        self.group_size = group_size

    def call(self, x):
        n = ops.shape(x)[0]
        g = n if self.group_size <= 0 else self.group_size
        y = ops.reshape(x, (g, -1, math.prod(x.shape[1:])))  # [g, m, features]
        std = ops.sqrt(ops.var(y, axis=0) + 1e-8)  # [m, features]
        s = ops.tile(ops.mean(std, axis=1), (g,))  # [n]: example i gets group i mod m
        s = ops.reshape(s, (-1,) + (1,) * (len(x.shape) - 1))
        return ops.concatenate([x, ops.ones_like(x[..., :1]) * s], axis=-1)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (input_shape[-1] + 1,)

    def get_config(self):
        return {**super().get_config(), "group_size": self.group_size}
`,
  virtualBatchNorm: `
class VirtualBatchNorm(layers.Layer):
    """Virtual batch norm (Salimans et al. 2016), simplified: normalises with the
    statistics of the batch it is given, then scales and shifts per channel.
    (Latent Workbench's GAN family also prepends a fixed reference batch.)"""

    def __init__(self, epsilon=0.001, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = epsilon

    def build(self, input_shape):
        c = input_shape[-1]
        self.gamma = self.add_weight(shape=(c,), initializer="ones", name="gamma")
        self.beta = self.add_weight(shape=(c,), initializer="zeros", name="beta")

    def call(self, x):
        mean, var = ops.moments(x, axes=list(range(len(x.shape) - 1)), keepdims=True)
        return (x - mean) / ops.sqrt(var + self.epsilon) * self.gamma + self.beta

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon}
`,
  attention: `
class SequenceAttention(layers.Layer):
    """Attention of a query sequence [Tq, d] over a value sequence [Tv, d] (the
    values are also the keys) -> context [Tq, d]. score "dot": q.k (divided by
    sqrt(d) when scaled); "general": q W k with W [d, d] (Luong; not scaled);
    "additive": v . tanh(W_q q + W_k k) with units hidden units."""

    def __init__(self, score="dot", scaled=True, units=64, **kwargs):
        super().__init__(**kwargs)
        self.score, self.scaled, self.units = score, scaled, units

    def build(self, input_shape):
        d = input_shape[0][-1]
        if self.score == "additive":
            self.w_q = self.add_weight(shape=(d, self.units), initializer="glorot_uniform", name="w_q")
            self.w_k = self.add_weight(shape=(d, self.units), initializer="glorot_uniform", name="w_k")
            self.v = self.add_weight(shape=(self.units,), initializer="glorot_uniform", name="v")
        if self.score == "general":
            self.w = self.add_weight(shape=(d, d), initializer="glorot_uniform", name="w")

    def call(self, inputs):
        q, v = inputs
        if self.score == "dot":
            scores = ops.matmul(q, ops.transpose(v, (0, 2, 1)))
            if self.scaled:
                scores = scores / math.sqrt(q.shape[-1])
        elif self.score == "general":
            scores = ops.matmul(ops.matmul(q, self.w), ops.transpose(v, (0, 2, 1)))
        else:
            hq = ops.expand_dims(ops.matmul(q, self.w_q), 2)  # [b, Tq, 1, units]
            hk = ops.expand_dims(ops.matmul(v, self.w_k), 1)  # [b, 1, Tv, units]
            scores = ops.sum(ops.tanh(hq + hk) * self.v, axis=-1)  # [b, Tq, Tv]
        return ops.matmul(ops.softmax(scores, axis=-1), v)

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        return {**super().get_config(), "score": self.score, "scaled": self.scaled, "units": self.units}
`,
  maskedConv2d: `
class MaskedConv2d(layers.Conv2D):
    """PixelCNN's masked convolution ('same' padding, stride 1, odd kernel): each
    output pixel sees only the pixels above it and to its left; mask "A" also
    hides the pixel itself, "B" lets it through."""

    def __init__(self, filters, kernel_size, mask_type="B", **kwargs):
        kwargs.pop("padding", None)
        super().__init__(filters, kernel_size, padding="same", **kwargs)
        self.mask_type = mask_type

    def build(self, input_shape):
        super().build(input_shape)
        kh, kw = self.kernel_size
        mask = np.zeros((kh, kw, 1, 1), dtype="float32")
        mask[: kh // 2, :] = 1
        mask[kh // 2, : kw // 2 + (1 if self.mask_type == "B" else 0)] = 1
        self.mask = ops.convert_to_tensor(mask)

    def call(self, inputs):
        outputs = ops.conv(inputs, self.kernel * self.mask, strides=1, padding="same")
        if self.use_bias:
            outputs = outputs + self.bias
        return self.activation(outputs) if self.activation is not None else outputs

    def get_config(self):
        return {**super().get_config(), "mask_type": self.mask_type}
`,
  sampling: `
class Sampling(layers.Layer):
    """The reparameterisation trick: [2*d] (mu then log var) -> z = mu + sigma * eps,
    eps ~ N(0, I), shape [d]. Samples in training and inference alike."""

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, x):
        mu, log_var = ops.split(x, 2, axis=-1)
        eps = keras.random.normal(ops.shape(mu), seed=self.seed_generator)
        return mu + ops.exp(0.5 * log_var) * eps

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (input_shape[-1] // 2,)
`,
  oneHot: `
class OneHot(layers.Layer):
    """Token ids [T] (whole numbers fed as floats) -> one-hot vectors [T, depth]. No weights."""

    def __init__(self, depth, **kwargs):
        super().__init__(**kwargs)
        self.depth = depth

    def call(self, x):
        return ops.one_hot(ops.cast(x, "int32"), self.depth)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.depth,)

    def get_config(self):
        return {**super().get_config(), "depth": self.depth}
`,
  positionalEncoding: `
class PositionalEncoding(layers.Layer):
    """Adds a position code to a sequence [T, d], T <= max_length. "sinusoidal":
    PE[pos, 2i] = sin(pos / 10000^(2i/d)), PE[pos, 2i+1] = cos(pos / 10000^(2i/d))
    (Vaswani et al. 2017, no weights); "learned": a trained [max_length, d] table."""

    def __init__(self, encoding="sinusoidal", max_length=512, **kwargs):
        super().__init__(**kwargs)
        self.encoding, self.max_length = encoding, max_length

    def build(self, input_shape):
        d = input_shape[-1]
        if self.encoding == "learned":
            init = keras.initializers.RandomUniform(-0.05, 0.05)
            self.table = self.add_weight(shape=(self.max_length, d), initializer=init, name="table")
        else:
            pos = np.arange(self.max_length)[:, None]
            angle = pos / np.power(10000.0, (np.arange(d) // 2 * 2)[None, :] / d)
            table = np.where(np.arange(d) % 2 == 0, np.sin(angle), np.cos(angle))
            self.table = ops.convert_to_tensor(table.astype("float32"))

    def call(self, x):
        return x + self.table[: x.shape[1]]

    def get_config(self):
        return {**super().get_config(), "encoding": self.encoding, "max_length": self.max_length}
`,
  selfAttention: `
class SelfAttentionBlock(layers.Layer):
    """A pre-norm transformer block (as GPT-2) over [T, d]: h = x + W_o MultiHead(LN(x)),
    then h + FFN(LN(h)) with a ReLU hidden layer of ff_units; d must be a multiple of
    heads. causal: step t attends only to steps <= t. Dropout on the attention
    weights and both residual branches while training. Layer norms use eps 1e-5."""

    def __init__(self, heads=4, ff_units=256, causal=True, dropout=0.0, **kwargs):
        super().__init__(**kwargs)
        self.heads, self.ff_units, self.causal, self.dropout = heads, ff_units, causal, dropout
        self.drop = layers.Dropout(dropout)

    def build(self, input_shape):
        d, f = input_shape[-1], self.ff_units
        shapes = {
            "ln1_gamma": (d,), "ln1_beta": (d,), "wq": (d, d), "bq": (d,), "wk": (d, d), "bk": (d,),
            "wv": (d, d), "bv": (d,), "wo": (d, d), "bo": (d,), "ln2_gamma": (d,), "ln2_beta": (d,),
            "ff1_kernel": (d, f), "ff1_bias": (f,), "ff2_kernel": (f, d), "ff2_bias": (d,),
        }
        for name, shape in shapes.items():
            init = "glorot_uniform" if len(shape) == 2 else "ones" if name.endswith("gamma") else "zeros"
            setattr(self, name, self.add_weight(shape=shape, initializer=init, name=name))

    @staticmethod
    def norm(x, gamma, beta):
        mean = ops.mean(x, axis=-1, keepdims=True)
        return (x - mean) / ops.sqrt(ops.var(x, axis=-1, keepdims=True) + 1e-5) * gamma + beta

    def split(self, x):  # [b, T, d] -> [b, heads, T, d / heads]
        return ops.transpose(ops.reshape(x, (ops.shape(x)[0], x.shape[1], self.heads, -1)), (0, 2, 1, 3))

    def call(self, x, training=False):
        t, d = x.shape[1], x.shape[-1]
        u = self.norm(x, self.ln1_gamma, self.ln1_beta)
        q = self.split(ops.matmul(u, self.wq) + self.bq)
        k = self.split(ops.matmul(u, self.wk) + self.bk)
        v = self.split(ops.matmul(u, self.wv) + self.bv)
        scores = ops.matmul(q, ops.transpose(k, (0, 1, 3, 2))) / math.sqrt(d // self.heads)
        if self.causal:
            scores = scores + ops.triu(ops.ones((t, t)), k=1) * -1e9
        weights = self.drop(ops.softmax(scores, axis=-1), training=training)
        context = ops.reshape(ops.transpose(ops.matmul(weights, v), (0, 2, 1, 3)), (ops.shape(x)[0], t, d))
        h = x + self.drop(ops.matmul(context, self.wo) + self.bo, training=training)
        hidden = ops.relu(ops.matmul(self.norm(h, self.ln2_gamma, self.ln2_beta), self.ff1_kernel) + self.ff1_bias)
        return h + self.drop(ops.matmul(hidden, self.ff2_kernel) + self.ff2_bias, training=training)

    def get_config(self):
        config = {"heads": self.heads, "ff_units": self.ff_units, "causal": self.causal, "dropout": self.dropout}
        return {**super().get_config(), **config}
`,
};

/** The Keras constructor call (without the applied input) for a node, and trailing notes. */
function constructor(node: ParsedNode): { call: string; note?: string } {
  const name = `name=${py(node.id)}`;
  const args = (...xs: string[]): string => [...xs.filter((x) => x !== ''), name].join(', ');
  switch (node.kind) {
    case 'input':
      throw new Error('input nodes are keras.Input');
    case 'dense': {
      const p = node.params;
      return { call: `layers.Dense(${args(String(p.units), activationArg(p.activation), p.useBias ? '' : 'use_bias=False')})` };
    }
    case 'conv2d':
    case 'conv2dTranspose': {
      const p = node.params;
      const cls = node.kind === 'conv2d' ? 'Conv2D' : 'Conv2DTranspose';
      return {
        call: `layers.${cls}(${args(String(p.filters), intOrPair(p.kernelSize), isDefaultPair(p.strides, 1) ? '' : `strides=${intOrPair(p.strides)}`,
          p.padding === 'valid' ? '' : `padding=${py(p.padding)}`, activationArg(p.activation), p.useBias ? '' : 'use_bias=False')})`,
      };
    }
    case 'maxPool2d':
    case 'avgPool2d': {
      const p = node.params;
      const cls = node.kind === 'maxPool2d' ? 'MaxPooling2D' : 'AveragePooling2D';
      const strides = p.strides === undefined ? '' : `strides=${intOrPair(p.strides)}`;
      return { call: `layers.${cls}(${args(intOrPair(p.poolSize), strides, p.padding === 'valid' ? '' : `padding=${py(p.padding)}`)})` };
    }
    case 'upSampling2d':
      return { call: `layers.UpSampling2D(${args(intOrPair(node.params.size))})` };
    case 'flatten':
      return { call: `layers.Flatten(${args()})` };
    case 'dropout':
      return { call: `layers.Dropout(${args(String(node.params.rate))})` };
    case 'activation':
      return node.params.activation === 'leakyRelu'
        ? { call: `layers.LeakyReLU(${args(`negative_slope=${LEAKY_RELU_ALPHA}`)})` }
        : { call: `layers.Activation(${args(py(KERAS_ACTIVATION[node.params.activation] ?? node.params.activation))})` };
    case 'batchNorm':
      return { call: `layers.BatchNormalization(${args(`momentum=${node.params.momentum}`, `epsilon=${node.params.epsilon}`)})` };
    case 'reshape':
      return { call: `layers.Reshape(${args(tuple(node.params.targetShape))})` };
    case 'concat':
      return { call: `layers.Concatenate(${args('axis=-1')})` };
    case 'add':
      return { call: `layers.Add(${args()})` };
    case 'globalAvgPool2d':
      return { call: `layers.GlobalAveragePooling2D(${args()})` };
    case 'globalMaxPool2d':
      return { call: `layers.GlobalMaxPooling2D(${args()})` };
    case 'layerNorm':
      return { call: `layers.LayerNormalization(${args(`epsilon=${node.params.epsilon}`)})` };
    case 'embedding':
      return { call: `layers.Embedding(${args(String(node.params.inputDim), String(node.params.outputDim))})` };
    case 'simpleRnn':
    case 'lstm':
    case 'gru': {
      const p = node.params;
      const cls = node.kind === 'simpleRnn' ? 'SimpleRNN' : node.kind === 'lstm' ? 'LSTM' : 'GRU';
      const rec = node.kind === 'simpleRnn' ? '' : `recurrent_activation=${py(KERAS_ACTIVATION[node.params.recurrentActivation]!)}`;
      const forget = node.kind === 'lstm' && !node.params.unitForgetBias ? 'unit_forget_bias=False' : '';
      const cellArgs = [String(p.units), p.activation === 'tanh' ? '' : activationArg(p.activation), rec, forget,
        p.returnSequences ? 'return_sequences=True' : '', node.kind === 'gru' ? 'reset_after=False' : ''].filter((x) => x !== '');
      const note = node.kind !== 'simpleRnn' && node.params.recurrentActivation === 'hardSigmoid'
        ? "Keras 3's hard_sigmoid is relu6(x + 3) / 6; tf.js's is 0.2·x + 0.5" : undefined;
      const cell = `layers.${cls}(${cellArgs.join(', ')}`;
      const r = p.bidirectional
        ? { call: `layers.Bidirectional(${cell}), merge_mode=${py(p.mergeMode)}, ${name})` }
        : { call: `${cell}, ${name})` };
      return note === undefined ? r : { ...r, note };
    }
    case 'minibatchStddev':
      return { call: `MinibatchStddev(${args(`group_size=${node.params.groupSize}`)})` };
    case 'virtualBatchNorm':
      return { call: `VirtualBatchNorm(${args(`epsilon=${node.params.epsilon}`)})` };
    case 'attention':
      return { call: `SequenceAttention(${args(`score=${py(node.params.score)}`, `scaled=${pyBool(node.params.scaled)}`, `units=${node.params.units}`)})` };
    case 'maskedConv2d': {
      const p = node.params;
      return { call: `MaskedConv2d(${args(String(p.filters), String(p.kernelSize), `mask_type=${py(p.maskType)}`, activationArg(p.activation), p.useBias ? '' : 'use_bias=False')})` };
    }
    case 'sampling':
      return { call: `Sampling(${args()})` };
    case 'oneHot':
      return { call: `OneHot(${args(`depth=${node.params.depth}`)})` };
    case 'positionalEncoding':
      return { call: `PositionalEncoding(${args(`encoding=${py(node.params.encoding)}`, `max_length=${node.params.maxLength}`)})` };
    case 'selfAttention': {
      const p = node.params;
      return { call: `SelfAttentionBlock(${args(`heads=${p.heads}`, `ff_units=${p.ffUnits}`, `causal=${pyBool(p.causal)}`, `dropout=${p.dropout}`)})` };
    }
  }
}

function hasLeaky(node: ParsedNode): boolean {
  return (node.kind === 'dense' || node.kind === 'conv2d' || node.kind === 'conv2dTranspose' || node.kind === 'maskedConv2d') && node.params.activation === 'leakyRelu';
}

/** Names the generated file uses itself. */
const RESERVED = new Set(['keras', 'layers', 'ops', 'math', 'np']);

const fmtCount = (n: number): string => n.toLocaleString('en-US');

/** The body of build_<fn>() for one graph, and the custom kinds it uses. */
function buildFunction(doc: GraphDocument, fn: string): { lines: string[]; custom: Set<string> } {
  const walked = walkGraph(doc);
  const custom = new Set<string>();
  const lines: string[] = [`def ${fn}():`];
  lines.push(`    """${doc.name.replace(/\\/g, '\\\\').replace(/"""/g, '\\"\\"\\"')}"""`);
  for (const e of walked.errors) lines.push(`    # WARNING: ${e.replace(/\n/g, ' ')}`);
  const vars = new Map<string, string>();
  let next = 0;
  const fresh = (): string => `h${next++}`;
  const comment = (id: string): string => {
    const shape = walked.shapes.get(id);
    const params = walked.params.get(id);
    if (!shape) return '  # shape unknown';
    return `  # [${shape.join(', ')}]${params ? ` · ${fmtCount(params)} params` : ''}`;
  };
  for (const node of walked.order) {
    if (node.kind === 'input') {
      const v = fresh();
      vars.set(node.id, v);
      lines.push(`    ${v} = keras.Input(shape=${tuple(node.params.shape)}, name=${py(node.id)})${comment(node.id)}`);
      continue;
    }
    const from = (walked.inputsOf[node.id] ?? []).map((f) => vars.get(f));
    if (from.length === 0 || from.some((f) => f === undefined)) {
      lines.push(`    # ${node.kind} '${node.id}' is left out: its input is missing`);
      continue;
    }
    if (CUSTOM_CLASS[node.kind] !== undefined) custom.add(node.kind);
    const { call, note } = constructor(node);
    const applied = from.length === 1 && node.kind !== 'concat' && node.kind !== 'add' && node.kind !== 'attention' ? from[0]! : `[${from.join(', ')}]`;
    if (note) lines.push(`    # note: ${note}`);
    const v = fresh();
    if (hasLeaky(node)) {
      lines.push(`    ${v} = ${call}(${applied})`);
      const w = fresh();
      lines.push(`    ${w} = layers.LeakyReLU(negative_slope=${LEAKY_RELU_ALPHA}, name=${py(`${node.id}_leaky`)})(${v})${comment(node.id)}`);
      vars.set(node.id, w);
    } else {
      lines.push(`    ${v} = ${call}(${applied})${comment(node.id)}`);
      vars.set(node.id, v);
    }
  }
  const inputs = walked.inputIds.map((id) => vars.get(id)).filter((v): v is string => v !== undefined);
  const output = walked.outputId === undefined ? undefined : vars.get(walked.outputId);
  const total = walked.report?.totalParams;
  if (total !== undefined) lines.push(`    # total: ${fmtCount(total)} params`);
  const inputsArg = inputs.length === 1 ? inputs[0]! : `[${inputs.join(', ')}]`;
  if (output === undefined || inputs.length === 0) {
    lines.push('    # WARNING: the graph has no single output (or no input), so no model is built');
    lines.push('    return None');
  } else {
    lines.push(`    model = keras.Model(inputs=${inputsArg}, outputs=${output}, name=${py(doc.name.replace(/\//g, '_'))})`);
    lines.push('    return model');
  }
  return { lines, custom };
}

/** Keras 3 Python source building the architecture (a graph, or every part of a model). */
export function exportKerasPython(arch: Architecture): string {
  const parts = Object.entries(architectureParts(arch));
  const single = arch.format === 'latent-graph';
  const usedFns = new Set<string>();
  const functions: { fn: string; variable: string; lines: string[] }[] = [];
  const custom = new Set<string>();
  for (const [part, doc] of parts) {
    let fn = `build_${identifier(single ? doc.name : part)}`;
    for (let i = 2; usedFns.has(fn); i++) fn = `build_${identifier(single ? doc.name : part)}_${i}`;
    usedFns.add(fn);
    const built = buildFunction(doc, fn);
    built.custom.forEach((k) => custom.add(k));
    const variable = single ? 'model' : identifier(part);
    functions.push({ fn, variable: RESERVED.has(variable) ? `${variable}_model` : variable, lines: built.lines });
  }
  const out: string[] = [
    `"""${arch.name.replace(/\\/g, '\\\\').replace(/"""/g, '\\"\\"\\"')}: Keras 3 functional model${single ? '' : 's'} generated by Latent Workbench.`,
    '',
    'Shapes in the comments exclude the batch dimension; parameter counts are',
    "Latent Workbench's (tf.js) counts. Weights are not included.",
    '"""',
  ];
  const needsMath = custom.has('minibatchStddev') || custom.has('attention') || custom.has('selfAttention');
  out.push('');
  if (needsMath) out.push('import math', '');
  if (custom.has('maskedConv2d') || custom.has('positionalEncoding')) out.push('import numpy as np');
  out.push('import keras');
  out.push(custom.size > 0 ? 'from keras import layers, ops' : 'from keras import layers');
  for (const kind of ['minibatchStddev', 'virtualBatchNorm', 'attention', 'maskedConv2d', 'sampling', 'oneHot', 'positionalEncoding', 'selfAttention']) {
    if (!custom.has(kind)) continue;
    out.push('', `# ${kind} has no Keras built-in: a small layer class with the same computation.`);
    out.push(...CLASS_SOURCE[kind]!.split('\n').slice(0, -1));
  }
  for (const f of functions) out.push('', '', ...f.lines);
  out.push('', '');
  for (const f of functions) {
    out.push(`${f.variable} = ${f.fn}()`);
    out.push(`${f.variable}.summary()`);
  }
  return `${out.join('\n')}\n`;
}
