// @ts-check
/**
 * The lint half of the gate `npm test` runs first (with `tsc --noEmit` and
 * Prettier): typed rules from typescript-eslint, and the import boundaries of
 * DESIGN section 1 checked on resolved files by eslint-plugin-import-x —
 * plugins never import the host (`server/**`) nor each other; test files reach
 * the host's test kit only through the `#testing` alias, which resolves to
 * server/testing/ and is allowed.
 */
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import { importX } from "eslint-plugin-import-x";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";
import fs from "node:fs";

const pluginIds = fs.readdirSync("plugins").filter((id) => fs.existsSync(`plugins/${id}/plugin.json`));

/** One plugin may not import another plugin's files. */
const betweenPlugins = pluginIds.map((id) => ({
  target: `./plugins/${id}`,
  from: "./plugins",
  except: [`./${id}`],
  message: "a plugin never imports another plugin (DESIGN section 1): share through #plugin-api or #common/*",
}));

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
            { target: "./common", from: "./server", message: "common/ is shared by the web app and plugins: it never imports the host" },
            { target: "./common", from: "./plugins", message: "common/ never imports a plugin" },
            { target: "./web", from: "./server", message: "the web app never imports the host" },
          ],
        },
      ],
    },
  },
  {
    files: ["**/*.mjs", "**/*.js"],
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly", fetch: "readonly", setTimeout: "readonly" } },
  },
);
