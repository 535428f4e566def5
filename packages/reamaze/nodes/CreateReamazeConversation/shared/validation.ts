import { NodeOperationError, type INode, type INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

/** Finds the label a user sees for a parameter path like ['intercomOptions', 'subject']. */
function fieldLabel(properties: INodeProperties[], path: Array<string | number>): string {
	const labels: string[] = [];
	let scope: INodeProperties[] | undefined = properties;
	for (const segment of path) {
		if (typeof segment === 'number') {
			labels.push(`#${segment + 1}`);
			continue;
		}
		const property: INodeProperties | undefined = scope?.find(
			(candidate) => candidate.name === segment,
		);
		if (!property) {
			labels.push(segment);
			scope = undefined;
			continue;
		}
		labels.push(property.displayName);
		scope = nestedProperties(property);
	}
	return labels.join(' › ');
}

/** Collections hold properties directly; fixed collections hold named groups of properties. */
function nestedProperties(property: INodeProperties): INodeProperties[] | undefined {
	const options = property.options as unknown[] | undefined;
	if (!options) return undefined;
	const flattened: INodeProperties[] = [];
	for (const option of options) {
		if (typeof option !== 'object' || option === null || !('displayName' in option)) continue;
		if ('values' in option && Array.isArray(option.values)) {
			// A fixed collection's group (e.g. `pair` in ['context', 'pair', 0, 'key']) and its fields.
			flattened.push({
				displayName: String(option.displayName),
				name: String((option as { name?: unknown }).name),
				type: 'collection',
				default: {},
				options: option.values as INodeProperties[],
			});
			flattened.push(...(option.values as INodeProperties[]));
		} else {
			flattened.push(option as INodeProperties);
		}
	}
	return flattened.length ? flattened : undefined;
}

function describeType(type: string): string {
	switch (type) {
		case 'string':
			return 'text';
		case 'number':
		case 'integer':
		case 'float':
			return 'a number';
		case 'boolean':
			return 'true or false';
		case 'array':
			return 'a list';
		case 'object':
			return 'an object';
		case 'date':
			return 'a date';
		case 'null':
			return 'null';
		case 'undefined':
			return 'nothing';
		default:
			return type;
	}
}

/** Wording for users who map fields in a form, not for developers reading zod's defaults. */
const userFacingErrors: z.ZodErrorMap = (issue, context) => {
	switch (issue.code) {
		case z.ZodIssueCode.invalid_type:
			if (issue.received === 'undefined' || issue.received === 'null')
				return { message: 'is required' };
			return {
				message: `must be ${describeType(issue.expected)}, not ${describeType(issue.received)}`,
			};
		case z.ZodIssueCode.too_small:
			if (issue.type === 'string')
				return {
					message:
						Number(issue.minimum) <= 1
							? 'must not be empty'
							: `must be at least ${issue.minimum} characters`,
				};
			if (issue.type === 'array') return { message: `must have at least ${issue.minimum} entries` };
			return { message: `must be at least ${issue.minimum}` };
		case z.ZodIssueCode.too_big:
			if (issue.type === 'string')
				return { message: `must be at most ${issue.maximum} characters` };
			if (issue.type === 'array') return { message: `must have at most ${issue.maximum} entries` };
			return { message: `must be at most ${issue.maximum}` };
		case z.ZodIssueCode.invalid_enum_value:
			return { message: `must be one of: ${issue.options.join(', ')}` };
		case z.ZodIssueCode.invalid_literal:
			return { message: `must be ${JSON.stringify(issue.expected)}` };
		case z.ZodIssueCode.invalid_string:
			if (issue.validation === 'email')
				return { message: 'must be an email address like name@example.com' };
			if (issue.validation === 'url')
				return { message: 'must be a full URL starting with https://' };
			return { message: context.defaultError };
		case z.ZodIssueCode.unrecognized_keys:
			return { message: `has options this provider does not know: ${issue.keys.join(', ')}` };
		default:
			return { message: context.defaultError };
	}
};

function preview(value: unknown): string {
	if (value === undefined) return 'nothing';
	let text: string;
	try {
		text = JSON.stringify(value) ?? String(value);
	} catch {
		text = Object.prototype.toString.call(value);
	}
	return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function valueAt(raw: unknown, path: Array<string | number>): unknown {
	let current: unknown = raw;
	for (const segment of path) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as Record<string | number, unknown>)[segment];
	}
	return current;
}

/**
 * Validates one item's raw parameters. On failure throws a `NodeOperationError` that names the
 * field as the user sees it, the item and what is allowed, so a mapping can be fixed without
 * reading our code. Called before any request for the item is sent.
 */
export function validateParameters<T>(
	node: INode,
	schema: z.ZodType<T, z.ZodTypeDef, unknown>,
	properties: INodeProperties[],
	raw: Record<string, unknown>,
	itemIndex: number,
): T {
	const result = schema.safeParse(raw, { errorMap: userFacingErrors });
	if (result.success) return result.data;

	const [first] = result.error.issues;
	const lines = result.error.issues.map(
		(issue) =>
			`"${fieldLabel(properties, issue.path)}" ${issue.message} (received ${preview(valueAt(raw, issue.path))})`,
	);
	throw new NodeOperationError(
		node,
		`Invalid "${fieldLabel(properties, first.path)}" in item ${itemIndex}: ${first.message}`,
		{ itemIndex, description: lines.join('\n') },
	);
}
