#!/usr/bin/env node
/**
 * Runs n8n's verification scanner (@n8n/scan-community-package) locally, the way the
 * verification gate does after fetching a published package: once on the source
 * (package.json, nodes/, credentials/) and once on the packed tarball (compiled .js and the
 * published package.json). It also checks the tarball holds every file package.json's `n8n`
 * field points at, icons included, and that it declares no runtime dependencies. Exits non-zero
 * on any error.
 *
 * The gate lints the source at the commit its npm provenance names, not a local folder: it
 * downloads that commit and looks for the package.json with the package's name. So each package is
 * also scanned as the gate would find it in `git archive HEAD` of its git repository (what a tag on
 * that commit would publish): a package whose source is not committed fails there.
 *
 *   node scripts/verify-package.mjs                       the combined package (after `npm run build`)
 *   node scripts/verify-package.mjs [--out <dir>] <dir>…  built packages, e.g. the dedicated
 *                                                         repositories' clones; --out keeps the tarballs
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import {
	SOURCE_FILE_PATTERNS,
	analyzePackage,
	findPackageRoot,
} from '@n8n/scan-community-package/scanner/scanner.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
let failed = false;

function report(name, label, result) {
	if (result.passed) {
		console.log(`✔ ${name}: scanner, ${label}: 0 errors`);
	} else {
		failed = true;
		console.log(`✘ ${name}: scanner, ${label}: ${result.message}`);
		if (result.details) console.log(result.details);
	}
}

function fail(name, message) {
	failed = true;
	console.log(`✘ ${name}: ${message}`);
}

async function verify(dir, out) {
	const name = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name;
	const work = mkdtempSync(join(tmpdir(), 'verify-package-'));
	try {
		report(
			name,
			'source (package.json, nodes/, credentials/)',
			await analyzePackage(dir, SOURCE_FILE_PATTERNS),
		);

		const packed = JSON.parse(
			execFileSync('npm', ['pack', '--json', '--pack-destination', work, '--loglevel=error'], {
				cwd: dir,
				encoding: 'utf8',
			}),
		);
		const tarball = join(work, packed[0].filename);
		if (out) copyFileSync(tarball, join(out, packed[0].filename));
		execFileSync('tar', ['-xzf', tarball, '-C', work]);
		const packageDir = join(work, 'package');
		report(
			name,
			`tarball ${packed[0].filename}`,
			await analyzePackage(packageDir, ['**/*.js', 'package.json']),
		);

		const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
		const declared = [...manifest.n8n.nodes, ...manifest.n8n.credentials];
		const iconRefs = new Set();
		for (const file of declared) {
			const path = join(packageDir, file);
			if (!existsSync(path)) {
				fail(name, `tarball is missing ${file}`);
				continue;
			}
			for (const match of readFileSync(path, 'utf8').matchAll(/file:([^'"\s]+\.svg)/g))
				iconRefs.add(resolve(dirname(path), match[1]));
		}
		const missingIcons = [...iconRefs].filter((icon) => !existsSync(icon));
		for (const icon of missingIcons)
			fail(name, `tarball is missing icon ${icon.slice(packageDir.length + 1)}`);
		const dependencies = Object.keys(manifest.dependencies ?? {});
		if (dependencies.length > 0) fail(name, `runtime dependencies: ${dependencies.join(', ')}`);
		console.log(
			`✔ ${name}: tarball holds ${declared.length} declared files and ${iconRefs.size - missingIcons.length} referenced icons; ${packed[0].entryCount} entries, ${packed[0].size} bytes`,
		);
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
}

/** The committed tree (HEAD) of the git repository holding `dir`, extracted as the gate extracts the attested commit; null outside git. */
function committedTree(dir) {
	let top;
	try {
		top = execFileSync('git', ['rev-parse', '--show-toplevel'], {
			cwd: dir,
			stdio: 'pipe',
			encoding: 'utf8',
		}).trim();
		execFileSync('git', ['rev-parse', '--verify', 'HEAD'], { cwd: top, stdio: 'pipe' });
	} catch {
		return null;
	}
	const tree = mkdtempSync(join(tmpdir(), 'verify-attested-'));
	execFileSync('sh', ['-c', `git archive --format=tar HEAD | tar -x -C '${tree}'`], { cwd: top });
	return { tree, at: relative(top, dir) };
}

async function verifyAttested(dir) {
	const name = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name;
	const committed = committedTree(dir);
	if (!committed) {
		console.log(`- ${name}: not in a git checkout, the committed-source scan is skipped`);
		return;
	}
	const { tree, at } = committed;
	try {
		const found = findPackageRoot(tree, name);
		if (found && relative(tree, found) !== at) {
			fail(
				name,
				`the gate would find ${name} at ${relative(tree, found)}, not at ${at || 'the root'}`,
			);
			return;
		}
		if (!found) {
			fail(
				name,
				`HEAD has no package.json named ${name}, so the gate could not find its source: commit it`,
			);
			return;
		}
		report(
			name,
			`committed source, as the gate finds it (${relative(tree, found) || '.'} in HEAD)`,
			await analyzePackage(found, SOURCE_FILE_PATTERNS),
		);
	} finally {
		rmSync(tree, { recursive: true, force: true });
	}
}

const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const out = outIndex === -1 ? undefined : resolve(args[outIndex + 1]);
const dirs = args.filter(
	(arg, index) => !arg.startsWith('--') && !(outIndex !== -1 && index === outIndex + 1),
);
for (const dir of dirs.length > 0 ? dirs.map((dir) => resolve(dir)) : [root]) {
	if (!existsSync(join(dir, 'dist'))) fail(basename(dir), 'not built: run the build first');
	else {
		await verify(dir, out);
		await verifyAttested(dir);
	}
}
process.exit(failed ? 1 : 0);
