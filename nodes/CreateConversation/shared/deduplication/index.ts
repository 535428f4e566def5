export { DuplicateKeyError, KeyClaim } from './claim';
export {
	DEDUPLICATION_KEY_OPTION,
	Deduplication,
	FORGET_OPTION,
	MAX_KEY_LENGTH,
	type DuplicateInfo,
	type KeySpace,
} from './keys';
export { duplicateItem, keyOptionSet, readKey, withKeyVerdict } from './items';
export { KEYS_KEPT } from './store';
