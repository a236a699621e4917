// ESLint flat config for our own browser code (vendor/ is built from npm and not ours).
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["webapp/static/vendor/**"] },
  js.configs.recommended,
  {
    files: ["webapp/static/**/*.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "script",
      globals: { ...globals.browser, BpmnJS: "readonly", echarts: "readonly" },
    },
  },
  {
    files: ["webapp/static/modeler/**/*.js"],  // bundled by esbuild
    languageOptions: { sourceType: "module" },
  },
];
