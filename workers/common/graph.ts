/**
 * The architecture graph document: layers as nodes with typed parameters,
 * edges as the tensors between them. This is the one format the editor edits,
 * the database stores and the worker compiles.
 *
 * Inputs and outputs: a graph has one or more `input` nodes, each with a
 * role `name` (param, default 'x', unique in the graph: e.g. 'z' and 'y' for
 * a conditional generator's noise and label). A compiled model takes its
 * inputs in the input nodes' DOCUMENT order (ShapeReport.inputs lists them in
 * that order, with their names), so callers feed by name, never by
 * position. A graph has exactly one output: its single sink.
 */
import { z } from 'zod';
import { jsonBoundIssue, LAYER_PARAM_BOUNDS } from './jsonBounds';

export const GRAPH_FORMAT = 'latent-graph' as const;
export const GRAPH_VERSION = 1 as const;

export const nodeIdSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9_.-]+$/, 'node ids use letters, digits, "_", "." and "-"');

export const graphNodeSchema = z.object({
  id: nodeIdSchema,
  /** A key of layerParamSchemas; checked by validateGraph so the message can name the node. */
  kind: z.string().min(1).max(64),
  /** Checked per kind by validateGraph; here only bounded (LAYER_PARAM_BOUNDS), so no request can nest params deep enough to overflow a serialiser. */
  params: z.record(z.string(), z.unknown()).superRefine((p, ctx) => {
    const issue = jsonBoundIssue(p, LAYER_PARAM_BOUNDS);
    if (issue) ctx.addIssue({ code: 'custom', path: issue.path, message: `layer params: ${issue.message}` });
  }).default({}),
  label: z.string().max(200).optional(),
  position: z.object({ x: z.number(), y: z.number() }).optional(),
}).strict();

export const graphEdgeSchema = z.object({
  from: nodeIdSchema,
  to: nodeIdSchema,
  /**
   * Input slot of the target. Single-input layers take port 0 only; a
   * `concat` or `add` takes ports 0..n−1 (2 ≤ n ≤ 16), every one filled
   * exactly once, in port order; an `attention` takes the query on port 0
   * and the value on port 1.
   */
  toPort: z.number().int().min(0).max(16).default(0),
}).strict();

export const graphDocumentSchema = z.object({
  format: z.literal(GRAPH_FORMAT),
  version: z.literal(GRAPH_VERSION),
  name: z.string().min(1).max(200),
  nodes: z.array(graphNodeSchema).min(1).max(5000),
  edges: z.array(graphEdgeSchema).max(20000),
}).strict();

export const MODEL_FORMAT = 'latent-model' as const;

/**
 * A model made of several networks with fixed contracts (encoder/decoder for
 * autoencoders and VAEs, generator/discriminator for GANs), each a graph.
 */
export const modelDocumentSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  version: z.literal(GRAPH_VERSION),
  name: z.string().min(1).max(200),
  parts: z.record(z.string().regex(/^[a-z][A-Za-z0-9]*$/, 'part names are camelCase words'), graphDocumentSchema),
}).strict();

/** What a run trains: one graph, or a model of named parts. */
export const architectureSchema = z.union([graphDocumentSchema, modelDocumentSchema]);

export type GraphNode = z.output<typeof graphNodeSchema>;
export type GraphEdge = z.output<typeof graphEdgeSchema>;
export type GraphDocument = z.output<typeof graphDocumentSchema>;
export type GraphDocumentInput = z.input<typeof graphDocumentSchema>;
export type ModelDocument = z.output<typeof modelDocumentSchema>;
export type Architecture = GraphDocument | ModelDocument;

export function isModelDocument(a: Architecture): a is ModelDocument {
  return a.format === MODEL_FORMAT;
}

/** The parts of an architecture by name; a single graph is the part 'model'. */
export function architectureParts(a: Architecture): Record<string, GraphDocument> {
  return isModelDocument(a) ? a.parts : { model: a };
}

/** Shape of one example (no batch dimension). */
export type Shape = number[];

export interface NodeShapeInfo {
  nodeId: string;
  kind: string;
  outputShape: Shape;
  /** Trainable + non-trainable parameters, as tf's countParams() counts them. */
  paramCount: number;
  /** Float activations this node outputs for one example. */
  activationsPerExample: number;
}

export type GraphErrorCode =
  | 'unknown-kind'
  | 'bad-params'
  | 'duplicate-id'
  | 'dangling-edge'
  | 'cycle'
  | 'no-input'
  | 'duplicate-input-name'
  | 'missing-input'
  | 'too-many-inputs'
  | 'duplicate-port'
  | 'bad-port'
  | 'unreachable'
  | 'shape-mismatch'
  | 'kernel-too-large'
  | 'bad-output';

export interface GraphError {
  code: GraphErrorCode;
  /** The node the error is about, when there is one. */
  nodeId?: string;
  /** What is wrong, e.g. "conv2d 'c2': kernel 5×5 is larger than its 3×3 input". */
  message: string;
  /** How to fix it. */
  hint: string;
  /** The part of a multi-part model the error belongs to ('encoder', 'generator', …), when it belongs to one. Its message then starts with "part: " too, for the services' messages. */
  part?: string;
}

/** One input of a graph: the model's inputs are these, in this (document) order. */
export interface GraphInputInfo {
  nodeId: string;
  /** The input's role name (the input node's `name` param; 'x' by default). */
  name: string;
  shape: Shape;
}

export interface ShapeReport {
  ok: boolean;
  errors: GraphError[];
  /** Per node, in topological order; only nodes whose shape could be inferred. */
  nodes: NodeShapeInfo[];
  /** The input nodes whose parameters are valid, in document order: the compiled model's input order. */
  inputs: GraphInputInfo[];
  /** Id of the graph's single output node (the sink), when there is exactly one. */
  outputNodeId?: string;
  outputShape?: Shape;
  totalParams: number;
  totalActivationsPerExample: number;
}
