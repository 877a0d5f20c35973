// Random-access reading of a file the user picked (a File is a Blob) or of bytes in memory. Zip archives
// are read from their end (the central directory), so the reader needs ranges, not one forward stream;
// nothing larger than one requested range is ever held.
import { InteropError, isAbort } from './errors';

export interface RandomAccessSource {
  readonly size: number;
  /** Bytes [start, end); the caller keeps 0 ≤ start ≤ end ≤ size. */
  read(start: number, end: number): Promise<Uint8Array>;
}

export function bytesSource(bytes: Uint8Array): RandomAccessSource {
  return {
    size: bytes.length,
    read: async (start, end) => bytes.subarray(start, end),
  };
}

export function blobSource(blob: Blob): RandomAccessSource {
  return {
    size: blob.size,
    read: async (start, end) => {
      try {
        return new Uint8Array(await blob.slice(start, end).arrayBuffer());
      } catch (cause) {
        if (isAbort(cause)) throw cause;
        // a File whose underlying file changed or vanished after it was picked
        throw new InteropError('truncated', 'The file could not be read (it may have been moved, changed or deleted since it was chosen).', 'Choose the file again.', { cause });
      }
    },
  };
}

/** Reads a range and checks that the source really had that many bytes. */
export async function readExactly(source: RandomAccessSource, start: number, end: number, what: string): Promise<Uint8Array> {
  if (start < 0 || end > source.size || start > end) {
    throw new InteropError('truncated', `The file ends too early: ${what} lies beyond its ${source.size} bytes.`, 'The file is incomplete; download or copy it again.');
  }
  const bytes = await source.read(start, end);
  if (bytes.length !== end - start) {
    throw new InteropError('truncated', `The file ends too early while reading ${what}.`, 'The file is incomplete; download or copy it again.');
  }
  return bytes;
}
