import { describe, expect, it } from "vitest";
import { fileKind, fileUrls, formatFileSize, isInlineImage, previewSize } from "./file-display.ts";

describe("formatFileSize", () => {
  it("shows bytes, then KB, MB and GB in powers of 1024", () => {
    expect(formatFileSize(0)).toBe("0 B");
    expect(formatFileSize(1023)).toBe("1023 B");
    expect(formatFileSize(1536)).toBe("1.5 KB");
    expect(formatFileSize(20 * 1024)).toBe("20 KB");
    expect(formatFileSize(5.25 * 1024 * 1024)).toBe("5.3 MB");
    expect(formatFileSize(3 * 1024 ** 3)).toBe("3 GB");
    expect(formatFileSize(-1)).toBe("");
  });
});

describe("fileKind", () => {
  it("reads the sniffed type first and the extension of text after", () => {
    expect(fileKind({ mime_type: "image/png", extension: "png" })).toBe("image");
    expect(fileKind({ mime_type: "application/pdf", extension: "pdf" })).toBe("pdf");
    expect(fileKind({ mime_type: "application/gzip", extension: "gz" })).toBe("archive");
    expect(fileKind({ mime_type: "text/plain", extension: "yaml" })).toBe("code");
    expect(fileKind({ mime_type: "text/plain", extension: "log" })).toBe("text");
    // An HTML page is stored as text/plain: a code card, never a page.
    expect(fileKind({ mime_type: "text/plain", extension: "html" })).toBe("code");
    expect(fileKind({ mime_type: "application/octet-stream", extension: "" })).toBe("other");
  });
});

describe("isInlineImage", () => {
  it("shows raster images inline, never SVG or anything else", () => {
    expect(isInlineImage({ mime_type: "image/png" })).toBe(true);
    expect(isInlineImage({ mime_type: "image/JPEG" })).toBe(true);
    expect(isInlineImage({ mime_type: "image/svg+xml" })).toBe(false);
    expect(isInlineImage({ mime_type: "text/plain" })).toBe(false);
  });
});

describe("previewSize", () => {
  it("scales down to fit, keeping the proportions, and never up", () => {
    expect(previewSize({ width: 1600, height: 900 }, { width: 400, height: 300 })).toEqual({ width: 400, height: 225 });
    expect(previewSize({ width: 300, height: 1200 }, { width: 400, height: 300 })).toEqual({ width: 75, height: 300 });
    expect(previewSize({ width: 20, height: 10 }, { width: 400, height: 300 })).toEqual({ width: 20, height: 10 });
    expect(previewSize({ width: 0, height: 0 }, { width: 400, height: 300 })).toBeUndefined();
    expect(previewSize({}, { width: 400, height: 300 })).toBeUndefined();
  });
});

describe("fileUrls", () => {
  it("names the file's bytes and preview routes", () => {
    expect(fileUrls("abc")).toEqual({ file: "/api/v4/files/abc", preview: "/api/v4/files/abc/preview" });
  });
});
