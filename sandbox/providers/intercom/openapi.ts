/**
 * Validates JSON bodies against a provider's official OpenAPI 3.0 document (Intercom's, from
 * ../shared/specs). OpenAPI 3.0 schemas are JSON Schema plus `nullable`; that is translated,
 * and formats are not enforced (Intercom marks its 24-character ids as `format: uuid`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import Ajv, { type ValidateFunction } from 'ajv';
import { parse } from 'yaml';

function translateNullable(node: unknown): unknown {
	if (Array.isArray(node)) return node.map(translateNullable);
	if (!node || typeof node !== 'object') return node;
	const out: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(node)) out[key] = translateNullable(value);
	if (out.nullable === true) {
		delete out.nullable;
		if (typeof out.type === 'string') out.type = [out.type, 'null'];
		if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
		if (!out.type && out.$ref) return { anyOf: [{ $ref: out.$ref }, { type: 'null' }] };
	}
	return out;
}

export function sharedDir(): string {
	return resolve(process.env.SHARED_DIR ?? resolve(process.cwd(), '..', 'shared'));
}

export class OpenApiValidator {
	private readonly ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });

	private readonly cache = new Map<string, ValidateFunction>();

	private readonly id: string;

	private constructor(id: string) {
		this.id = id;
	}

	static fromFile(file: string, id: string): OpenApiValidator | undefined {
		if (!existsSync(file)) return undefined;
		const document = parse(readFileSync(file, 'utf8')) as { components?: unknown };
		const validator = new OpenApiValidator(id);
		validator.ajv.addSchema({
			$id: id,
			components: translateNullable(document.components),
		} as object);
		return validator;
	}

	/** Problems with `value` against `components.schemas[name]`, empty when it is valid. */
	check(name: string, value: unknown): string[] {
		let validate = this.cache.get(name);
		if (!validate) {
			validate = this.ajv.compile({ $ref: `${this.id}#/components/schemas/${name}` });
			this.cache.set(name, validate);
		}
		if (validate(value)) return [];
		return (validate.errors ?? []).map(
			(error) => `${error.instancePath || '(body)'} ${error.message ?? 'is invalid'}`,
		);
	}
}

let intercomValidator: OpenApiValidator | undefined | null = null;

/** The validator for Intercom's official 2.16 document, or undefined when ../shared is absent. */
export function intercomSchemas(): OpenApiValidator | undefined {
	if (intercomValidator === null) {
		intercomValidator = OpenApiValidator.fromFile(
			resolve(sharedDir(), 'specs', 'intercom-openapi-2.16.yaml'),
			'intercom',
		);
	}
	return intercomValidator;
}
