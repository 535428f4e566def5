/**
 * Lets the benchmark `require()` the repository's TypeScript (the node, the engine harness, the
 * emulator) the way jest does through ts-jest: each .ts file is transpiled to CommonJS with the
 * repo's own TypeScript, without type checking (`npm run typecheck` does that).
 */
'use strict';
const fs = require('node:fs');
const ts = require('typescript');

const compilerOptions = {
	module: ts.ModuleKind.CommonJS,
	target: ts.ScriptTarget.ES2022,
	esModuleInterop: true,
	sourceMap: false,
	inlineSourceMap: true,
};

function compileTypeScript(module, filename) {
	const source = fs.readFileSync(filename, 'utf8');
	const { outputText } = ts.transpileModule(source, { compilerOptions, fileName: filename });
	module._compile(outputText, filename);
}

// Extensionless requires try .ts right after .js, before .json (as jest does), so
// `./CreateConversation.node` is the node's source, not its codex file `CreateConversation.node.json`.
const extensions = require.extensions;
const others = Object.entries(extensions).filter(
	([extension]) => extension !== '.js' && extension !== '.ts',
);
for (const [extension] of others) delete extensions[extension];
extensions['.ts'] = compileTypeScript;
for (const [extension, loader] of others) extensions[extension] = loader;
