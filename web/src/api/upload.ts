/**
 * @module api/upload
 * A request sent with `XMLHttpRequest`, the one browser transport that
 * reports how much of a request body has gone out (`fetch` does not), for
 * upload progress bars.
 */

/** What came back: the status and the body as text. */
export interface RawAnswer {
  status: number;
  text: string;
}

/** Progress of a body being sent: bytes sent so far of the total. */
export type ProgressListener = (progress: { loaded: number; total: number }) => void;

/**
 * Send `body` with XHR. Resolves with any answer the server gave (4xx/5xx
 * included); rejects with a `TypeError` when none came (network failure) and
 * with an `AbortError` `DOMException` when `signal` aborts it.
 */
export function xhrSender(props: {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: XMLHttpRequestBodyInit;
  onProgress?: ProgressListener;
  signal?: AbortSignal;
}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const abortError = () => new DOMException("The upload was cancelled.", "AbortError");
    if (props.signal?.aborted) return reject(abortError());
    const xhr = new XMLHttpRequest();
    xhr.open(props.method, props.url);
    xhr.withCredentials = true;
    for (const [name, value] of Object.entries(props.headers)) xhr.setRequestHeader(name, value);
    if (props.onProgress) {
      const onProgress = props.onProgress;
      xhr.upload.addEventListener("progress", (event) => {
        if (event.lengthComputable) onProgress({ loaded: event.loaded, total: event.total });
      });
    }
    xhr.addEventListener("load", () => resolve({ status: xhr.status, text: xhr.responseText }));
    xhr.addEventListener("error", () => reject(new TypeError("network error")));
    xhr.addEventListener("abort", () => reject(abortError()));
    props.signal?.addEventListener("abort", () => xhr.abort(), { once: true });
    xhr.send(props.body);
  });
}
