/** Save files from the page under their own names (model.json names its weight file, so no renaming). */
export function downloadFiles(files: readonly { name: string; data: Uint8Array | ArrayBuffer }[]): void {
  for (const f of files) {
    const url = URL.createObjectURL(new Blob([f.data as BlobPart]));
    const a = document.createElement('a');
    a.href = url;
    a.download = f.name;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }
}
