// Hands bytes to the browser as a file download.

export function saveFile(data: Blob | Uint8Array, fileName: string, type = 'application/octet-stream'): void {
  const blob = data instanceof Blob ? data : new Blob([new Uint8Array(data)], { type });
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
