// Handing a streamed export to the browser as a file: the chunks become a Blob (which the browser may keep
// on disk), then an <a download> click on its object URL.
import { toReadableStream } from '../../interop';
import type { ExportFile } from './sae-export';

export async function exportToBlob(file: ExportFile, type = 'application/zip'): Promise<Blob> {
  const blob = await new Response(toReadableStream(file.chunks)).blob();
  return blob.type === type ? blob : new Blob([blob], { type });
}

export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // the download has started by now; give slow browsers a moment before the URL goes
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

export async function downloadExport(file: ExportFile, type = 'application/zip'): Promise<void> {
  saveBlob(await exportToBlob(file, type), file.fileName);
}
