// Saves text as a file through a temporary Blob URL and a download link.
export function downloadText(text: string, filename: string, type = 'application/json'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // the browser has started reading the blob by now; free it a little later
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
