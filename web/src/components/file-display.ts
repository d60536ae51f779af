/**
 * @module components/file-display
 * How a file is shown: its size in words, its kind (for the icon and the
 * label of a file card), whether it shows inline as an image, and the size
 * its preview takes in a post.
 */
import type { FileInfo } from "#common/wire.ts";

/** The types the server serves inline (raster images); everything else is a card with a download link. */
const INLINE_IMAGE_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);

/**
 * A byte count as people read it, in powers of 1024 as Mattermost shows them.
 * @example formatFileSize(1536) // "1.5 KB"
 */
export function formatFileSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "";
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const rounded = value >= 10 ? Math.round(value) : Math.round(value * 10) / 10;
  return `${rounded} ${units[unit]}`;
}

/** What kind of file a card shows. */
export type FileKind = "image" | "pdf" | "text" | "code" | "archive" | "audio" | "video" | "document" | "other";

const CODE_EXTENSIONS = new Set([
  "js",
  "ts",
  "tsx",
  "jsx",
  "json",
  "yaml",
  "yml",
  "py",
  "go",
  "rs",
  "java",
  "sh",
  "sql",
  "html",
  "css",
  "xml",
  "toml",
]);
const ARCHIVE_EXTENSIONS = new Set(["zip", "gz", "tgz", "tar", "bz2", "xz", "7z", "rar", "zst"]);
const DOCUMENT_EXTENSIONS = new Set(["doc", "docx", "odt", "xls", "xlsx", "ods", "csv", "ppt", "pptx", "odp", "rtf"]);

/**
 * A file's kind, from its sniffed type first and its extension after (a text
 * file's type is `text/plain` whatever it holds, so its extension tells code from prose).
 */
export function fileKind(file: Pick<FileInfo, "mime_type" | "extension">): FileKind {
  const type = file.mime_type.toLowerCase();
  const extension = file.extension.toLowerCase();
  if (type.startsWith("image/")) return "image";
  if (type === "application/pdf") return "pdf";
  if (type.startsWith("audio/")) return "audio";
  if (type.startsWith("video/")) return "video";
  if (ARCHIVE_EXTENSIONS.has(extension) || /zip|gzip|x-tar|x-7z|x-rar|x-bzip2|x-xz|zstd/.test(type)) return "archive";
  if (DOCUMENT_EXTENSIONS.has(extension)) return "document";
  if (CODE_EXTENSIONS.has(extension)) return "code";
  if (type.startsWith("text/")) return "text";
  return "other";
}

/** The colour of each kind's icon (decorative: it sits beside the name and label) and the words for it. */
export const FILE_KIND_LOOK: Record<FileKind, { color: string; label: string }> = {
  image: { color: "#7b3fc4", label: "Image" },
  pdf: { color: "#c62828", label: "PDF" },
  text: { color: "#5b6070", label: "Text" },
  code: { color: "#1c58d9", label: "Code" },
  archive: { color: "#8d6e1a", label: "Archive" },
  audio: { color: "#00838f", label: "Audio" },
  video: { color: "#ad1457", label: "Video" },
  document: { color: "#2e7d32", label: "Document" },
  other: { color: "#5b6070", label: "File" },
};

/** Whether a file shows inline as an image: a raster type the server serves inline (never SVG). */
export function isInlineImage(file: Pick<FileInfo, "mime_type">): boolean {
  return INLINE_IMAGE_TYPES.has(file.mime_type.toLowerCase());
}

/**
 * The size of an image's preview in a post: its own, scaled down (never up)
 * to fit `max`, so the space is reserved before the image arrives and the
 * channel does not jump. `undefined` when the image's size is not known.
 * @example previewSize({ width: 1600, height: 900 }, { width: 400, height: 300 }) // { width: 400, height: 225 }
 */
export function previewSize(
  file: Pick<FileInfo, "width" | "height">,
  max: { width: number; height: number },
): { width: number; height: number } | undefined {
  const { width, height } = file;
  if (!width || !height || width <= 0 || height <= 0) return undefined;
  const scale = Math.min(1, max.width / width, max.height / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** The addresses of a file's bytes and of its preview. */
export function fileUrls(fileId: string): { file: string; preview: string } {
  const id = encodeURIComponent(fileId);
  return { file: `/api/v4/files/${id}`, preview: `/api/v4/files/${id}/preview` };
}
