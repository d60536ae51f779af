/**
 * @module common/csp-safe-zod
 * zod speeds up object parsing by compiling parsers with `new Function`, and
 * first probes whether it may (`new Function("")`): under the pages'
 * Content-Security-Policy (no `'unsafe-eval'`) the probe itself is a CSP
 * violation. Importing this module turns the compilation off for the zod
 * copy of the importing bundle; the web app and each plugin's web entry
 * import it first.
 */
import { config } from "zod/v4/core";

config({ jitless: true });
