import { ArgumentError } from '@tensile/core';

export interface BrowserDownloadOptions {
  /** The document to create the link in (default `globalThis.document`). */
  document?: DocumentLike;
  /** MIME type of the download (default 'application/octet-stream'). */
  type?: string;
}

/**
 * A DOM `Document`, typed by the members browserDownload uses so that io's
 * types need no DOM lib in Node projects.
 */
export interface DocumentLike {
  createElement(tagName: 'a'): object;
  readonly body: object;
}

/** Compile-time check: the real Document fits the option. */
type Fits<T extends DocumentLike> = T;
// biome-ignore lint/correctness/noUnusedVariables: a compile-time check; it only has to typecheck
type FitsOption = Fits<Document>;

/**
 * Offers bytes to the user as a file download (a model or checkpoint saved
 * from a browser tab), through a temporary object URL and `<a download>`.
 *
 * @example
 * browserDownload(await saveSafetensors(model.stateDict()), 'model.safetensors');
 */
export function browserDownload(bytes: Uint8Array, fileName: string, options: BrowserDownloadOptions = {}): void {
  const doc = (options.document as Document | undefined) ?? globalThis.document;
  if (doc === undefined) {
    throw new ArgumentError(`browserDownload: no document to download ${JSON.stringify(fileName)} from (not in a browser?)`);
  }
  const blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: options.type ?? 'application/octet-stream' });
  const url = URL.createObjectURL(blob);
  const link = doc.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  doc.body.appendChild(link);
  try {
    link.click();
  } finally {
    link.remove();
    // Revoke after the click has been handled; revoking at once cancels the download in some browsers.
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }
}

/**
 * Reads a file the user picked (`<input type="file">` or drag and drop) into bytes.
 *
 * @example
 * input.onchange = async () => loadModel(await readUploadedFile(input.files![0]));
 */
export async function readUploadedFile(file: Blob): Promise<Uint8Array> {
  if (file === null || typeof file !== 'object' || typeof file.arrayBuffer !== 'function') {
    throw new ArgumentError('readUploadedFile: expected a File or Blob');
  }
  return new Uint8Array(await file.arrayBuffer());
}
