/**
 * Node types of the harness: the start node (a stand-in for the Manual Trigger), the "emit
 * items" node that feeds the node under test, and a minimal `INodeTypes` registry.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	IVersionedNodeType,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeHelpers, UnexpectedError } from 'n8n-workflow';

/** Type name of the harness's start node (stands in for n8n-nodes-base.manualTrigger). */
export const START_NODE_TYPE = 'harness.start';
/** Type name of the harness's "emit items" node. */
export const EMIT_ITEMS_NODE_TYPE = 'harness.emitItems';

export const START_NODE_NAME = 'Start';
export const EMIT_ITEMS_NODE_NAME = 'Emit Items';
export const DEFAULT_NODE_UNDER_TEST_NAME = 'Node Under Test';

/** Outputs one empty item, like the Manual Trigger does when a workflow is run by hand. */
export class HarnessStart implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Harness Start',
		name: START_NODE_TYPE,
		group: ['trigger'],
		version: 1,
		description: 'Test start node',
		defaults: { name: START_NODE_NAME },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [[{ json: {} }]];
	}
}

/** Outputs the given items (one run only), each with pairedItem pointing at the start item. */
export function createEmitItemsNode(items: Array<IDataObject | INodeExecutionData>): INodeType {
	return {
		description: {
			displayName: 'Harness Emit Items',
			name: EMIT_ITEMS_NODE_TYPE,
			group: ['transform'],
			version: 1,
			description: 'Outputs the items given to the harness',
			defaults: { name: EMIT_ITEMS_NODE_NAME },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			properties: [],
		},
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			return [
				items.map((item) => {
					const asExecutionData =
						typeof item.json === 'object' && item.json !== null && !Array.isArray(item.json)
							? (item as INodeExecutionData)
							: ({ json: item } as INodeExecutionData);
					return {
						...structuredClone(asExecutionData),
						pairedItem: { item: 0 },
					};
				}),
			];
		},
	};
}

/** Minimal `INodeTypes`: a map from type name to node type (plain or versioned). */
export class HarnessNodeTypes implements INodeTypes {
	private readonly types = new Map<string, INodeType | IVersionedNodeType>();

	constructor(types: Record<string, INodeType | IVersionedNodeType> = {}) {
		for (const [name, type] of Object.entries(types)) this.types.set(name, type);
	}

	add(name: string, type: INodeType | IVersionedNodeType): this {
		this.types.set(name, type);
		return this;
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const type = this.types.get(nodeType);
		if (!type) throw new UnexpectedError(`Unknown node type "${nodeType}"`);
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		return Object.fromEntries(
			[...this.types.keys()].map((name) => [name, { className: name, sourcePath: '' }]),
		);
	}
}

export function latestVersion(type: INodeType | IVersionedNodeType): number {
	if ('nodeVersions' in type) return type.currentVersion;
	const { version } = type.description;
	return Array.isArray(version) ? Math.max(...version) : version;
}
