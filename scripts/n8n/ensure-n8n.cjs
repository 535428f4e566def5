#!/usr/bin/env node
'use strict';
// Idempotent installer of a pinned, real n8n into a cache folder outside the repository.
//
//   node scripts/n8n/ensure-n8n.cjs          -> prints the n8n bin path on stdout
//   node scripts/n8n/ensure-n8n.cjs --json   -> prints { n8nBin, nodeBin, cacheDir, ... }
//
//   const { ensureN8n } = require('./ensure-n8n.cjs');       // CommonJS, jest, TypeScript
//   import ensure from './ensure-n8n.cjs'; ensure.ensureN8n() // ESM
//   const { n8nBin, nodeBin, cacheDir } = await ensureN8n();
//   // run n8n as: spawn(nodeBin, [n8nBin, ...args])   (n8nBin is a JS file; it needs Node 24)
//
// Recipe (see the runtime notes): package.json pinning n8n with a linkedom override,
// `npm install --ignore-scripts`, then sqlite3 rebuilt from source with node-gyp against the
// headers of the Node 24 that will run n8n, then `n8n --version` must print the pinned version.
// A marker file written after a successful install makes later calls return in milliseconds.
// Progress goes to stderr. Only Node built-ins are used.

const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const N8N_VERSION = '2.41.1';
const LINKEDOM_OVERRIDE = '0.18.12';
/** Bump when the install recipe changes, so old caches are redone. */
const RECIPE_VERSION = 2;
const MARKER_NAME = '.ensure-n8n-ok.json';
/**
 * Native modules n8n needs at run time, with a load check. Install scripts are skipped, so each is
 * built from source when its check fails (sqlite3 always; isolated-vm ships prebuilds for Node 24).
 */
const NATIVE_MODULES = {
	sqlite3: "const s=require('sqlite3');new s.Database(':memory:').close()",
	'isolated-vm':
		"const ivm=require('isolated-vm');const i=new ivm.Isolate();i.compileScriptSync('1').runSync(i.createContextSync());i.dispose()",
};

const HERE = __dirname;
const REPO_ROOT = path.resolve(HERE, '..', '..');

const MIN = 60_000;
const INSTALL_TIMEOUT_MS = Number(process.env.N8N_INSTALL_TIMEOUT_MS) || 40 * MIN;
const BUILD_TIMEOUT_MS = 20 * MIN;
const LOCK_WAIT_MS = INSTALL_TIMEOUT_MS + BUILD_TIMEOUT_MS;
const LOCK_STALE_MS = LOCK_WAIT_MS + 5 * MIN;

function log(msg) {
	process.stderr.write(`[ensure-n8n] ${msg}\n`);
}

function defaultCacheDir() {
	if (process.env.N8N_CACHE_DIR) return path.resolve(process.env.N8N_CACHE_DIR);
	const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
	return path.join(base, 'n8n-nodes-create-conversation', `n8n-${N8N_VERSION}`);
}

function nodeMajor(version) {
	return Number(String(version).replace(/^v/, '').split('.')[0]);
}

/**
 * The Node 24 binary that will run n8n: $N8N_NODE_BIN, else the running node if it is >= 24,
 * else the repository's `node` devDependency (node_modules/.bin/node).
 */
function resolveNodeBin() {
	const candidates = [];
	if (process.env.N8N_NODE_BIN) candidates.push(process.env.N8N_NODE_BIN);
	if (nodeMajor(process.version) >= 24) candidates.push(process.execPath);
	candidates.push(path.join(REPO_ROOT, 'node_modules', '.bin', 'node'));
	for (const c of candidates) {
		if (!fs.existsSync(c)) continue;
		const real = fs.realpathSync(c);
		if (real === fs.realpathSync(process.execPath)) {
			if (nodeMajor(process.version) >= 24)
				return { nodeBin: real, version: process.version, abi: process.versions.modules };
			continue;
		}
		const r = spawnSync(real, ['-p', 'process.version + " " + process.versions.modules'], {
			encoding: 'utf8',
			timeout: 30_000,
		});
		if (r.status !== 0) continue;
		const [version, abi] = r.stdout.trim().split(' ');
		if (nodeMajor(version) >= 24) return { nodeBin: real, version, abi };
	}
	throw new Error(
		`ensure-n8n: n8n ${N8N_VERSION} needs Node >= 24 and none was found (tried: ${candidates.join(', ')}). ` +
			'Run `npm ci` in the repository (it installs the `node` devDependency) or set N8N_NODE_BIN.',
	);
}

function headerVersion(dir) {
	try {
		const h = fs.readFileSync(path.join(dir, 'include', 'node', 'node_version.h'), 'utf8');
		const v = (name) => (h.match(new RegExp(`#define ${name} (\\d+)`)) || [])[1];
		return `v${v('NODE_MAJOR_VERSION')}.${v('NODE_MINOR_VERSION')}.${v('NODE_PATCH_VERSION')}`;
	} catch {
		return null;
	}
}

function hasHeaders(dir, version) {
	return (
		fs.existsSync(path.join(dir, 'include', 'node', 'node.h')) &&
		fs.existsSync(path.join(dir, 'include', 'node', 'common.gypi')) &&
		headerVersion(dir) === version
	);
}

/**
 * Folder with include/node/{node.h,common.gypi} of exactly the given node version (node-gyp's
 * --nodedir). $N8N_NODEDIR, else next to the binary (the `node` npm package's platform package
 * node/node_modules/node-<os>-<arch>, which a later `npm install` in the repo prunes), else the
 * headers are fetched once from the npm registry (package node-<os>-<arch>@<version>, include/ only)
 * into <cacheDir>/.node-headers/<version>.
 */
async function ensureNodeHeaders(node, cacheDir, env, logFile) {
	const candidates = [];
	if (process.env.N8N_NODEDIR) candidates.push(process.env.N8N_NODEDIR);
	const prefix = path.dirname(path.dirname(fs.realpathSync(node.nodeBin)));
	candidates.push(prefix);
	const platformPkgs = path.join(prefix, 'node_modules');
	if (fs.existsSync(platformPkgs)) {
		for (const d of fs.readdirSync(platformPkgs))
			if (/^node-[a-z0-9]+-[a-z0-9]+$/.test(d)) candidates.push(path.join(platformPkgs, d));
	}
	const cached = path.join(cacheDir, '.node-headers', node.version);
	candidates.push(cached);
	for (const c of candidates) if (hasHeaders(c, node.version)) return c;

	const plat = process.platform === 'win32' ? 'win' : process.platform;
	const spec = `node-${plat}-${process.arch}@${node.version.replace(/^v/, '')}`;
	log(`fetching Node ${node.version} headers from the npm registry (${spec})...`);
	const tmp = fs.mkdtempSync(path.join(cacheDir, '.node-headers-tmp-'));
	try {
		const packed = await run('npm', ['pack', spec, '--pack-destination', tmp, '--loglevel=error'], {
			cwd: tmp,
			env,
			timeoutMs: 10 * MIN,
			logFile,
			label: `npm pack ${spec}`,
		});
		const tgz = path.join(tmp, packed.out.trim().split('\n').pop().trim());
		const out = path.join(tmp, 'x');
		fs.mkdirSync(out);
		await run('tar', ['-xzf', tgz, '-C', out, '--strip-components=1', 'package/include'], {
			cwd: tmp,
			env,
			timeoutMs: 5 * MIN,
			logFile,
			label: 'tar headers',
		});
		fs.rmSync(cached, { recursive: true, force: true });
		fs.mkdirSync(path.dirname(cached), { recursive: true });
		fs.renameSync(out, cached);
	} finally {
		fs.rmSync(tmp, { recursive: true, force: true });
	}
	if (!hasHeaders(cached, node.version))
		throw new Error(`ensure-n8n: ${spec} did not provide include/node headers for ${node.version}`);
	return cached;
}

function paths(cacheDir) {
	const nm = path.join(cacheDir, 'node_modules');
	return {
		nm,
		n8nBin: path.join(nm, 'n8n', 'bin', 'n8n'),
		sqliteBinding: path.join(nm, 'sqlite3', 'build', 'Release', 'node_sqlite3.node'),
		marker: path.join(cacheDir, MARKER_NAME),
		logFile: path.join(cacheDir, 'ensure-n8n.log'),
	};
}

function readMarker(p) {
	try {
		return JSON.parse(fs.readFileSync(p.marker, 'utf8'));
	} catch {
		return null;
	}
}

function markerValid(m, p, node) {
	return (
		m &&
		m.n8nVersion === N8N_VERSION &&
		m.recipe === RECIPE_VERSION &&
		m.nodeAbi === node.abi &&
		fs.existsSync(p.n8nBin) &&
		fs.existsSync(p.sqliteBinding)
	);
}

/** Environment for npm / node-gyp children: our Node first on PATH, no inherited npm script state. */
function childEnv(nodeBin) {
	const env = {};
	const keep = new Set([
		'npm_config_registry',
		'npm_config_cache',
		'npm_config_userconfig',
		'npm_config_cafile',
	]);
	for (const [k, v] of Object.entries(process.env)) {
		if (/^npm_/i.test(k) && !keep.has(k.toLowerCase())) continue;
		env[k] = v;
	}
	env.PATH = `${path.dirname(nodeBin)}${path.delimiter}${process.env.PATH || ''}`;
	return env;
}

function tail(text, lines = 40) {
	return String(text).trimEnd().split('\n').slice(-lines).join('\n');
}

/** Runs a command, appending its output to logFile; rejects with the output's tail on failure/timeout. */
function run(cmd, args, { cwd, env, timeoutMs, logFile, label }) {
	return new Promise((resolve, reject) => {
		const started = Date.now();
		fs.appendFileSync(logFile, `\n$ (cd ${cwd} && ${[cmd, ...args].join(' ')})\n`);
		const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
		let out = '';
		const onData = (d) => {
			out += d;
			if (out.length > 2_000_000) out = out.slice(-1_000_000);
			fs.appendFileSync(logFile, d);
		};
		child.stdout.on('data', onData);
		child.stderr.on('data', onData);
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			try {
				process.kill(-child.pid, 'SIGKILL');
			} catch {}
		}, timeoutMs);
		const ticker = setInterval(
			() => log(`${label}: still running (${Math.round((Date.now() - started) / 1000)} s)`),
			30_000,
		);
		ticker.unref();
		child.on('error', (err) => {
			clearTimeout(timer);
			clearInterval(ticker);
			reject(new Error(`ensure-n8n: ${label} could not start: ${err.message}`));
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			clearInterval(ticker);
			if (code === 0 && !timedOut) return resolve({ out, ms: Date.now() - started });
			const why = timedOut
				? `timed out after ${timeoutMs / 1000} s`
				: `exited with ${code ?? signal}`;
			reject(
				new Error(
					`ensure-n8n: ${label} ${why}. Full log: ${logFile}\n--- last lines ---\n${tail(out)}`,
				),
			);
		});
	});
}

function findNodeGyp(cacheDir) {
	const candidates = [path.join(cacheDir, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')];
	if (process.env.npm_config_node_gyp) candidates.push(process.env.npm_config_node_gyp);
	// The node-gyp bundled with the npm on PATH.
	const which = spawnSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' });
	if (which.status === 0 && which.stdout.trim()) {
		const npmReal = fs.realpathSync(which.stdout.trim());
		candidates.push(
			path.join(path.dirname(npmReal), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
		);
	}
	for (const c of candidates) if (c && fs.existsSync(c)) return c;
	throw new Error(`ensure-n8n: node-gyp not found (tried ${candidates.join(', ')})`);
}

function sleep(ms) {
	return new Promise((r) => setTimeout(r, ms));
}

function pidAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return e.code === 'EPERM';
	}
}

async function acquireLock(lockDir) {
	const deadline = Date.now() + LOCK_WAIT_MS;
	let announced = false;
	fs.mkdirSync(path.dirname(lockDir), { recursive: true });
	for (;;) {
		try {
			fs.mkdirSync(lockDir);
			fs.writeFileSync(
				path.join(lockDir, 'owner.json'),
				JSON.stringify({ pid: process.pid, host: os.hostname(), at: Date.now() }),
			);
			return () => fs.rmSync(lockDir, { recursive: true, force: true });
		} catch (e) {
			if (e.code !== 'EEXIST') throw e;
		}
		let owner = null;
		try {
			owner = JSON.parse(fs.readFileSync(path.join(lockDir, 'owner.json'), 'utf8'));
		} catch {}
		let age = 0;
		try {
			age = Date.now() - fs.statSync(lockDir).mtimeMs;
		} catch {
			continue; // vanished: retry at once
		}
		const dead = owner && owner.host === os.hostname() && !pidAlive(owner.pid);
		if (dead || age > LOCK_STALE_MS || (!owner && age > 10_000)) {
			log(`removing stale lock ${lockDir}${owner ? ` (pid ${owner.pid})` : ''}`);
			fs.rmSync(lockDir, { recursive: true, force: true });
			continue;
		}
		if (!announced) {
			log(
				`another process${owner ? ` (pid ${owner.pid})` : ''} is installing n8n; waiting for it...`,
			);
			announced = true;
		}
		if (Date.now() > deadline) throw new Error(`ensure-n8n: gave up waiting for lock ${lockDir}`);
		await sleep(1000);
	}
}

/**
 * Makes sure n8n N8N_VERSION is installed in the cache and works with Node 24.
 * @param {{ cacheDir?: string, force?: boolean }} [opts]
 * @returns {Promise<{ n8nBin: string, nodeBin: string, cacheDir: string, n8nVersion: string, fresh: boolean }>}
 */
async function ensureN8n(opts = {}) {
	const cacheDir = path.resolve(opts.cacheDir || defaultCacheDir());
	const node = resolveNodeBin();
	const p = paths(cacheDir);
	const result = (fresh) => ({
		n8nBin: p.n8nBin,
		nodeBin: node.nodeBin,
		cacheDir,
		n8nVersion: N8N_VERSION,
		fresh,
	});

	if (!opts.force && markerValid(readMarker(p), p, node)) return result(false);

	const release = await acquireLock(`${cacheDir}.lock`);
	const onSignal = (sig) => {
		release();
		process.kill(process.pid, sig);
	};
	process.once('SIGINT', onSignal);
	process.once('SIGTERM', onSignal);
	try {
		if (!opts.force && markerValid(readMarker(p), p, node)) return result(false); // someone else did it
		const t0 = Date.now();
		fs.mkdirSync(cacheDir, { recursive: true });
		fs.rmSync(p.marker, { force: true });
		fs.writeFileSync(
			p.logFile,
			`ensure-n8n ${new Date().toISOString()} node ${node.version} (${node.nodeBin})\n`,
		);
		const pkg = {
			name: 'n8n-runtime-cache',
			private: true,
			description:
				'Cache of a pinned n8n, made by n8n-nodes-create-conversation/scripts/n8n/ensure-n8n.cjs',
			dependencies: { n8n: N8N_VERSION },
			overrides: { linkedom: LINKEDOM_OVERRIDE },
		};
		fs.writeFileSync(path.join(cacheDir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
		const env = childEnv(node.nodeBin);

		log(`installing n8n@${N8N_VERSION} into ${cacheDir} (first time: several minutes, ~3 GB)...`);
		const npmArgs = [
			'install',
			'--ignore-scripts',
			'--no-audit',
			'--no-fund',
			'--loglevel=error',
			'--prefix',
			cacheDir,
		];
		const inst = await run('npm', npmArgs, {
			cwd: cacheDir,
			env,
			timeoutMs: INSTALL_TIMEOUT_MS,
			logFile: p.logFile,
			label: 'npm install',
		});
		log(`npm install done in ${Math.round(inst.ms / 1000)} s`);

		if (!fs.existsSync(p.n8nBin))
			throw new Error(
				`ensure-n8n: npm install finished but ${p.n8nBin} is missing. Log: ${p.logFile}`,
			);

		let nodeDir = null;
		for (const [mod, check] of Object.entries(NATIVE_MODULES)) {
			const dir = path.join(p.nm, mod);
			if (!fs.existsSync(dir))
				throw new Error(`ensure-n8n: ${mod} is missing from ${p.nm}. Log: ${p.logFile}`);
			const loadCheck = () =>
				run(node.nodeBin, ['-e', check], {
					cwd: cacheDir,
					env,
					timeoutMs: 60_000,
					logFile: p.logFile,
					label: `${mod} load check`,
				});
			if (mod !== 'sqlite3') {
				try {
					await loadCheck();
					log(`${mod} loads (prebuilt binary)`);
					continue;
				} catch {}
			}
			nodeDir ??= await ensureNodeHeaders(node, cacheDir, env, p.logFile);
			const gyp = findNodeGyp(cacheDir);
			log(`building ${mod} from source against ${nodeDir} (node ${node.version})...`);
			const build = await run(
				node.nodeBin,
				[
					gyp,
					'rebuild',
					'--release',
					`--nodedir=${nodeDir}`,
					`--jobs=${Math.max(1, os.cpus().length)}`,
				],
				{
					cwd: dir,
					env: { ...env, npm_config_nodedir: nodeDir },
					timeoutMs: BUILD_TIMEOUT_MS,
					logFile: p.logFile,
					label: `node-gyp rebuild ${mod}`,
				},
			);
			log(`${mod} built in ${Math.round(build.ms / 1000)} s`);
			await loadCheck();
		}

		const ver = await run(node.nodeBin, [p.n8nBin, '--version'], {
			cwd: cacheDir,
			env,
			timeoutMs: 2 * MIN,
			logFile: p.logFile,
			label: 'n8n --version',
		});
		const printed = ver.out.trim().split('\n').pop().trim();
		if (printed !== N8N_VERSION)
			throw new Error(
				`ensure-n8n: n8n --version printed "${tail(ver.out, 5)}", expected ${N8N_VERSION}. Log: ${p.logFile}`,
			);

		fs.writeFileSync(
			p.marker,
			JSON.stringify(
				{
					n8nVersion: N8N_VERSION,
					recipe: RECIPE_VERSION,
					nodeVersion: node.version,
					nodeAbi: node.abi,
					nodeBin: node.nodeBin,
					at: new Date().toISOString(),
					seconds: Math.round((Date.now() - t0) / 1000),
				},
				null,
				2,
			) + '\n',
		);
		log(`n8n ${N8N_VERSION} ready in ${Math.round((Date.now() - t0) / 1000)} s`);
		return result(true);
	} finally {
		process.off('SIGINT', onSignal);
		process.off('SIGTERM', onSignal);
		release();
	}
}

/** CLI: prints the n8n bin path (or, with --json, the whole result) on stdout; exit 1 on failure. */
function main(argv = process.argv.slice(2)) {
	return ensureN8n({ force: argv.includes('--force') }).then(
		(r) => {
			process.stdout.write(
				(argv.includes('--json') ? JSON.stringify(r, null, 2) : r.n8nBin) + '\n',
			);
		},
		(err) => {
			process.stderr.write(`${err.message}\n`);
			process.exitCode = 1;
		},
	);
}

module.exports = {
	N8N_VERSION,
	LINKEDOM_OVERRIDE,
	defaultCacheDir,
	resolveNodeBin,
	ensureNodeHeaders,
	ensureN8n,
	main,
};

if (require.main === module) main();
