/** Save `file` as a download named `filename`, as a link with `download` does (the file stays in the browser). */
export function saveFile(file: Blob, filename: string): void {
  const url = URL.createObjectURL(file);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.style.display = "none";
  document.body.append(link);
  link.click();
  link.remove();
  // the browser has the file once the click is handled; the URL can go a moment later
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 10_000);
}
