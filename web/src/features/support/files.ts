/**
 * A ticket's files before they leave the browser: the kinds and size the hub takes (its `ATTACHMENT_TYPES` and
 * `ATTACHMENT_MAX_BYTES`, which the API and S3's upload policy hold too), so a file the hub would refuse is refused in
 * the form, before anything is asked or sent.
 */

export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/** Each accepted content type and the file name endings that mean it. */
const ACCEPTED: Readonly<Record<string, readonly string[]>> = {
  "image/png": [".png"],
  "image/jpeg": [".jpg", ".jpeg"],
  "image/gif": [".gif"],
  "image/webp": [".webp"],
  "application/pdf": [".pdf"],
  "text/plain": [".txt", ".log"],
  "text/csv": [".csv"],
  "application/zip": [".zip"],
  "application/json": [".json"],
  [XLSX]: [".xlsx"],
  [DOCX]: [".docx"],
};

/** What the file picker offers (its `accept`): the types and their endings. */
export const ACCEPT = Object.entries(ACCEPTED).flatMap(([type, endings]) => [type, ...endings]);

/** The kinds of files accepted, in words, for the picker's hint and a refusal. */
export const ACCEPTED_WORDS =
  "images (PNG, JPEG, GIF, WebP), PDF, text, CSV, JSON, ZIP, Excel (.xlsx) and Word (.docx) files";

/**
 * The content type a file is sent as: the browser's when the hub takes it, else the one its name's ending means (a
 * browser may not know a type, or name a CSV file `application/vnd.ms-excel`); undefined when the hub takes neither.
 */
export function contentTypeOf(file: { name: string; type: string }): string | undefined {
  if (file.type in ACCEPTED) return file.type;
  const name = file.name.toLowerCase();
  return Object.entries(ACCEPTED).find(([, endings]) => endings.some((ending) => name.endsWith(ending)))?.[0];
}

/** One decimal, none when it is 0: 47.1, 10. */
function decimal(value: number): string {
  return value.toFixed(1).replace(/\.0$/, "");
}

/** A size in words: "512 bytes", "48.2 KB", "10.5 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return bytes === 1 ? "1 byte" : `${String(bytes)} bytes`;
  if (bytes < 1024 * 1024) return `${decimal(bytes / 1024)} KB`;
  return `${decimal(bytes / (1024 * 1024))} MB`;
}

/** Why the hub would refuse a file (its kind, its size, an empty file), or undefined: it may be attached. */
export function fileProblem(file: { name: string; type: string; size: number }): string | undefined {
  if (contentTypeOf(file) === undefined) {
    return `“${file.name}” was not attached: this kind of file is not accepted. Attach ${ACCEPTED_WORDS}.`;
  }
  if (file.size > MAX_ATTACHMENT_BYTES) {
    const size = formatBytes(file.size);
    const most = formatBytes(MAX_ATTACHMENT_BYTES);
    return `“${file.name}” was not attached: ${size === most ? "it" : `at ${size} it`} is larger than the ${most} a file may be.`;
  }
  if (file.size === 0) return `“${file.name}” was not attached: it is empty.`;
  return undefined;
}

/** Files chosen, split into those that may be attached and why each other one may not. */
export function sortChosen<F extends { name: string; type: string; size: number }>(
  files: readonly F[],
): { accepted: { file: F; contentType: string }[]; refused: string[] } {
  const accepted: { file: F; contentType: string }[] = [];
  const refused: string[] = [];
  for (const file of files) {
    const problem = fileProblem(file);
    const contentType = contentTypeOf(file);
    if (problem === undefined && contentType !== undefined) accepted.push({ file, contentType });
    else if (problem !== undefined) refused.push(problem);
  }
  return { accepted, refused };
}

/**
 * S3's refusal of an upload in words, from its XML error (`<Code>`, `<Message>`): "The upload was refused: Your
 * proposed upload exceeds the maximum allowed size (EntityTooLarge)".
 */
export function uploadRefusal(status: number, body: string): string {
  const code = /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(body)?.[1]?.trim().replace(/\.$/, "");
  if (message) return `The upload was refused: ${message}${code ? ` (${code})` : ""}.`;
  return `The upload was refused (HTTP ${String(status)}).`;
}
