/**
 * Files for the next message: the attach button, drag-and-drop and paste,
 * and the list of picked files above the composer with their size, upload
 * progress, failure and a remove button. The state and the uploads are in
 * store/files.ts, by draft (a channel or a thread), so any composer can use them.
 */
import { useMemo, useRef, useState, type ClipboardEvent, type DragEvent, type MouseEvent } from "react";
import {
  attachableFileIds,
  draftFiles,
  draftFilesClearer,
  filesUploader,
  pastedFiles,
  pendingFileRemover,
  uploadsRunning,
  type Draft,
  type PendingFile,
} from "../store/files.ts";
import { useServices } from "../store/services.ts";
import { useStore } from "../store/store.ts";
import { fileKind, fileUrls, formatFileSize, isInlineImage } from "./file-display.ts";
import { FileIcon, PaperclipIcon } from "./FileIcon.tsx";

/** A draft's files and what a composer does with them. */
export interface DraftFiles {
  draft: Draft;
  files: PendingFile[];
  /** The uploaded files' ids, for `file_ids` on Send. */
  fileIds: string[];
  /** True while a file is still uploading (Send waits). */
  uploading: boolean;
  add(files: readonly File[]): void;
  /** Empty the list after the message was sent. */
  clear(): void;
  /** The composer's `onPaste`: pasted images (a screenshot) are uploaded. */
  onPaste(event: ClipboardEvent): void;
}

/** A draft's files, for a composer. */
export function useDraftFiles({ channelId, rootId }: Draft): DraftFiles {
  const services = useServices();
  // One draft object per channel and thread, so what depends on it is stable between renders.
  const draft = useMemo<Draft>(() => (rootId ? { channelId, rootId } : { channelId }), [channelId, rootId]);
  const files = useStore(services.store, (s) => draftFiles(s, draft));
  return useMemo(() => {
    const add = (picked: readonly File[]) => void filesUploader(services, { draft, files: picked });
    return {
      draft,
      files,
      fileIds: attachableFileIds(files),
      uploading: uploadsRunning(files),
      add,
      clear: () => draftFilesClearer(services, draft),
      onPaste: (event: ClipboardEvent) => {
        const pasted = pastedFiles(event.clipboardData, new Date());
        if (pasted.length === 0) return;
        event.preventDefault();
        add(pasted);
      },
    };
  }, [services, draft, files]);
}

/** Whether a drag carries files (not text or a link being dragged within the page). */
function carriesFiles(event: DragEvent): boolean {
  return event.dataTransfer.types.includes("Files");
}

/**
 * Drag-and-drop of files onto an element (a composer, a whole channel):
 * its handlers, and whether files are being dragged over it (to show
 * {@link DropOverlay}). A drop is handled by the innermost target only, so
 * files dropped on a thread's composer go to the thread.
 */
export function useFileDrop(onFiles: ((files: File[]) => void) | null) {
  const [depth, setDepth] = useState(0);
  const handlers = useMemo(() => {
    if (!onFiles) return {};
    return {
      onDragEnter: (event: DragEvent) => {
        if (!carriesFiles(event)) return;
        event.preventDefault();
        setDepth((d) => d + 1);
      },
      onDragOver: (event: DragEvent) => {
        if (!carriesFiles(event)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = "copy";
      },
      // Entering a child fires its dragenter before the parent's dragleave: a count, not a flag.
      onDragLeave: (event: DragEvent) => carriesFiles(event) && setDepth((d) => Math.max(0, d - 1)),
      onDrop: (event: DragEvent) => {
        if (!carriesFiles(event)) return;
        event.preventDefault();
        event.stopPropagation();
        setDepth(0);
        const files = Array.from(event.dataTransfer.files);
        if (files.length > 0) onFiles(files);
      },
    };
  }, [onFiles]);
  return { dragging: onFiles !== null && depth > 0, handlers };
}

/** Drag-and-drop of files onto an element, adding them to `draft` (none while it is null: e.g. a channel the user is not in). */
export function useDraftDrop(draft: Draft | null) {
  const services = useServices();
  const channelId = draft?.channelId;
  const rootId = draft?.rootId;
  const onFiles = useMemo(
    () => (channelId ? (files: File[]) => void filesUploader(services, { draft: { channelId, rootId }, files }) : null),
    [services, channelId, rootId],
  );
  return useFileDrop(onFiles);
}

/** What shows over a drop target while files are dragged onto it. */
export function DropOverlay({ active, target }: { active: boolean; target: string }) {
  if (!active) return null;
  return (
    <div className="drop-overlay" aria-hidden="true">
      <p>Drop files to attach them to {target}</p>
    </div>
  );
}

/** The composer's attach button and its hidden file input. */
export function AttachButton({ files, disabled }: { files: DraftFiles; disabled?: boolean }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button
        type="button"
        className="icon-button attach-button"
        aria-label="Attach files"
        title="Attach files"
        disabled={disabled}
        onClick={() => input.current?.click()}
      >
        <PaperclipIcon />
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        aria-hidden="true"
        tabIndex={-1}
        onChange={(event) => {
          const picked = Array.from(event.target.files ?? []);
          event.target.value = ""; // the same file can be picked again after a removal
          if (picked.length > 0) files.add(picked);
        }}
      />
    </>
  );
}

/** One picked file: icon or thumbnail, name, size, progress or failure, and its remove button. */
function PendingFileItem({ file, draft }: { file: PendingFile; draft: Draft }) {
  const services = useServices();
  const extension = /\.(\w+)$/.exec(file.name)?.[1] ?? "";
  const kind = fileKind({ mime_type: file.info?.mime_type ?? file.type, extension });
  const thumbnail = file.info && isInlineImage(file.info) ? fileUrls(file.info.id).preview : null;
  const remove = (event: MouseEvent<HTMLButtonElement>) => {
    // The button goes away with the file: focus returns to the message box.
    event.currentTarget.closest("form")?.querySelector("textarea")?.focus();
    pendingFileRemover(services, { draft, id: file.id });
  };
  const percent = file.size > 0 ? Math.round((100 * file.sent) / file.size) : 100;
  return (
    <li className={`pending-file ${file.status}`} data-status={file.status}>
      {thumbnail ? <img className="pending-file-thumbnail" src={thumbnail} alt="" /> : <FileIcon kind={kind} extension={extension} />}
      <span className="pending-file-text">
        <span className="pending-file-name" title={file.name}>
          {file.name}
        </span>
        <span className="pending-file-size muted">
          {formatFileSize(file.size)}
          {file.status === "uploading" && ` · ${percent}%`}
        </span>
        {file.status === "uploading" && <progress value={file.sent} max={Math.max(1, file.size)} aria-label={`Uploading ${file.name}`} />}
        {file.status === "failed" && (
          <span className="pending-file-error" role="alert">
            {file.error}
          </span>
        )}
      </span>
      <button type="button" className="icon-button" aria-label={`Remove ${file.name}`} title="Remove" onClick={remove}>
        <span aria-hidden="true">×</span>
      </button>
    </li>
  );
}

/** The files picked for the next message, above the composer (nothing when there are none). */
export function ComposerFiles({ files }: { files: DraftFiles }) {
  if (files.files.length === 0) return null;
  return (
    <ul className="pending-files" aria-label="Files to send">
      {files.files.map((file) => (
        <PendingFileItem key={file.id} file={file} draft={files.draft} />
      ))}
    </ul>
  );
}
