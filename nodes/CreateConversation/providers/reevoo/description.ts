import type { INodeProperties } from 'n8n-workflow';

const byProduct = (...modes: string[]) => ({ show: { reevooProductMode: modes } });

/** Optional automotive attributes the API documents, in the order of providers.md. */
export const REEVOO_VEHICLE_ATTRIBUTES: INodeProperties[] = [
	{ displayName: 'Axle', name: 'axle', type: 'string', default: '', description: 'Axle configuration (axle)' },
	{ displayName: 'Body Type', name: 'body_type', type: 'string', default: '', placeholder: 'Hatchback', description: 'Body style (body_type)' },
	{ displayName: 'Doors', name: 'doors', type: 'number', typeOptions: { minValue: 0, maxValue: 10 }, default: 5, description: 'Number of doors (doors)' },
	{ displayName: 'Engine Size', name: 'engine_size', type: 'string', default: '', placeholder: '1598', description: 'Engine size as Reevoo knows it, e.g. cubic centimetres (engine_size)' },
	{ displayName: 'Engine Size in Liters', name: 'engine_size_in_liters', type: 'number', typeOptions: { minValue: 0, numberPrecision: 1 }, default: 1.6, description: 'Engine size in litres (engine_size_in_liters)' },
	{ displayName: 'Fuel Type', name: 'fuel_type', type: 'string', default: '', placeholder: 'Petrol', description: 'Fuel type (fuel_type)' },
	{ displayName: 'Model Display', name: 'model_display', type: 'string', default: '', description: 'Model name as shown to shoppers (model_display)' },
	{ displayName: 'Model From Month', name: 'model_from_month', type: 'number', typeOptions: { minValue: 1, maxValue: 12 }, default: 1, description: 'First month the model was built, 1-12 (model_from_month)' },
	{ displayName: 'Model From Year', name: 'model_from_year', type: 'number', typeOptions: { minValue: 1886, maxValue: 2200 }, default: 2020, description: 'First year the model was built (model_from_year)' },
	{ displayName: 'Model To Month', name: 'model_to_month', type: 'number', typeOptions: { minValue: 1, maxValue: 12 }, default: 12, description: 'Last month the model was built, 1-12 (model_to_month)' },
	{ displayName: 'Model To Year', name: 'model_to_year', type: 'number', typeOptions: { minValue: 1886, maxValue: 2200 }, default: 2024, description: 'Last year the model was built (model_to_year)' },
	{ displayName: 'Model Variant', name: 'model_variant', type: 'string', default: '', placeholder: 'Titanium', description: 'Trim or variant (model_variant)' },
	{ displayName: 'Model Year', name: 'model_year', type: 'number', typeOptions: { minValue: 1886, maxValue: 2200 }, default: 2024, description: 'Model year (model_year)' },
	{ displayName: 'Transmission', name: 'transmission', type: 'string', default: '', placeholder: 'Manual', description: 'Gearbox (transmission)' },
	{ displayName: 'Used', name: 'used', type: 'boolean', default: false, description: 'Whether the vehicle is used rather than new (used)' },
	{ displayName: 'Vehicle Type', name: 'vehicle_type', type: 'string', default: '', placeholder: 'Car', description: 'Kind of vehicle (vehicle_type)' },
];

export const REEVOO_SEARCH_RETAILERS = 'reevooSearchRetailers';

/**
 * No Locale field: `locale` was removed from Reevoo's conversations#create docs in 2016 (docs
 * repository commit "Remove locale parameter from conversations#create docs"). A workflow saved
 * with the old `reevooLocale` keeps working: the item loop reads only this panel's fields.
 */
export const reevooProperties: INodeProperties[] = [
	{
		displayName: 'Retailer',
		name: 'reevooTrkref',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: 'The retailer (Reevoo calls its ID the trkref) whose shoppers and owners get the question',
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select a retailer...',
				typeOptions: { searchListMethod: REEVOO_SEARCH_RETAILERS, searchable: true },
			},
			{
				displayName: 'By Trkref',
				name: 'id',
				type: 'string',
				placeholder: 'D10',
				hint: 'The retailer identifier (trkref) Reevoo gave you',
			},
		],
	},
	{
		displayName: 'Identify Product By',
		name: 'reevooProductMode',
		type: 'options',
		noDataExpression: true,
		default: 'sku',
		options: [
			{
				name: 'Automotive Attributes',
				value: 'automotive',
				description: 'Manufacturer, model and optional vehicle details (for automotive retailers)',
			},
			{ name: 'SKU', value: 'sku', description: 'The product code the retailer uses' },
		],
		description: 'Which product the question is about',
	},
	{
		displayName: 'SKU',
		name: 'reevooSku',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'AIPTPDV5700',
		description: 'The product SKU as the retailer sent it to Reevoo',
		displayOptions: byProduct('sku'),
	},
	{
		displayName: 'Manufacturer',
		name: 'reevooManufacturer',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'Ford',
		description: 'Vehicle manufacturer (manufacturer)',
		displayOptions: byProduct('automotive'),
	},
	{
		displayName: 'Model',
		name: 'reevooModel',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'Focus',
		description: 'Vehicle model (model)',
		displayOptions: byProduct('automotive'),
	},
	{
		displayName: 'Vehicle Attributes',
		name: 'reevooVehicleAttributes',
		type: 'collection',
		placeholder: 'Add Attribute',
		default: {},
		description: 'Optional vehicle details that narrow down the product',
		options: REEVOO_VEHICLE_ATTRIBUTES,
		displayOptions: byProduct('automotive'),
	},
	{
		displayName: 'Email',
		name: 'reevooEmail',
		type: 'string',
		placeholder: 'name@email.com',
		default: '',
		required: true,
		description: 'Email address of the shopper asking; Reevoo sends the answers there',
	},
	{
		displayName: 'Question',
		name: 'reevooQuestion',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		description: 'The question the shopper asks about the product',
	},
	{
		displayName: 'First Name',
		name: 'reevooFirstName',
		type: 'string',
		default: '',
		description: 'First name of the shopper. Empty lets Reevoo use its default, "A shopper".',
	},
];
