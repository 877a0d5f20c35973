// A small helper for writing ONNX graphs node by node, with exporter-style tensor names.
import {
  AttributeType,
  DataType,
  type AttributeProto,
  type ModelProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from '../../src/lm/graph/onnx-proto';

export type Dim = number | string;
export type AttributeValue = number | number[] | string | { int: number } | { ints: number[] } | { tensor: TensorProto };

export interface GraphBuilderOptions {
  /** Emit small constants as Constant nodes (as torch.onnx does) instead of initializers. */
  constantsAsNodes: boolean;
}

export function valueInfo(name: string, elemType: number, dims: readonly Dim[]): ValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

export function floatTensor(name: string, values: Float32Array, dims: readonly number[]): TensorProto {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice();
  return { name, dataType: DataType.FLOAT, dims: [...dims], rawData: bytes };
}

export function int64Tensor(name: string, values: readonly number[], dims: readonly number[]): TensorProto {
  const bytes = new Uint8Array(new BigInt64Array(values.map((v) => BigInt(v))).buffer);
  return { name, dataType: DataType.INT64, dims: [...dims], rawData: bytes };
}

function attribute(name: string, value: AttributeValue): AttributeProto {
  if (typeof value === 'number') return { name, type: AttributeType.FLOAT, f: value };
  if (typeof value === 'string') return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: AttributeType.FLOATS, floats: value };
  if ('int' in value) return { name, type: AttributeType.INT, i: value.int };
  if ('ints' in value) return { name, type: AttributeType.INTS, ints: value.ints };
  return { name, type: AttributeType.TENSOR, t: value.tensor };
}

export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  readonly inputs: ValueInfoProto[] = [];
  readonly outputs: ValueInfoProto[] = [];
  private readonly used = new Map<string, number>();
  private scope = '';

  constructor(private readonly options: GraphBuilderOptions) {}

  /** Runs `body` with node names prefixed like torch's module paths (`/transformer/h.0/attn/...`). */
  within<T>(scope: string, body: () => T): T {
    const outer = this.scope;
    this.scope = `${outer}/${scope}`;
    try {
      return body();
    } finally {
      this.scope = outer;
    }
  }

  input(name: string, elemType: number, dims: readonly Dim[]): string {
    this.inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  output(name: string, elemType: number, dims: readonly Dim[]): void {
    this.outputs.push(valueInfo(name, elemType, dims));
  }

  weight(name: string, values: Float32Array, dims: readonly number[]): string {
    this.initializers.push(floatTensor(name, values, dims));
    return name;
  }

  /** A float constant (scalar when dims is empty). */
  constFloat(values: readonly number[], dims: readonly number[] = []): string {
    return this.constant(floatTensor('', Float32Array.from(values), dims));
  }

  constInt64(values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.constant(int64Tensor('', values, dims));
  }

  private constant(tensor: TensorProto): string {
    if (this.options.constantsAsNodes) {
      return this.node('Constant', [], { value: { tensor } });
    }
    const name = this.unique(`${this.scope}/Constant_output_0`);
    this.initializers.push({ ...tensor, name });
    return name;
  }

  /** Adds a node; returns its first output's name (see `nodeOutputs` for more). */
  node(opType: string, inputs: readonly string[], attributes: Record<string, AttributeValue> = {}, outputName?: string): string {
    return this.nodeOutputs(opType, inputs, 1, attributes, outputName ? [outputName] : undefined)[0] as string;
  }

  nodeOutputs(
    opType: string,
    inputs: readonly string[],
    outputCount: number,
    attributes: Record<string, AttributeValue> = {},
    outputNames?: readonly string[],
  ): string[] {
    const name = this.unique(`${this.scope}/${opType}`);
    const outputs = Array.from({ length: outputCount }, (_, i) => outputNames?.[i] ?? `${name}_output_${i}`);
    this.nodes.push({
      name,
      opType,
      input: [...inputs],
      output: outputs,
      attribute: Object.entries(attributes).map(([key, value]) => attribute(key, value)),
    });
    return outputs;
  }

  private unique(base: string): string {
    const count = this.used.get(base) ?? 0;
    this.used.set(base, count + 1);
    return count === 0 ? base : `${base}_${count}`;
  }

  build(graphName: string, opset: number, producer: string): ModelProto {
    return {
      irVersion: 8,
      producerName: producer,
      producerVersion: '1.0',
      opsetImport: [{ domain: '', version: opset }],
      graph: {
        name: graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    };
  }
}
