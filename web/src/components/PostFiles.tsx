/**
 * A post's files: images inline with a preview (a click opens the image
 * large, with a download link; Esc closes it), other files as a card with
 * icon, name, kind and size and a download link. A post that came without
 * its files' metadata (`metadata.files`) has them read from the server.
 */
import { useEffect, useState } from "react";
import type { FileInfo, Post } from "#common/wire.ts";
import { postFilesLoader } from "../store/files.ts";
import { useServices } from "../store/services.ts";
import { FILE_KIND_LOOK, fileKind, fileUrls, formatFileSize, isInlineImage, previewSize } from "./file-display.ts";
import { FileIcon } from "./FileIcon.tsx";
import { Modal } from "./Modal.tsx";

/** The largest a preview is shown in a post. */
const PREVIEW_MAX = { width: 360, height: 240 };

/** The post's files: from the post when it has them, else from the server. */
function usePostFiles(post: Post): FileInfo[] {
  const services = useServices();
  const embedded = post.metadata?.files;
  const wanted = post.file_ids?.join(",") ?? "";
  const [loaded, setLoaded] = useState<FileInfo[]>([]);
  useEffect(() => {
    if (embedded || !wanted || post.id.startsWith("local-")) return;
    let cancelled = false;
    postFilesLoader(services, post.id).then(
      (files) => !cancelled && setLoaded(files),
      (error: unknown) => console.warn(`Sitrep: the files of post ${post.id} could not be read`, error),
    );
    return () => {
      cancelled = true;
    };
  }, [embedded, wanted, post.id, services]);
  const files = embedded ?? loaded;
  // In the order the post lists them.
  const order = post.file_ids ?? [];
  return [...files].sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
}

/** An image, enlarged in a modal window with a download link. */
function ImageViewer({ file, onClose }: { file: FileInfo; onClose(): void }) {
  const urls = fileUrls(file.id);
  return (
    <Modal title={file.name} onClose={onClose} className="wide image-viewer">
      <img className="image-viewer-image" src={urls.file} alt={file.name} />
      <p className="image-viewer-actions">
        <span className="muted">
          {file.width && file.height ? `${file.width} × ${file.height} · ` : ""}
          {formatFileSize(file.size)}
        </span>
        <a className="button" href={urls.file} download={file.name}>
          Download
        </a>
      </p>
    </Modal>
  );
}

/** An image inline: its preview, a button that opens it large. */
function ImageFile({ file }: { file: FileInfo }) {
  const [open, setOpen] = useState(false);
  const size = previewSize(file, PREVIEW_MAX);
  return (
    <>
      <button type="button" className="file-image" aria-label={`Open image ${file.name}`} onClick={() => setOpen(true)}>
        <img src={fileUrls(file.id).preview} alt={file.name} width={size?.width} height={size?.height} loading="lazy" />
      </button>
      {open && <ImageViewer file={file} onClose={() => setOpen(false)} />}
    </>
  );
}

/** Any other file: a card with its icon, name (the download link), kind and size. */
function FileCard({ file }: { file: FileInfo }) {
  const kind = fileKind(file);
  const look = FILE_KIND_LOOK[kind];
  return (
    <div className="file-card">
      <FileIcon kind={kind} extension={file.extension} />
      <span className="file-card-text">
        <a className="file-card-name" href={fileUrls(file.id).file} download={file.name} title={`Download ${file.name}`}>
          {file.name}
        </a>
        <span className="muted">
          {look.label}
          {file.extension ? ` (${file.extension.toUpperCase()})` : ""} · {formatFileSize(file.size)}
        </span>
      </span>
    </div>
  );
}

export function PostFiles({ post }: { post: Post }) {
  const files = usePostFiles(post);
  if (!post.file_ids?.length || files.length === 0) return null;
  return (
    <div className="post-files" role="group" aria-label={files.length === 1 ? "1 file" : `${files.length} files`}>
      {files.map((file) => (isInlineImage(file) ? <ImageFile key={file.id} file={file} /> : <FileCard key={file.id} file={file} />))}
    </div>
  );
}
