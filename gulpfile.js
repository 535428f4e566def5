const fs = require('node:fs');
const path = require('node:path');
const { src, dest, series } = require('gulp');

/** Icons are referenced as `file:` paths from the compiled node and credentials, so they ship in dist/. */
function copyIcons() {
	return src('icons/**/*.svg').pipe(dest('dist/icons'));
}

/**
 * The node's codex, CreateConversation.node.json, which n8n reads beside the compiled node: made
 * from the compiled registry (its aliases name every provider), so no copy of that list is kept.
 */
function writeCodex(done) {
	const manifest = JSON.parse(fs.readFileSync('package.json', 'utf8'));
	const nodeDir = path.join(__dirname, 'dist', 'nodes', 'CreateConversation');
	const { codexFor } = require(path.join(nodeDir, 'description.js'));
	const { providers } = require(path.join(nodeDir, 'providers', 'registry.js'));
	const codex = codexFor(providers, manifest.name, manifest.homepage);
	fs.writeFileSync(
		path.join(nodeDir, 'CreateConversation.node.json'),
		`${JSON.stringify(codex, null, '\t')}\n`,
	);
	done();
}

exports['build:icons'] = copyIcons;
exports['build:codex'] = writeCodex;
exports.build = series(copyIcons, writeCodex);
exports.default = exports.build;
