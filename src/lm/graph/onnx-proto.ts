// The ONNX protobuf schema (onnx-proto) behind a small typed surface: decode, encode, int64 handling.
import * as onnxProtoModule from 'onnx-proto';
import type { onnx as OnnxNamespace } from 'onnx-proto';

export type ModelProto = OnnxNamespace.IModelProto;
export type GraphProto = OnnxNamespace.IGraphProto;
export type NodeProto = OnnxNamespace.INodeProto;
export type TensorProto = OnnxNamespace.ITensorProto;
export type ValueInfoProto = OnnxNamespace.IValueInfoProto;
export type TypeProto = OnnxNamespace.ITypeProto;
export type AttributeProto = OnnxNamespace.IAttributeProto;

/** An int64 as protobufjs hands it over: a plain number, or a Long object when the `long` package loads. */
export type Int64Like = number | { toNumber(): number };

/** A graph that is not valid ONNX or not one the graph tools understand. */
export class OnnxGraphError extends Error {
  override readonly name = 'OnnxGraphError';
}

type OnnxRoot = typeof onnxProtoModule;

// onnx-proto is CommonJS: bundlers expose `onnx` as a named export, Node's ESM loader only as `default.onnx`.
function resolveRoot(mod: unknown): OnnxRoot['onnx'] {
  const candidates: unknown[] = [mod];
  if (typeof mod === 'object' && mod !== null && 'default' in mod) candidates.push(mod.default);
  for (const candidate of candidates) {
    if (typeof candidate === 'object' && candidate !== null && 'onnx' in candidate) {
      const root = candidate.onnx;
      if (typeof root === 'object' && root !== null && 'ModelProto' in root) return root as OnnxRoot['onnx'];
    }
  }
  throw new Error('onnx-proto did not load: its `onnx` namespace is missing');
}

export const onnx = resolveRoot(onnxProtoModule);
export const DataType = onnx.TensorProto.DataType;
export const AttributeType = onnx.AttributeProto.AttributeType;

export function toNumber(value: Int64Like | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'number' ? value : value.toNumber();
}

/** Parses ONNX model bytes. Throws OnnxGraphError when the bytes are not an ONNX model. */
export function decodeModel(bytes: Uint8Array): OnnxNamespace.ModelProto {
  let model: OnnxNamespace.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (cause) {
    throw new OnnxGraphError(`This file is not a readable ONNX model (${describe(cause)}).`, { cause });
  }
  if (!model.graph || (model.graph.node ?? []).length === 0) {
    throw new OnnxGraphError('This ONNX file has no graph nodes: it is not a model that can be run.');
  }
  return model;
}

export function encodeModel(model: ModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
