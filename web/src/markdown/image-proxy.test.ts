import { describe, expect, it } from "vitest";
import { proxiedImageSrc } from "./image-proxy.ts";

const origin = "https://chat.example.org";

describe("proxiedImageSrc", () => {
  it("sends remote http(s) images through the image proxy", () => {
    expect(proxiedImageSrc("https://example.com/a.png?x=1&y=2", origin)).toBe(
      "/api/v4/image?url=https%3A%2F%2Fexample.com%2Fa.png%3Fx%3D1%26y%3D2",
    );
    expect(proxiedImageSrc(" http://10.0.0.1/b.gif", origin)).toBe("/api/v4/image?url=http%3A%2F%2F10.0.0.1%2Fb.gif");
    expect(proxiedImageSrc("//example.com/c.png", origin)).toBe("/api/v4/image?url=https%3A%2F%2Fexample.com%2Fc.png");
    expect(proxiedImageSrc("https://chat.example.org:8443/d.png", origin)).toBe(
      "/api/v4/image?url=https%3A%2F%2Fchat.example.org%3A8443%2Fd.png",
    );
  });

  it("leaves the app's own images as they are", () => {
    expect(proxiedImageSrc("/api/v4/files/abc/preview", origin)).toBe("/api/v4/files/abc/preview");
    expect(proxiedImageSrc("https://chat.example.org/api/v4/files/abc?download=0", origin)).toBe("/api/v4/files/abc?download=0");
  });

  it("drops what is not http(s)", () => {
    expect(proxiedImageSrc("javascript:alert(1)", origin)).toBeUndefined();
    expect(proxiedImageSrc("data:image/svg+xml,<svg/>", origin)).toBeUndefined();
    expect(proxiedImageSrc("http://[bad", origin)).toBeUndefined();
  });
});
