import { useId, useState } from "react";
import { Button, FileTrigger } from "react-aria-components";

import type { Attachment } from "./api";
import { ACCEPT, ACCEPTED_WORDS, formatBytes, MAX_ATTACHMENT_BYTES, sortChosen } from "./files";
import { uploadsOutcome, type Upload } from "./upload";
import { authorName, when, type Viewer } from "./wording";

/** A file chosen to attach, with the type it is sent as. */
export interface Chosen {
  file: File;
  contentType: string;
}

/**
 * "Attach files": the files chosen so far, each removable; a file the hub would refuse (its kind, its size) is not
 * taken, and the alert below says why.
 */
export function FilePicker({
  chosen,
  onChange,
  isDisabled = false,
}: {
  chosen: readonly Chosen[];
  onChange: (chosen: Chosen[]) => void;
  isDisabled?: boolean;
}) {
  const [refused, setRefused] = useState<string[]>([]);
  const hintId = useId();
  const listId = useId();
  return (
    <div className="file-picker">
      <div className="file-picker-trigger">
        <FileTrigger
          allowsMultiple
          acceptedFileTypes={ACCEPT}
          onSelect={(files) => {
            const sorted = sortChosen(files ? Array.from(files) : []);
            setRefused(sorted.refused);
            onChange([...chosen, ...sorted.accepted]);
          }}
        >
          <Button className="button" isDisabled={isDisabled} aria-describedby={hintId}>
            Attach files
          </Button>
        </FileTrigger>
        <p id={hintId} className="small muted field-hint">
          Up to {formatBytes(MAX_ATTACHMENT_BYTES)} each: {ACCEPTED_WORDS}.
        </p>
      </div>
      <div role="alert" className={refused.length > 0 ? "alert" : undefined}>
        {refused.map((problem) => (
          <p key={problem}>{problem}</p>
        ))}
      </div>
      {chosen.length > 0 ? (
        <>
          <p id={listId} className="files-heading">
            Files to attach
          </p>
          <ul className="file-list" aria-labelledby={listId}>
            {chosen.map(({ file }, index) => (
              <li key={`${file.name}-${String(index)}`}>
                <span>
                  {file.name} <span className="muted">({formatBytes(file.size)})</span>
                </span>
                <Button
                  className="link-button"
                  isDisabled={isDisabled}
                  onPress={() => {
                    onChange(chosen.filter((_, other) => other !== index));
                  }}
                >
                  Remove<span className="visually-hidden"> {file.name}</span>
                </Button>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}

const STATE_WORDS: Record<Upload["state"], string> = {
  waiting: "Waiting",
  uploading: "Uploading",
  done: "Uploaded",
  failed: "Not uploaded",
};

/** Each file on its way: a progress bar, its state in words, and for a failed one why, with "Try again". */
export function UploadList({ uploads, onRetry }: { uploads: readonly Upload[]; onRetry: (upload: Upload) => void }) {
  const headingId = useId();
  if (uploads.length === 0) return null;
  const done = uploads.filter((upload) => upload.state === "done").length;
  const outcome = uploadsOutcome(uploads);
  return (
    <section aria-labelledby={headingId} className="uploads">
      <h3 id={headingId}>Uploads</h3>
      <p role="status" className="muted">
        {outcome === "running"
          ? `Uploading: ${String(done)} of ${String(uploads.length)} files sent.`
          : outcome === "done"
            ? `${uploads.length === 1 ? "The file was" : `All ${String(uploads.length)} files were`} uploaded.`
            : `${String(uploads.length - done)} of ${String(uploads.length)} files could not be uploaded.`}
      </p>
      <ul className="upload-list">
        {uploads.map((upload) => {
          const percent = upload.file.size > 0 ? Math.round((100 * upload.sent) / upload.file.size) : 0;
          return (
            <li key={upload.key} className={`upload upload-${upload.state}`}>
              <span className="upload-name">
                {upload.file.name} <span className="muted">({formatBytes(upload.file.size)})</span>
              </span>
              <progress
                className="progress"
                max={upload.file.size}
                value={upload.sent}
                aria-label={`Upload of ${upload.file.name}`}
              />
              <span className="upload-state">
                {STATE_WORDS[upload.state]}
                {upload.state === "uploading" ? ` ${String(percent)} %` : ""}
              </span>
              {upload.state === "failed" ? (
                <>
                  <span className="field-error block">{upload.problem}</span>
                  <Button
                    className="button"
                    onPress={() => {
                      onRetry(upload);
                    }}
                  >
                    Try again<span className="visually-hidden"> to upload {upload.file.name}</span>
                  </Button>
                </>
              ) : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** A ticket's files, each with its download link (a short-lived address) once it has reached the hub. */
export function AttachmentsList({
  attachments,
  viewer,
  myEmail,
}: {
  attachments: readonly Attachment[];
  viewer: Viewer;
  myEmail: string | null | undefined;
}) {
  if (attachments.length === 0) return <p className="muted">No files yet.</p>;
  return (
    <ul className="attachment-list" aria-label="Files of this ticket">
      {attachments.map((attachment) => (
        <li key={attachment.attachment_id}>
          {attachment.uploaded && attachment.download_url ? (
            <a href={attachment.download_url} download={attachment.filename} className="link">
              {attachment.filename}
              <span className="visually-hidden"> (download)</span>
            </a>
          ) : (
            <span>
              {attachment.filename} <span className="muted">(not uploaded yet)</span>
            </span>
          )}{" "}
          <span className="muted small">
            {formatBytes(attachment.size)} · {authorName(attachment.author, viewer, myEmail)} · {when(attachment.at)}
          </span>
        </li>
      ))}
    </ul>
  );
}
