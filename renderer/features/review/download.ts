/**
 * Hands text to the user as a file: a Blob and an `<a download>`, which the web host's
 * browser saves and the desktop app turns into a download (it asks where to save it).
 */
export function downloadText(fileName: string, text: string, mimeType: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: mimeType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked later: the download may still be reading the Blob when click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
