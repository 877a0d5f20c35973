// Token ids are stored in the narrowest array that holds them: 2 bytes when every id is ≤ 65535, else 4.
export type TokenDtype = 'uint16' | 'uint32';
export type TokenArray = Uint16Array | Uint32Array;

export const UINT16_MAX_ID = 0xffff;

/** uint16 when the largest id that can be stored (vocabulary, or a special id outside it) fits. */
export function dtypeForVocab(vocabSize: number, ...extraIds: (number | null)[]): TokenDtype {
  let maxId = vocabSize - 1;
  for (const id of extraIds) if (id !== null && id > maxId) maxId = id;
  return maxId <= UINT16_MAX_ID ? 'uint16' : 'uint32';
}

export function allocTokens(dtype: TokenDtype, length: number): TokenArray {
  return dtype === 'uint16' ? new Uint16Array(length) : new Uint32Array(length);
}

export function bytesPerToken(dtype: TokenDtype): 2 | 4 {
  return dtype === 'uint16' ? 2 : 4;
}
