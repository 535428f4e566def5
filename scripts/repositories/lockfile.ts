/**
 * A dedicated repository's package-lock.json, cut out of this repository's lockfile: the entries
 * its own devDependencies reach, at the same paths and versions. So every repository installs
 * exactly the tools and types this one is tested with, generating it needs no registry, and the
 * same sources always give the same lockfile (a release with no change adds no commit).
 *
 * Reaching follows Node's module resolution as npm lays out node_modules: a dependency of the
 * package at `node_modules/a` is `node_modules/a/node_modules/<dep>` if that entry exists, else
 * the same name one level up, and so on to the root. A subset closed under that rule is itself a
 * valid tree, so npm installs it as it is.
 */
interface LockEntry {
	version?: string;
	dependencies?: Record<string, string>;
	optionalDependencies?: Record<string, string>;
	peerDependencies?: Record<string, string>;
	[field: string]: unknown;
}

export interface Lockfile {
	name: string;
	version: string;
	lockfileVersion: number;
	requires?: boolean;
	packages: Record<string, LockEntry>;
}

export interface RootManifest {
	name: string;
	version: string;
	license?: string;
	engines?: unknown;
	devDependencies: Record<string, string>;
	peerDependencies?: Record<string, string>;
}

/** Where a package installed at `from` ('' for the root) finds `name`, or undefined. */
function resolveFrom(packages: Lockfile['packages'], from: string, name: string) {
	let base = from;
	for (;;) {
		const candidate = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
		if (packages[candidate]) return candidate;
		if (!base) return undefined;
		const parent = base.lastIndexOf('/node_modules/');
		base = parent === -1 ? '' : base.slice(0, parent);
	}
}

export function lockfileFor(source: Lockfile, manifest: RootManifest): Lockfile {
	const { packages } = source;
	const reached = new Set<string>();
	const missing: string[] = [];
	const visit = (path: string, dependencies: Record<string, string>, optional: boolean) => {
		for (const name of Object.keys(dependencies)) {
			const found = resolveFrom(packages, path, name);
			if (!found) {
				// optional and peer dependencies may be absent (another platform, an unused peer)
				if (!optional) missing.push(`${name} (from ${path || 'the root'})`);
				continue;
			}
			if (reached.has(found)) continue;
			reached.add(found);
			const entry = packages[found];
			visit(found, entry.dependencies ?? {}, false);
			visit(found, { ...entry.optionalDependencies, ...entry.peerDependencies }, true);
		}
	};
	visit('', manifest.devDependencies, false);
	if (missing.length > 0)
		throw new Error(
			`the root lockfile lacks ${missing.slice(0, 5).join(', ')}: add the dependency to this repository's devDependencies and run npm install`,
		);
	const root: LockEntry = {
		name: manifest.name,
		version: manifest.version,
		license: manifest.license,
		devDependencies: manifest.devDependencies,
		peerDependencies: manifest.peerDependencies,
		engines: manifest.engines,
	};
	for (const key of Object.keys(root)) if (root[key] === undefined) delete root[key];
	return {
		name: manifest.name,
		version: manifest.version,
		lockfileVersion: source.lockfileVersion,
		requires: true,
		packages: {
			'': root,
			...Object.fromEntries([...reached].sort().map((path) => [path, packages[path]])),
		},
	};
}
