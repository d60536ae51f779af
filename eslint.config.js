// @ts-check
/**
 * The lint half of the gate `npm test` runs first (with `tsc --noEmit` and
 * Prettier): typed rules from typescript-eslint, and the import boundaries of
 * DESIGN section 1 checked on resolved files by eslint-plugin-import-x —
 * plugins never import the host (`server/**`) nor each other; test files reach
 * the host's test kit only through the `#testing` alias, which resolves to
 * server/testing/ and is allowed. Those zones match resolved files, so they
 * cannot tell `#testing` from a relative `../../server/testing/harness.ts`:
 * `no-restricted-imports`, which matches the written string, forbids the
 * relative form outside `server/`, and `#testing` in product files.
 */
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import { importX } from "eslint-plugin-import-x";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";
import fs from "node:fs";
import globals from "globals";

const pluginIds = fs.readdirSync("plugins").filter((id) => fs.existsSync(`plugins/${id}/plugin.json`));

/** One plugin may not import another plugin's files. */
const betweenPlugins = pluginIds.map((id) => ({
  target: `./plugins/${id}`,
  from: "./plugins",
  except: [`./${id}`],
  message: "a plugin never imports another plugin (DESIGN section 1): share through #plugin-api or #common/*",
}));

/**
 * Test files and their helpers (shared cases, test servers, fixtures), and the benchmarks (which measure
 * what the tests prove, with the same servers and fault machinery): the only files that may import the `#testing` kit.
 */
const testFiles = [
  "**/*.test.ts",
  "**/*.test.tsx",
  "**/test-server.ts",
  "**/*-cases.ts",
  "**/testdata/**",
  "server/testing/**",
  "e2e/**",
  "bench/**",
];

/** A relative import of the test kit, e.g. `../../server/testing/harness.ts`. */
const relativeTestKit = {
  group: ["**/server/testing", "**/server/testing/**"],
  message: "reach the test kit through the #testing alias, not a relative path",
};

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", ".tmp/**", "data/**", "e2e/screenshots/**", "**/testdata/**/dist/**", "coverage/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts", "**/*.tsx"],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "import-x": importX },
    settings: {
      "import-x/resolver-next": [createTypeScriptImportResolver({ project: "./tsconfig.json" })],
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "@typescript-eslint/no-non-null-assertion": "warn",
      "import-x/no-restricted-paths": [
        "error",
        {
          zones: [
            {
              target: "./plugins",
              from: "./server",
              except: ["./testing"],
              message: "plugins import only #plugin-api and #common/* (DESIGN section 1); tests use the #testing kit",
            },
            ...betweenPlugins,
            {
              target: "./examples",
              from: "./server",
              except: ["./testing"],
              message: "a plugin imports only #plugin-api and #common/*; tests use the #testing kit",
            },
            {
              target: "./common",
              from: "./server",
              except: ["./testing"],
              message: "common/ is shared by the web app and plugins: it never imports the host",
            },
            { target: "./common", from: "./plugins", message: "common/ never imports a plugin" },
            { target: "./web", from: "./server", except: ["./testing"], message: "the web app never imports the host" },
          ],
        },
      ],
    },
  },
  {
    files: ["plugins/**", "examples/**", "common/**", "web/**", "bench/**"],
    rules: { "no-restricted-imports": ["error", { patterns: [relativeTestKit] }] },
  },
  {
    files: ["**/*.ts", "**/*.tsx"],
    ignores: testFiles,
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [{ name: "#testing", message: "the test kit is for test files (*.test.ts, test-server.ts, testdata/)" }],
          patterns: [relativeTestKit],
        },
      ],
    },
  },
  {
    files: ["**/*.mjs", "**/*.js"],
    languageOptions: { globals: globals.node },
  },
);
