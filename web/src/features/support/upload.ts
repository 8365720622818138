import { useCallback, useRef, useState } from "react";

import { useApi } from "../../lib/api";
import { requestUpload, type UploadForm } from "./api";
import { uploadRefusal } from "./files";

/**
 * Send a file with an S3 pre-signed POST: every field of the form as it is, the file last (`file`), as
 * multipart/form-data. XMLHttpRequest rather than fetch, for its upload progress. S3 answers 204.
 */
export function postToS3(form: UploadForm, file: Blob, onProgress: (sent: number, total: number) => void) {
  return new Promise<void>((resolve, reject) => {
    const body = new FormData();
    for (const [name, value] of Object.entries(form.fields)) body.append(name, value);
    body.append("file", file);
    const request = new XMLHttpRequest();
    request.open("POST", form.url);
    request.upload.onprogress = (event) => {
      onProgress(event.loaded, event.lengthComputable ? event.total : file.size);
    };
    request.onload = () => {
      if (request.status >= 200 && request.status < 300) resolve();
      else reject(new Error(uploadRefusal(request.status, request.responseText)));
    };
    request.onerror = () => {
      reject(new Error("The file could not be sent: check your connection and try again."));
    };
    request.send(body);
  });
}

export type UploadState = "waiting" | "uploading" | "done" | "failed";

/** One file on its way to a ticket. */
export interface Upload {
  key: string;
  file: File;
  contentType: string;
  state: UploadState;
  sent: number;
  problem?: string;
}

/** What the uploads came to: none yet, some still running, all done, or some failed. */
export function uploadsOutcome(uploads: readonly Upload[]): "none" | "running" | "done" | "failed" {
  if (uploads.length === 0) return "none";
  if (uploads.some((upload) => upload.state === "waiting" || upload.state === "uploading")) return "running";
  return uploads.every((upload) => upload.state === "done") ? "done" : "failed";
}

/**
 * A ticket's uploads, one file after the other: the hub records each (`POST …/attachments`) and answers its form,
 * then the browser sends the bytes to S3, the progress of each file kept to show. A failed one may be tried again.
 */
export function useUploads() {
  const api = useApi();
  const [uploads, setUploads] = useState<Upload[]>([]);
  const counter = useRef(0);

  const change = useCallback((key: string, changed: Partial<Upload>) => {
    setUploads((before) => before.map((upload) => (upload.key === key ? { ...upload, ...changed } : upload)));
  }, []);

  const send = useCallback(
    async (ticketId: string, upload: Upload) => {
      change(upload.key, { state: "uploading", sent: 0, problem: "" });
      try {
        const answer = await requestUpload(api, {
          ticketId,
          filename: upload.file.name,
          contentType: upload.contentType,
          size: upload.file.size,
        });
        await postToS3(answer.upload, upload.file, (sent) => {
          change(upload.key, { sent });
        });
        change(upload.key, { state: "done", sent: upload.file.size });
        return true;
      } catch (error) {
        const problem = error instanceof Error ? error.message : "The file could not be uploaded.";
        change(upload.key, { state: "failed", problem });
        return false;
      }
    },
    [api, change],
  );

  /** Upload these files to the ticket, in turn; answers whether every one arrived. */
  const start = useCallback(
    async (ticketId: string, files: readonly { file: File; contentType: string }[]) => {
      const queued: Upload[] = files.map(({ file, contentType }) => {
        counter.current += 1;
        return { key: `upload-${String(counter.current)}`, file, contentType, state: "waiting", sent: 0 };
      });
      setUploads((before) => [...before, ...queued]);
      let all = true;
      for (const upload of queued) all = (await send(ticketId, upload)) && all;
      return all;
    },
    [send],
  );

  const retry = useCallback(
    (ticketId: string, upload: Upload) => {
      void send(ticketId, upload);
    },
    [send],
  );

  const clear = useCallback(() => {
    setUploads([]);
  }, []);

  return { uploads, start, retry, clear };
}
