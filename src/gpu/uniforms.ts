// Packs a uniform block field by field, in the declaration order of its WGSL struct (all fields 4-byte
// scalars, so offsets are simply 4·index); the size is rounded up to 16 bytes as uniform buffers need.

export class UniformWriter {
  private readonly words: number[] = [];
  private readonly kinds: ('u32' | 'i32' | 'f32')[] = [];

  u32(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`u32 field out of range: ${v}`);
    this.words.push(v);
    this.kinds.push('u32');
    return this;
  }

  i32(v: number): this {
    if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) throw new RangeError(`i32 field out of range: ${v}`);
    this.words.push(v);
    this.kinds.push('i32');
    return this;
  }

  f32(v: number): this {
    this.words.push(v);
    this.kinds.push('f32');
    return this;
  }

  bool(v: boolean): this {
    return this.u32(v ? 1 : 0);
  }

  finish(): ArrayBuffer {
    const bytes = new ArrayBuffer(Math.max(16, Math.ceil((this.words.length * 4) / 16) * 16));
    const view = new DataView(bytes);
    this.words.forEach((w, i) => {
      const kind = this.kinds[i];
      if (kind === 'f32') view.setFloat32(i * 4, w, true);
      else if (kind === 'i32') view.setInt32(i * 4, w, true);
      else view.setUint32(i * 4, w, true);
    });
    return bytes;
  }
}
