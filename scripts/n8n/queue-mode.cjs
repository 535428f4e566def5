'use strict';
// Runs a real n8n 2.41.1 in queue mode (scaling mode) on one machine for end-to-end tests: our own
// Redis and PostgreSQL on free loopback ports, one `n8n start` main and N `n8n worker` processes
// sharing one user folder (so community packages installed under <folder>/.n8n/nodes load in every
// process) and one encryption key. Everything listens on 127.0.0.1, is started by the caller and
// is stopped by stop() or, at the latest, when this process exits.
//
//   const q = require('./scripts/n8n/queue-mode.cjs');
//   const n8n = require('./scripts/n8n/n8n-driver.cjs');
//   const redis = await q.startRedis();
//   const postgres = await q.startPostgres();
//   const env = n8n.n8nEnv(userFolder, q.queueModeEnv({ redis, postgres }));
//   const id = await n8n.importWorkflow(env, wf);            // goes to Postgres, not SQLite
//   await q.publishWorkflow(env, id);                        // activate before the main starts
//   const cluster = await q.startQueueCluster({ userFolder, env, workers: 2 });
//   await q.callWebhook(cluster.main, 'my-path', { a: 1 });   // enqueued by main, run by a worker
//   await cluster.stop(); await postgres.stop(); await redis.stop();
//
// Node built-ins only. Every child runs in its own process group: Redis and n8n through
// n8n-driver's bookkeeping (SIGKILLed on exit/SIGINT/SIGTERM of the caller), Postgres through ours
// (`pg_ctl stop -m immediate` first, so no shared memory is left); temp folders are removed on
// stop() and on exit. killAll() does all of that at once for a last-resort teardown.

const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const { ensureN8n } = require('./ensure-n8n.cjs');
const driver = require('./n8n-driver.cjs');

const SEC = 1000;
const APT_TIMEOUT_MS = 15 * 60 * SEC;
const SERVICE_START_TIMEOUT_MS = 60 * SEC;
const CLUSTER_START_TIMEOUT_MS = 180 * SEC;
const STOP_GRACE_MS = 15 * SEC;
/** Debian puts each server major under /usr/lib/postgresql/<major>/bin; 15 is what these machines have. */
const PG_PREFERRED_MAJOR = '15';
const PG_LIB_DIR = '/usr/lib/postgresql';

function log(msg) {
	if (process.env.QUEUE_MODE_QUIET !== '1') process.stderr.write(`[queue-mode] ${msg}\n`);
}

function sleep(ms) {
	return new Promise((r) => setTimeout(r, ms));
}

function tail(text, lines = 60) {
	return String(text ?? '')
		.trimEnd()
		.split('\n')
		.slice(-lines)
		.join('\n');
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

// ---------------------------------------------------------------- temp folders removed on exit

// Redis and Postgres keep their data in temp folders. stop() removes them; these hooks cover a test
// run that dies without calling stop(): the driver's hooks SIGKILL the process groups it tracks
// (redis, n8n), ours shut the postmasters down and drop the folders.
const tempDirs = new Set();
/** Running postmasters: { child, stopSync } (not tracked by the driver, see startPostgres). */
const livePostgres = new Set();
let dirHooksInstalled = false;
function cleanupNow() {
	for (const pg of livePostgres) {
		try {
			pg.stopSync();
		} catch {}
	}
	livePostgres.clear();
	driver.killAll(); // the servers before their folders
	for (const d of tempDirs) {
		try {
			fs.rmSync(d, { recursive: true, force: true });
		} catch {}
	}
	tempDirs.clear();
}
function installCleanupHooks() {
	if (dirHooksInstalled) return;
	dirHooksInstalled = true;
	process.on('exit', cleanupNow);
	// Same contract as the driver's signal hooks: whoever runs last re-raises the signal, so the
	// process still dies of it when nobody else (e.g. Jest) handles it.
	for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
		const handler = () => {
			cleanupNow();
			process.off(sig, handler);
			if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
		};
		process.on(sig, handler);
	}
}
function registerTempDir(dir) {
	installCleanupHooks();
	tempDirs.add(dir);
}
function dropTempDir(dir) {
	tempDirs.delete(dir);
	fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

// ---------------------------------------------------------------- ports

/**
 * `count` distinct free loopback ports. getFreePort closes its probe socket before returning, so two
 * quick calls can hand out the same number; n8n would then fail to bind its broker or health port.
 */
async function getFreePorts(count) {
	const ports = new Set();
	let tries = 0;
	while (ports.size < count) {
		if (++tries > count * 20)
			throw new Error(`getFreePorts: could not find ${count} distinct free ports`);
		ports.add(await driver.getFreePort());
	}
	return [...ports];
}

// ---------------------------------------------------------------- long-running services

/**
 * Spawns a server process through the driver's bookkeeping (own process group, tracked) and keeps
 * its output. stop() sends `signal` to the group, SIGKILLs it after graceMs, and also SIGKILLs what
 * is left in the group once the leader is gone (n8n's task runner, postgres backends).
 */
function spawnService(cmd, args, { cwd, env, name, track = true }) {
	const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
	if (track) driver.track(child);
	let output = '';
	const append = (d) => {
		output += d;
		if (output.length > 4_000_000) output = output.slice(-2_000_000);
	};
	child.stdout.setEncoding('utf8').on('data', append);
	child.stderr.setEncoding('utf8').on('data', append);
	let exited = null;
	const exitPromise = new Promise((resolve) => {
		child.once('exit', (code, signal) => resolve((exited = { code, signal })));
		child.once('error', (err) => {
			append(`\n[spawn error] ${err.message}\n`);
			resolve((exited = { code: null, signal: null, error: err }));
		});
	});
	const stop = async ({ signal = 'SIGTERM', graceMs = STOP_GRACE_MS } = {}) => {
		if (!exited) {
			driver.killGroup(child, signal);
			const t = setTimeout(() => driver.killGroup(child, 'SIGKILL'), graceMs);
			await exitPromise;
			clearTimeout(t);
		}
		try {
			process.kill(-child.pid, 'SIGKILL'); // leftovers in the group; ESRCH when it is empty
		} catch {}
	};
	return {
		name,
		child,
		pid: child.pid,
		logs: () => output,
		exited: () => exited,
		exitPromise,
		stop,
	};
}

/** Polls `probe()` until it returns true; fails early when the service process has exited. */
async function waitUntil(service, probe, { timeoutMs, what }) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const ex = service.exited();
		if (ex)
			throw new Error(
				`${what}: process exited early (${ex.error ? ex.error.message : (ex.code ?? ex.signal)})\n--- output (tail) ---\n${tail(service.logs(), 40)}`,
			);
		try {
			if (await probe()) return;
		} catch {}
		if (Date.now() > deadline)
			throw new Error(
				`${what}: not ready within ${Math.round(timeoutMs / SEC)} s\n--- output (tail) ---\n${tail(service.logs(), 40)}`,
			);
		await sleep(150);
	}
}

// ---------------------------------------------------------------- apt

function findExecutable(name, extraDirs = []) {
	const dirs = [
		...extraDirs,
		...String(process.env.PATH || '').split(path.delimiter),
		'/usr/bin',
		'/usr/sbin',
		'/usr/local/bin',
		'/bin',
		'/sbin',
	];
	for (const d of dirs) {
		if (!d) continue;
		const p = path.join(d, name);
		try {
			fs.accessSync(p, fs.constants.X_OK);
			if (fs.statSync(p).isFile()) return p;
		} catch {}
	}
	return null;
}

let aptQueue = Promise.resolve(); // one apt-get at a time from this process (dpkg holds a global lock anyway)

/**
 * `apt-get install -y --no-install-recommends <packages>` as root, non-interactive, without letting
 * the package start its system service: Debian's postinst calls invoke-rc.d, which asks
 * /usr/sbin/policy-rc.d; exit 101 = "don't start". Docker images ship that file already; when it is
 * missing we put one in place for the duration of the install only. We never use a service the
 * package might start anyway (it would sit on the default port; ours get free ports).
 * `apt-get update` runs only when the install fails for lack of (or stale) package lists, because
 * these machines reach nothing but the Debian and npm mirrors and an update costs time.
 */
function aptInstall(packages) {
	const run = async () => {
		if (!isRoot())
			throw new Error(
				`apt-get install ${packages.join(' ')}: needs root; install the package(s) yourself (sudo apt-get install -y ${packages.join(' ')})`,
			);
		if (!findExecutable('apt-get'))
			throw new Error(`apt-get not found; install ${packages.join(' ')} by other means`);
		const env = {
			...process.env,
			DEBIAN_FRONTEND: 'noninteractive',
			NEEDRESTART_MODE: 'a',
			LC_ALL: 'C',
		};
		// Lock::Timeout: another process (a parallel test file, a human) may hold the dpkg lock.
		const aptArgs = (cmd) => [
			'-o',
			'DPkg::Lock::Timeout=600',
			'-o',
			'Dpkg::Options::=--force-confdef',
			'-o',
			'Dpkg::Options::=--force-confold',
			...cmd,
		];
		const policy = '/usr/sbin/policy-rc.d';
		let placedPolicy = false;
		if (!fs.existsSync(policy)) {
			fs.writeFileSync(
				policy,
				'#!/bin/sh\n# temporary, written by scripts/n8n/queue-mode.cjs: do not start services during apt-get install\nexit 101\n',
				{ mode: 0o755 },
			);
			placedPolicy = true;
		}
		try {
			const lockBusy =
				/Could not get lock|Unable to acquire the dpkg|Unable to lock|is another process using it/i;
			// DPkg::Lock::Timeout covers dpkg's frontend lock; the lists/archives locks fail at once, so a
			// parallel caller (another test file installing the same package) is retried here.
			const install = async () => {
				for (let attempt = 1; ; attempt++) {
					const r = await driver.runProcess(
						'apt-get',
						aptArgs(['install', '-y', '--no-install-recommends', ...packages]),
						{ env, timeoutMs: APT_TIMEOUT_MS },
					);
					if (r.code === 0 || attempt >= 60 || !lockBusy.test(r.stdout + r.stderr)) return r;
					await sleep(5 * SEC);
				}
			};
			log(`apt-get install -y ${packages.join(' ')}`);
			let r = await install();
			const missingLists =
				/Unable to locate package|has no installation candidate|Failed to fetch|404\s+Not Found|is not available/i;
			if (r.code !== 0 && missingLists.test(r.stdout + r.stderr)) {
				log('package lists missing or stale: apt-get update');
				const u = await driver.runProcess('apt-get', aptArgs(['update']), {
					env,
					timeoutMs: APT_TIMEOUT_MS,
				});
				if (u.code !== 0)
					throw new Error(
						`apt-get update failed (${u.timedOut ? 'timeout' : `exit ${u.code}`})\n${tail(u.stdout, 20)}\n${tail(u.stderr, 20)}`,
					);
				r = await install();
			}
			if (r.code !== 0)
				throw new Error(
					`apt-get install ${packages.join(' ')} failed (${r.timedOut ? 'timeout' : `exit ${r.code}`})\n${tail(r.stdout, 30)}\n${tail(r.stderr, 30)}`,
				);
			log(`apt-get install done in ${(r.ms / SEC).toFixed(1)} s`);
		} finally {
			if (placedPolicy) fs.rmSync(policy, { force: true });
		}
	};
	const p = aptQueue.then(run, run);
	aptQueue = p.catch(() => {});
	return p;
}

// ---------------------------------------------------------------- Redis

let redisPathPromise = null;

/** Path of `redis-server`; installs Debian's redis-server package when it is missing. */
function ensureRedis() {
	if (!redisPathPromise) {
		redisPathPromise = (async () => {
			let bin = findExecutable('redis-server');
			if (bin) return bin;
			await aptInstall(['redis-server']);
			bin = findExecutable('redis-server');
			if (!bin)
				throw new Error(
					'ensureRedis: redis-server still not found after apt-get install redis-server',
				);
			return bin;
		})();
		redisPathPromise.catch(() => (redisPathPromise = null)); // let a later call retry
	}
	return redisPathPromise;
}

/** RESP encoding of a command: an array of bulk strings. */
function respEncode(args) {
	let out = `*${args.length}\r\n`;
	for (const a of args) {
		const s = Buffer.from(String(a), 'utf8');
		out += `$${s.length}\r\n${s.toString('utf8')}\r\n`;
	}
	return out;
}

/**
 * Parses one RESP2 reply from buf at offset. Returns { value, end } or null when incomplete.
 * Errors come back as { error: 'ERR ...' } so callers can tell them from strings.
 */
function respParse(buf, offset = 0) {
	const nl = buf.indexOf('\r\n', offset);
	if (nl < 0) return null;
	const type = String.fromCharCode(buf[offset]);
	const line = buf.toString('utf8', offset + 1, nl);
	const after = nl + 2;
	switch (type) {
		case '+':
			return { value: line, end: after };
		case '-':
			return { value: { error: line }, end: after };
		case ':':
			return { value: Number(line), end: after };
		case '$': {
			const len = Number(line);
			if (len < 0) return { value: null, end: after };
			if (buf.length < after + len + 2) return null;
			return { value: buf.toString('utf8', after, after + len), end: after + len + 2 };
		}
		case '*': {
			const n = Number(line);
			if (n < 0) return { value: null, end: after };
			const items = [];
			let pos = after;
			for (let i = 0; i < n; i++) {
				const r = respParse(buf, pos);
				if (!r) return null;
				items.push(r.value);
				pos = r.end;
			}
			return { value: items, end: pos };
		}
		default:
			throw new Error(`RESP: unexpected reply type ${JSON.stringify(type)}`);
	}
}

/**
 * Sends one command to Redis over raw TCP (no npm client) and resolves its reply.
 * redisCommand(port, 'PING') -> 'PONG'; errors resolve as { error } (e.g. LOADING while starting).
 */
function redisCommand(port, ...args) {
	const opts =
		typeof args[args.length - 1] === 'object' && args[args.length - 1] !== null ? args.pop() : {};
	const { host = '127.0.0.1', timeoutMs = 5 * SEC } = opts;
	return new Promise((resolve, reject) => {
		const sock = net.connect({ host, port });
		let buf = Buffer.alloc(0);
		const done = (err, value) => {
			sock.destroy();
			if (err) reject(err);
			else resolve(value);
		};
		sock.setTimeout(timeoutMs, () =>
			done(new Error(`redis ${args[0]}: no reply in ${timeoutMs} ms`)),
		);
		sock.on('error', (err) => done(err));
		sock.on('connect', () => sock.write(respEncode(args)));
		sock.on('data', (d) => {
			buf = Buffer.concat([buf, d]);
			try {
				const r = respParse(buf);
				if (r) done(null, r.value);
			} catch (err) {
				done(err);
			}
		});
		sock.on('end', () =>
			done(new Error(`redis ${args[0]}: connection closed before a full reply`)),
		);
	});
}

/**
 * Starts our own redis-server: free loopback port (unless given), no persistence (`--save ""
 * --appendonly no`), a temp --dir (so nothing lands in the cwd), foreground so the driver's process
 * group bookkeeping owns it. Resolves once it answers PING with PONG.
 * @returns {Promise<{ host: string, port: number, pid: number, dir: string, logs: () => string, stop: () => Promise<void> }>}
 */
async function startRedis({ port, timeoutMs = SERVICE_START_TIMEOUT_MS } = {}) {
	const bin = await ensureRedis();
	for (let attempt = 1; ; attempt++) {
		const p = port ?? (await driver.getFreePort());
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-redis-'));
		registerTempDir(dir);
		const args = [
			'--port',
			String(p),
			'--bind',
			'127.0.0.1',
			'--save',
			'',
			'--appendonly',
			'no',
			'--dir',
			dir,
			'--daemonize',
			'no',
			'--protected-mode',
			'yes',
			'--logfile',
			'',
			'--loglevel',
			'notice',
		];
		const svc = spawnService(bin, args, { cwd: dir, env: { ...process.env }, name: `redis:${p}` });
		try {
			await waitUntil(
				svc,
				async () => (await redisCommand(p, 'PING', { timeoutMs: 1000 })) === 'PONG',
				{ timeoutMs, what: `redis-server on 127.0.0.1:${p}` },
			);
		} catch (err) {
			await svc.stop({ graceMs: 2 * SEC });
			dropTempDir(dir);
			// A free port can be taken between probing and binding; pick another unless the caller fixed it.
			if (port === undefined && attempt < 3 && /Address already in use/i.test(svc.logs())) continue;
			throw err;
		}
		let stopped = false;
		return {
			host: '127.0.0.1',
			port: p,
			pid: svc.pid,
			dir,
			logs: svc.logs,
			stop: async () => {
				if (stopped) return;
				stopped = true;
				await svc.stop({ signal: 'SIGTERM', graceMs: 5 * SEC }); // no persistence: SIGTERM exits at once
				dropTempDir(dir);
			},
		};
	}
}

// ---------------------------------------------------------------- PostgreSQL

let pgBinPromise = null;

function findPgBinDir() {
	const has = (d) =>
		fs.existsSync(path.join(d, 'initdb')) &&
		fs.existsSync(path.join(d, 'postgres')) &&
		fs.existsSync(path.join(d, 'pg_ctl'));
	const preferred = path.join(PG_LIB_DIR, PG_PREFERRED_MAJOR, 'bin');
	if (has(preferred)) return preferred;
	let majors = [];
	try {
		majors = fs
			.readdirSync(PG_LIB_DIR)
			.filter((m) => /^\d+$/.test(m))
			.sort((a, b) => Number(b) - Number(a));
	} catch {}
	for (const m of majors)
		if (has(path.join(PG_LIB_DIR, m, 'bin'))) return path.join(PG_LIB_DIR, m, 'bin');
	return null;
}

/**
 * The PostgreSQL server bin folder (/usr/lib/postgresql/15/bin here); installs Debian's
 * `postgresql` package when no server binaries exist. initdb/postgres/pg_ctl live only there,
 * not on PATH (Debian's /usr/bin wrappers need a cluster registered in /etc/postgresql).
 */
function ensurePostgres() {
	if (!pgBinPromise) {
		pgBinPromise = (async () => {
			let dir = findPgBinDir();
			if (dir) return dir;
			await aptInstall(['postgresql']);
			dir = findPgBinDir();
			if (!dir)
				throw new Error(
					`ensurePostgres: no initdb/postgres/pg_ctl under ${PG_LIB_DIR}/*/bin after apt-get install postgresql`,
				);
			return dir;
		})();
		pgBinPromise.catch(() => (pgBinPromise = null));
	}
	return pgBinPromise;
}

/** uid/gid of the `postgres` OS user (created by Debian's postgresql-common), or null. */
function postgresOsUser() {
	try {
		for (const line of fs.readFileSync('/etc/passwd', 'utf8').split('\n')) {
			const f = line.split(':');
			if (f[0] === 'postgres') return { name: 'postgres', uid: Number(f[2]), gid: Number(f[3]) };
		}
	} catch {}
	return null;
}

function shQuote(s) {
	return `'${String(s).replace(/'/g, `'\\''`)}'`;
}

/**
 * [cmd, args] that run `cmd args` as the postgres OS user when we are root: initdb refuses to run as
 * root ("cannot be run as root") and the postmaster does too. runuser needs no password and no PAM
 * login shell; su is the fallback where util-linux's runuser is missing. Non-root callers run the
 * binaries as themselves (initdb only refuses root).
 */
function asPostgresUser(cmd, args) {
	if (!isRoot()) return [cmd, args];
	const runuser = findExecutable('runuser');
	if (runuser) return [runuser, ['-u', 'postgres', '--', cmd, ...args]];
	return [
		findExecutable('su') || 'su',
		['postgres', '-s', '/bin/sh', '-c', [cmd, ...args].map(shQuote).join(' ')],
	];
}

/** Environment for the postgres tools: no inherited PG* variables (PGDATA, PGPORT, ... would win over our flags). */
function pgEnv(extra = {}) {
	const env = {};
	for (const [k, v] of Object.entries(process.env)) if (!/^PG/.test(k)) env[k] = v;
	return { ...env, LC_ALL: 'C', LANG: 'C', ...extra };
}

/**
 * A temp folder the postgres user can reach. os.tmpdir() is normally /tmp (1777); if TMPDIR points
 * into e.g. /root (0700) the postgres user could not traverse it, so we fall back to /tmp.
 */
function pgTempBase(user) {
	const candidates = [os.tmpdir(), '/tmp'];
	for (const c of candidates) {
		if (!user) return c;
		const probe = asPostgresUser('test', ['-x', c, '-a', '-w', c]);
		if (spawnSync(probe[0], probe[1], { stdio: 'ignore' }).status === 0) return c;
	}
	throw new Error('startPostgres: no temp folder writable by the postgres user');
}

/**
 * Runs SQL with psql (the server's own client, no npm package) as `pg.user` over TCP with the
 * password, unaligned, tab-separated, no headers. Resolves an array of rows (arrays of strings).
 * Throws on SQL errors (ON_ERROR_STOP).
 */
async function pgQuery(pg, sql, { database, timeoutMs = 30 * SEC } = {}) {
	const binDir = await ensurePostgres();
	const r = await driver.runProcess(
		path.join(binDir, 'psql'),
		[
			'-X',
			'-q',
			'-v',
			'ON_ERROR_STOP=1',
			'-A',
			'-t',
			'-F',
			'\t',
			'-h',
			pg.host,
			'-p',
			String(pg.port),
			'-U',
			pg.user,
			'-d',
			database ?? pg.database,
			'-c',
			sql,
		],
		{ env: pgEnv({ PGPASSWORD: pg.password, PGCONNECT_TIMEOUT: '5' }), timeoutMs },
	);
	if (r.code !== 0)
		throw new Error(
			`psql failed (${r.timedOut ? 'timeout' : `exit ${r.code}`}): ${tail(r.stderr, 20)}\nSQL: ${sql}`,
		);
	return r.stdout
		.split('\n')
		.filter((l) => l !== '')
		.map((l) => l.split('\t'));
}

/**
 * Starts a throwaway PostgreSQL server: initdb into a temp folder owned by the postgres OS user,
 * the postmaster as our child in its own process group (so this module can stop it when the caller
 * dies; `pg_ctl start` would detach it into a session of its own and outlive us) on a free port,
 * listening on 127.0.0.1 only, its unix socket in the temp folder (not /var/run/postgresql, which
 * may belong to a system cluster). Durability is switched off (fsync, synchronous_commit,
 * full_page_writes): this is test data. A password role and a database it owns are created; the
 * promise resolves once that role can connect over TCP.
 * @returns {Promise<{ host, port, user, password, database, pid, dataDir, socketDir, binDir, logs, stop }>}
 */
async function startPostgres({
	port,
	user = 'n8n',
	database = 'n8n',
	password = crypto.randomBytes(12).toString('hex'),
	timeoutMs = SERVICE_START_TIMEOUT_MS,
	settings = {},
} = {}) {
	if (!/^[a-z_][a-z0-9_]*$/.test(user) || !/^[a-z_][a-z0-9_]*$/.test(database))
		throw new Error('startPostgres: user and database must be plain lower-case identifiers');
	const binDir = await ensurePostgres();
	const osUser = isRoot() ? postgresOsUser() : null;
	if (isRoot() && !osUser)
		throw new Error(
			'startPostgres: running as root but there is no `postgres` OS user to run initdb/postgres as (install the postgresql package)',
		);
	const bin = (n) => path.join(binDir, n);

	const t0 = Date.now();
	const base = fs.mkdtempSync(path.join(pgTempBase(osUser), 'n8n-pg-'));
	registerTempDir(base);
	const dataDir = path.join(base, 'data');
	const socketDir = path.join(base, 'sock');
	fs.mkdirSync(socketDir);
	if (osUser) {
		fs.chownSync(base, osUser.uid, osUser.gid);
		fs.chownSync(socketDir, osUser.uid, osUser.gid);
	}
	const fail = (msg, r) => {
		dropTempDir(base);
		return new Error(
			`startPostgres: ${msg}${r ? `\n${tail(r.stdout, 20)}\n${tail(r.stderr, 20)}` : ''}`,
		);
	};

	// Superuser `postgres`, trusted on the unix socket only (the socket sits in the 0700 temp folder:
	// only root and the postgres user reach it); TCP needs a password (scram), as n8n connects.
	const [icmd, iargs] = asPostgresUser(bin('initdb'), [
		'-D',
		dataDir,
		'-U',
		'postgres',
		'--auth-local=trust',
		'--auth-host=scram-sha-256',
		'-E',
		'UTF8',
		'--locale=C',
		'--no-sync',
		'--no-instructions',
	]);
	const init = await driver.runProcess(icmd, iargs, {
		cwd: base,
		env: pgEnv(),
		timeoutMs: 120 * SEC,
	});
	if (init.code !== 0)
		throw fail(`initdb failed (${init.timedOut ? 'timeout' : `exit ${init.code}`})`, init);
	const initMs = Date.now() - t0;

	const conf = {
		listen_addresses: '127.0.0.1',
		fsync: 'off',
		synchronous_commit: 'off',
		full_page_writes: 'off',
		max_connections: '200',
		...settings,
	};
	for (let attempt = 1; ; attempt++) {
		const p = port ?? (await driver.getFreePort());
		const args = ['-D', dataDir, '-p', String(p), '-k', socketDir];
		for (const [k, v] of Object.entries(conf)) args.push('-c', `${k}=${v}`);
		const [cmd, cargs] = asPostgresUser(bin('postgres'), args);
		// Not handed to the driver's exit hooks: a SIGKILLed postmaster leaves its SysV shared memory
		// segment behind. Ours run `pg_ctl stop -m immediate` synchronously, then SIGKILL the group.
		const svc = spawnService(cmd, cargs, {
			cwd: base,
			env: pgEnv(),
			name: `postgres:${p}`,
			track: false,
		});
		const [immCmd, immArgs] = asPostgresUser(bin('pg_ctl'), [
			'stop',
			'-D',
			dataDir,
			'-m',
			'immediate',
			'-w',
			'-t',
			'10',
		]);
		const entry = {
			child: svc.child,
			stopSync: () => {
				if (!svc.exited())
					spawnSync(immCmd, immArgs, {
						cwd: base,
						env: pgEnv(),
						stdio: 'ignore',
						timeout: 15 * SEC,
					});
				try {
					process.kill(-svc.pid, 'SIGKILL');
				} catch {}
			},
		};
		livePostgres.add(entry);
		svc.exitPromise.then(() => livePostgres.delete(entry));
		try {
			const isReady = async () =>
				(
					await driver.runProcess(
						bin('pg_isready'),
						['-q', '-h', socketDir, '-p', String(p), '-t', '2'],
						{ env: pgEnv(), timeoutMs: 5 * SEC },
					)
				).code === 0;
			await waitUntil(svc, isReady, { timeoutMs, what: `postgres on 127.0.0.1:${p}` });
			// Role + database over the socket as superuser. The role owns its database, which in
			// PostgreSQL 15 is what grants CREATE on schema public (revoked from PUBLIC since 15).
			const setup = await driver.runProcess(
				bin('psql'),
				[
					'-X',
					'-q',
					'-v',
					'ON_ERROR_STOP=1',
					'-h',
					socketDir,
					'-p',
					String(p),
					'-U',
					'postgres',
					'-d',
					'postgres',
					'-c',
					`CREATE ROLE ${user} LOGIN PASSWORD '${password.replace(/'/g, "''")}'`,
					'-c',
					`CREATE DATABASE ${database} OWNER ${user}`,
				],
				{ cwd: base, env: pgEnv(), timeoutMs: 30 * SEC },
			);
			if (setup.code !== 0)
				throw new Error(`creating role/database failed: ${tail(setup.stderr, 20)}`);
		} catch (err) {
			await svc.stop({ signal: 'SIGINT', graceMs: 5 * SEC });
			if (
				port === undefined &&
				attempt < 3 &&
				/could not bind|Address already in use/i.test(svc.logs())
			)
				continue;
			dropTempDir(base);
			throw err;
		}
		const pg = { host: '127.0.0.1', port: p, user, password, database };
		try {
			await pgQuery(pg, 'select 1'); // the path n8n takes: TCP + password
		} catch (err) {
			await svc.stop({ signal: 'SIGINT', graceMs: 5 * SEC });
			dropTempDir(base);
			throw err;
		}
		let stopped = false;
		return {
			...pg,
			pid: svc.pid,
			dataDir,
			socketDir,
			binDir,
			initMs,
			logs: svc.logs,
			stop: async () => {
				if (stopped) return;
				stopped = true;
				if (!svc.exited()) {
					// Fast shutdown: roll back open transactions, disconnect clients, exit. -w waits for it.
					const [scmd, sargs] = asPostgresUser(bin('pg_ctl'), [
						'stop',
						'-D',
						dataDir,
						'-m',
						'fast',
						'-w',
						'-t',
						'30',
					]);
					const r = await driver.runProcess(scmd, sargs, {
						cwd: base,
						env: pgEnv(),
						timeoutMs: 40 * SEC,
					});
					if (r.code !== 0)
						log(
							`pg_ctl stop exited ${r.code}: ${tail(r.stderr, 5)} (killing the process group instead)`,
						);
				}
				await svc.stop({ signal: 'SIGINT', graceMs: 10 * SEC }); // SIGINT = fast shutdown, if pg_ctl failed
				dropTempDir(base);
			},
		};
	}
}

// ---------------------------------------------------------------- n8n queue mode

/**
 * Env vars every n8n process of a queue-mode setup needs (main, workers, and the CLI commands that
 * touch the database such as import:workflow / publish:workflow). Merge into n8nEnv:
 *   n8nEnv(userFolder, queueModeEnv({ redis, postgres }))
 * N8N_ENCRYPTION_KEY is set only when given: n8nEnv already derives one from the user folder, and
 * every process sharing that folder then agrees (a key that differs from <folder>/.n8n/config
 * makes n8n refuse to start).
 */
function queueModeEnv({ redis, postgres, encryptionKey, bullPrefix } = {}) {
	if (!redis || !redis.port) throw new Error('queueModeEnv: redis { port } is required');
	if (!postgres || !postgres.port)
		throw new Error('queueModeEnv: postgres { host, port, user, password, database } is required');
	const env = {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: redis.host ?? '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: postgres.host ?? '127.0.0.1',
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_DATABASE: postgres.database,
		DB_POSTGRESDB_USER: postgres.user,
		DB_POSTGRESDB_PASSWORD: postgres.password,
		DB_POSTGRESDB_SCHEMA: 'public',
		// 2.41 warns at start that manual runs on main are deprecated in scaling mode; v3 always
		// routes them to workers. Opting in keeps the log clean and every execution on a worker.
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		// Jest sets NODE_ENV=test, which makes n8n's CLI commands do nothing.
		NODE_ENV: 'production',
	};
	if (bullPrefix) env.QUEUE_BULL_PREFIX = bullPrefix;
	if (encryptionKey) env.N8N_ENCRYPTION_KEY = encryptionKey;
	return env;
}

/**
 * Activates (publishes) an imported workflow with the CLI, before `n8n start`: import:workflow
 * leaves workflows inactive, and 2.x replaced `update:workflow --active=true` by
 * `publish:workflow --id=<id>` (sets activeVersionId = the current version). A running main does
 * not notice the change; use activateWorkflowRest then.
 */
async function publishWorkflow(env, id, opts = {}) {
	const r = await driver.runN8n(
		{ ...env, NODE_ENV: 'production' },
		['publish:workflow', `--id=${id}`],
		opts,
	);
	const out = `${r.stdout}\n${r.stderr}`;
	// publish:workflow catches its own errors (unknown id, no history version) and logs them under
	// "Error updating database ... GOT ERROR" instead of relying on the exit code.
	if (r.code !== 0 || r.timedOut || /GOT ERROR|Error updating database/.test(out)) {
		throw new Error(
			`n8n publish:workflow --id=${id} failed (${r.timedOut ? 'timeout' : `exit ${r.code}`})\n${tail(r.stdout, 30)}\n${tail(r.stderr, 30)}`,
		);
	}
	return r;
}

/**
 * Waits until a workflow's triggers are live on a running main. 2.41 publishes asynchronously by
 * default (N8N_USE_WORKFLOW_PUBLICATION_SERVICE=true): activation writes an outbox row that a
 * consumer on the main applies moments later (~0.3 s here), and at boot the main answers
 * /healthz/readiness before its reconciler has re-published the active workflows. A webhook called
 * in that window gets 404 "webhook is not registered". We poll
 * GET /rest/workflows/:id/publication-status until status is "published" (for `versionId`, when
 * given); "failed"/"partial" throw with the trigger errors. With the publication service switched
 * off the endpoint is 404 and activation was synchronous, so we return at once.
 * @returns {Promise<{ status: string, liveVersionId: string|null, triggers: object[] } | null>}
 */
async function waitForPublished(client, id, { versionId, timeoutMs = 60 * SEC } = {}) {
	const deadline = Date.now() + timeoutMs;
	let last;
	for (;;) {
		const r = await client.rest('GET', `/rest/workflows/${id}/publication-status`);
		if (r.status === 404 && /not available/i.test(r.text)) return null;
		if (!r.ok)
			throw new Error(`waitForPublished: publication-status of ${id}: ${r.status} ${r.text}`);
		last = r.data;
		if (last.status === 'published' && (!versionId || last.liveVersionId === versionId))
			return last;
		if (last.status === 'failed' || last.status === 'partial') {
			throw new Error(
				`waitForPublished: workflow ${id} ${last.status}: ${last.triggers
					.filter((t) => t.status === 'failed')
					.map((t) => `${t.nodeId}: ${t.errorMessage}`)
					.join('; ')}`,
			);
		}
		if (Date.now() > deadline)
			throw new Error(
				`waitForPublished: workflow ${id} not published within ${Math.round(timeoutMs / SEC)} s (last: ${JSON.stringify(last)})`,
			);
		await sleep(100);
	}
}

/** Waits for every active workflow the main knows (GET /rest/workflows, activeVersionId set). */
async function waitForActiveWorkflows(client, { timeoutMs = 60 * SEC } = {}) {
	const r = await client.rest('GET', '/rest/workflows');
	if (!r.ok) throw new Error(`waitForActiveWorkflows: GET /rest/workflows: ${r.status} ${r.text}`);
	const active = (Array.isArray(r.data) ? r.data : (r.data?.data ?? [])).filter(
		(w) => w.activeVersionId,
	);
	await Promise.all(
		active.map((w) => waitForPublished(client, w.id, { versionId: w.activeVersionId, timeoutMs })),
	);
	return active.map((w) => w.id);
}

/**
 * Activates a workflow on a running main through the REST API the editor uses:
 * GET /rest/workflows/:id for its versionId, POST /rest/workflows/:id/activate { versionId }, then
 * (unless wait: false) waitForPublished, because the 200 of /activate comes before the webhooks are
 * registered. Workers need nothing: they only run what the main enqueues.
 * @returns {Promise<object>} the workflow as returned by n8n (active: true, activeVersionId)
 */
async function activateWorkflowRest(client, id, { wait = true, timeoutMs } = {}) {
	const wf = await client.rest('GET', `/rest/workflows/${id}`);
	if (!wf.ok) throw new Error(`activateWorkflowRest: GET workflow ${id}: ${wf.status} ${wf.text}`);
	const r = await client.rest('POST', `/rest/workflows/${id}/activate`, {
		versionId: wf.data.versionId,
	});
	if (!r.ok) throw new Error(`activateWorkflowRest: activate ${id}: ${r.status} ${r.text}`);
	if (wait) await waitForPublished(client, id, { versionId: wf.data.versionId, timeoutMs });
	return r.data;
}

/** activateWorkflow(env, id) before start (CLI publish), activateWorkflow(client, id) after (REST). */
async function activateWorkflow(envOrClient, id, opts) {
	if (envOrClient && typeof envOrClient.rest === 'function')
		return await activateWorkflowRest(envOrClient, id);
	return await publishWorkflow(envOrClient, id, opts);
}

/**
 * Calls a production webhook: POST (or `method`) <baseUrl>/webhook/<path> with a JSON body.
 * `target` is a client from startN8n/startQueueCluster().main or a base URL string. In queue mode
 * the main (or an `n8n webhook` process) receives it and enqueues the execution; with
 * responseMode "lastNode" the request stays open until a worker has finished the run.
 * Never throws on HTTP status: { status, body, text, headers, ms }.
 */
function callWebhook(
	target,
	webhookPath,
	body,
	{ method = 'POST', timeoutMs = 120 * SEC, headers = {}, prefix = 'webhook' } = {},
) {
	const base = new URL(typeof target === 'string' ? target : target.baseUrl);
	const started = Date.now();
	return new Promise((resolve, reject) => {
		const payload = body === undefined ? undefined : JSON.stringify(body);
		const req = http.request(
			{
				host: base.hostname,
				port: base.port,
				method,
				path: `/${prefix}/${String(webhookPath).replace(/^\/+/, '')}`,
				headers: {
					accept: 'application/json',
					...(payload !== undefined
						? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
						: {}),
					...headers,
				},
				timeout: timeoutMs,
			},
			(res) => {
				let text = '';
				res.setEncoding('utf8');
				res.on('data', (d) => (text += d));
				res.on('end', () => {
					let json;
					try {
						json = text ? JSON.parse(text) : undefined;
					} catch {}
					resolve({
						status: res.statusCode,
						body: json,
						text,
						headers: res.headers,
						ms: Date.now() - started,
					});
				});
			},
		);
		req.on('timeout', () =>
			req.destroy(new Error(`${method} /${prefix}/${webhookPath}: no answer in ${timeoutMs} ms`)),
		);
		req.on('error', reject);
		if (payload !== undefined) req.write(payload);
		req.end();
	});
}

/** Execution ids a worker log says it ran ("Worker started execution 12 (job 7)"). */
function workerExecutionIds(logText) {
	return [...String(logText).matchAll(/Worker started execution (\d+) \(job /g)].map((m) => m[1]);
}

/** Execution ids a main log says it put on the queue ("Enqueued execution 12 (job 7)"). */
function enqueuedExecutionIds(logText) {
	return [...String(logText).matchAll(/Enqueued execution (\d+) \(job /g)].map((m) => m[1]);
}

/**
 * n8n's crash journal: every process touches <n8nFolder>/crash.journal at boot and removes it on a
 * clean exit; a process that finds it at boot logs "Last session crashed" and sleeps 10 s (crash-loop
 * brake, production mode only). With one shared user folder the journal of the running main (or of
 * the worker started a moment earlier) looks like a crash to every later process.
 */
function crashJournalPath(userFolder) {
	return path.join(userFolder, '.n8n', 'crash.journal');
}

/** Spawns `n8n worker`; ready() resolves when its /healthz/readiness answers 200. */
async function spawnWorker({ index, env, userFolder, concurrency, healthPort, brokerPort }) {
	const { n8nBin, nodeBin } = await ensureN8n();
	const e = {
		...env,
		PATH: `${path.dirname(nodeBin)}${path.delimiter}${env.PATH || ''}`,
		N8N_RUNNERS_BROKER_PORT: String(brokerPort), // default 5679 would clash with main's and the other workers'
		QUEUE_HEALTH_CHECK_ACTIVE: 'true',
		QUEUE_HEALTH_CHECK_PORT: String(healthPort), // default 5678, the main's default port
		N8N_WORKER_SERVER_ADDRESS: '127.0.0.1', // default '::' = all interfaces
		// Every worker would otherwise append to (and replay at boot) the same
		// <n8nFolder>/n8nEventLog-worker.log of the shared folder.
		N8N_EVENTBUS_LOGWRITER_LOGFULLPATH: path.join(
			userFolder,
			'.n8n',
			`n8nEventLog-worker-${index}.log`,
		),
	};
	// A worker never serves N8N_PORT, but the variable must not point at a port someone uses.
	delete e.N8N_PORT;
	const svc = spawnService(nodeBin, [n8nBin, 'worker', `--concurrency=${concurrency}`], {
		cwd: userFolder,
		env: e,
		name: `worker-${index}`,
	});
	const worker = {
		index,
		pid: svc.pid,
		healthPort,
		brokerPort,
		concurrency,
		logs: svc.logs,
		executionIds: () => workerExecutionIds(svc.logs()),
		exited: svc.exited,
		stop: (opts) => svc.stop(opts),
	};
	worker.ready = (timeoutMs) =>
		waitUntil(
			svc,
			async () =>
				(
					await driver.httpRequest({
						port: healthPort,
						method: 'GET',
						urlPath: '/healthz/readiness',
						timeoutMs: 2 * SEC,
					})
				).status === 200,
			{ timeoutMs, what: `n8n worker ${index} (health port ${healthPort})` },
		);
	return worker;
}

/**
 * Starts a queue-mode cluster on one user folder: `n8n start` (main: UI/REST, webhooks, enqueues
 * executions) and `workers` × `n8n worker --concurrency=<workerConcurrency>` (run the executions).
 * The main starts first and alone, so only one process runs the database migrations. Workers are
 * spawned one after the other only until each has passed its crash-journal check (about a second;
 * see crashJournalPath), then boot in parallel. Each process gets its own task-runner broker port,
 * each worker its own health port and event log file; the cluster is ready when main's and every
 * worker's /healthz/readiness answer 200 and (waitForActive, default) every active workflow is
 * published on the main.
 *
 * @param {{ userFolder?: string, env?: object, redis?: object, postgres?: object, workers?: number,
 *   workerConcurrency?: number, timeoutMs?: number, owner?: object, waitForActive?: boolean }} opts
 *   env: n8nEnv(userFolder, queueModeEnv(...)) (built from redis + postgres when omitted).
 * @returns {Promise<{ main, workers, activeWorkflowIds, env, startMs, stop, logs, executionsByProcess }>}
 *   main: the startN8n client ({ port, baseUrl, rest, logs, stop, ... } + brokerPort, startMs);
 *   workers[i]: { index, pid, healthPort, brokerPort, concurrency, startMs, logs, executionIds, stop };
 *   logs(): all output, one section per process; executionsByProcess(): { main: [enqueued ids],
 *   mainRan: [ids main ran itself], workers: [[ids started by worker 0], ...] } parsed from the logs.
 */
async function startQueueCluster({
	userFolder,
	env,
	redis,
	postgres,
	workers = 2,
	workerConcurrency = 10,
	timeoutMs = CLUSTER_START_TIMEOUT_MS,
	owner,
	waitForActive = true,
} = {}) {
	if (!env) {
		if (!userFolder || !redis || !postgres)
			throw new Error(
				'startQueueCluster: pass env (n8nEnv(userFolder, queueModeEnv(...))) or userFolder + redis + postgres',
			);
		env = driver.n8nEnv(userFolder, queueModeEnv({ redis, postgres }));
	}
	userFolder = path.resolve(userFolder ?? env.N8N_USER_FOLDER);
	if (env.N8N_USER_FOLDER && path.resolve(env.N8N_USER_FOLDER) !== userFolder)
		throw new Error(
			`startQueueCluster: userFolder ${userFolder} differs from env.N8N_USER_FOLDER ${env.N8N_USER_FOLDER}`,
		);
	if (env.EXECUTIONS_MODE !== 'queue')
		throw new Error(
			'startQueueCluster: env.EXECUTIONS_MODE is not "queue" (merge queueModeEnv() into n8nEnv())',
		);
	if (env.DB_TYPE !== 'postgresdb')
		log(
			`warning: DB_TYPE=${env.DB_TYPE}; n8n does not support scaling mode on SQLite (separate processes, one file)`,
		);
	if (!env.N8N_ENCRYPTION_KEY)
		throw new Error(
			'startQueueCluster: env has no N8N_ENCRYPTION_KEY; every process must share one',
		);

	const [mainPort, mainBroker, ...rest] = await getFreePorts(2 + 2 * workers);
	const base = { ...env, N8N_USER_FOLDER: userFolder, NODE_ENV: 'production' };
	// Workers build $execution.resumeUrl and the like from the webhook base URL: point them at main.
	const mainUrl = `http://127.0.0.1:${mainPort}/`;
	const journal = crashJournalPath(userFolder);
	const started = { main: null, workers: [] };
	const stopAll = async (graceMs = STOP_GRACE_MS) => {
		// Workers first: they finish (up to N8N_GRACEFUL_SHUTDOWN_TIMEOUT) what they run and report it
		// to the main, which must still be there to answer the waiting webhook calls.
		await Promise.all(started.workers.map((w) => w.stop({ graceMs })));
		if (started.main) await started.main.stop();
	};

	const t0 = Date.now();
	try {
		fs.rmSync(journal, { force: true }); // left by a killed earlier run: would cost the main 10 s
		started.main = await driver.startN8n(
			{ ...base, N8N_RUNNERS_BROKER_PORT: String(mainBroker) },
			{ port: mainPort, timeoutMs, owner },
		);
		started.main.brokerPort = mainBroker;
		started.main.startMs = Date.now() - t0;
		const t1 = Date.now();
		// Workflows published before the start go live shortly after readiness (see waitForPublished);
		// that wait overlaps with the workers' boot.
		const published = waitForActive
			? waitForActiveWorkflows(started.main, { timeoutMs })
			: Promise.resolve([]);
		published.catch(() => {}); // awaited below; don't let it become an unhandled rejection meanwhile
		for (let i = 0; i < workers; i++) {
			fs.rmSync(journal, { force: true });
			const w = await spawnWorker({
				index: i,
				env: { ...base, WEBHOOK_URL: mainUrl, N8N_EDITOR_BASE_URL: mainUrl },
				userFolder,
				concurrency: workerConcurrency,
				brokerPort: rest[2 * i],
				healthPort: rest[2 * i + 1],
			});
			started.workers.push(w);
			// The worker recreates the journal right after its check; only then may we remove it for the next.
			const until = Date.now() + 30 * SEC;
			while (i < workers - 1 && !fs.existsSync(journal) && !w.exited() && Date.now() < until)
				await sleep(50);
		}
		const results = await Promise.allSettled([
			published,
			...started.workers.map((w) => w.ready(timeoutMs).then(() => (w.startMs = Date.now() - t1))),
		]);
		const failed = results.find((r) => r.status === 'rejected');
		if (failed) throw failed.reason;
		started.activeWorkflowIds = results[0].value;
	} catch (err) {
		const mainLogs = started.main ? tail(started.main.logs(), 40) : '';
		await stopAll(5 * SEC);
		throw new Error(
			`startQueueCluster: ${err.message}${mainLogs ? `\n--- main output (tail) ---\n${mainLogs}` : ''}`,
		);
	}

	let stopped = null;
	return {
		main: started.main,
		workers: started.workers,
		activeWorkflowIds: started.activeWorkflowIds,
		env: base,
		startMs: Date.now() - t0,
		stop: ({ graceMs } = {}) => (stopped ??= stopAll(graceMs)),
		logs: () =>
			[
				`===== main (port ${started.main.port}) =====`,
				started.main.logs(),
				...started.workers.flatMap((w) => [
					`===== worker ${w.index} (health ${w.healthPort}) =====`,
					w.logs(),
				]),
			].join('\n'),
		executionsByProcess: () => ({
			main: enqueuedExecutionIds(started.main.logs()),
			mainRan: workerExecutionIds(started.main.logs()),
			workers: started.workers.map((w) => w.executionIds()),
		}),
	};
}

/**
 * Synchronously stops everything this module and the driver started that is still running
 * (postmasters via `pg_ctl stop -m immediate`, the rest SIGKILL) and removes the temp folders. For a
 * test's last-resort teardown; stop() of each service is the orderly way.
 */
function killAll() {
	cleanupNow();
}

module.exports = {
	killAll,
	ensureRedis,
	startRedis,
	redisCommand,
	ensurePostgres,
	startPostgres,
	pgQuery,
	queueModeEnv,
	startQueueCluster,
	publishWorkflow,
	activateWorkflowRest,
	activateWorkflow,
	waitForPublished,
	waitForActiveWorkflows,
	callWebhook,
	workerExecutionIds,
	enqueuedExecutionIds,
	getFreePorts,
};
