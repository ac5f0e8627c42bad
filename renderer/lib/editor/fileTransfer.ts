/**
 * Files out of the renderer without a network request: a download is a Blob
 * URL clicked with `download` (an upload is the picked File's text()).
 */
export function downloadFile(fileName: string, content: string | ArrayBuffer, mime: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file name from an architecture's name: letters, digits, '-' and '_'. */
export function fileStem(name: string): string {
  return name.trim().replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'architecture';
}
