// `import process from "node:process"` for chalk, without copying the module's properties.
export default globalThis.process;
