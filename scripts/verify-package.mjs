#!/usr/bin/env node
/**
 * Runs n8n's verification scanner (@n8n/scan-community-package) locally, the way the
 * verification gate does after fetching a published package: once on the source
 * (package.json, nodes/, credentials/) and once on the packed tarball (compiled .js and the
 * published package.json). It also checks the tarball holds every file package.json's `n8n`
 * field points at, icons included. Exits non-zero on any error. Run after `npm run build`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import {
	SOURCE_FILE_PATTERNS,
	analyzePackage,
} from '@n8n/scan-community-package/scanner/scanner.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'verify-package-'));
let failed = false;

function report(label, result) {
	if (result.passed) {
		console.log(`✔ scanner, ${label}: 0 errors`);
	} else {
		failed = true;
		console.log(`✘ scanner, ${label}: ${result.message}`);
		if (result.details) console.log(result.details);
	}
}

try {
	report(
		'source (package.json, nodes/, credentials/)',
		await analyzePackage(root, SOURCE_FILE_PATTERNS),
	);

	const packed = JSON.parse(
		execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
			cwd: root,
			encoding: 'utf8',
		}),
	);
	const tarball = join(work, packed[0].filename);
	execFileSync('tar', ['-xzf', tarball, '-C', work]);
	const packageDir = join(work, 'package');
	report(
		`tarball ${packed[0].filename}`,
		await analyzePackage(packageDir, ['**/*.js', 'package.json']),
	);

	const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
	const declared = [...manifest.n8n.nodes, ...manifest.n8n.credentials];
	const iconRefs = new Set();
	for (const file of declared) {
		const path = join(packageDir, file);
		if (!existsSync(path)) {
			failed = true;
			console.log(`✘ tarball is missing ${file}`);
			continue;
		}
		for (const match of readFileSync(path, 'utf8').matchAll(/file:([^'"\s]+\.svg)/g))
			iconRefs.add(resolve(dirname(path), match[1]));
	}
	const missingIcons = [...iconRefs].filter((icon) => !existsSync(icon));
	for (const icon of missingIcons) {
		failed = true;
		console.log(`✘ tarball is missing icon ${icon.slice(packageDir.length + 1)}`);
	}
	if (Object.keys(manifest.dependencies ?? {}).length > 0) {
		failed = true;
		console.log(`✘ runtime dependencies: ${Object.keys(manifest.dependencies).join(', ')}`);
	}
	console.log(
		`✔ tarball holds ${declared.length} declared files and ${iconRefs.size - missingIcons.length} referenced icons; ${packed[0].entryCount} entries, ${packed[0].size} bytes`,
	);
} finally {
	rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
