/**
 * The harness's credential "database": credentials kept in memory as plain data, with a log of
 * every write the credentials helper makes.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { UnexpectedError } from 'n8n-workflow';

export interface StoredCredential {
	id: string;
	name: string;
	type: string;
	data: ICredentialDataDecryptedObject;
}

export interface CredentialUpdate {
	id: string;
	type: string;
	/** `updateCredentials` (preAuthentication) or `updateCredentialsOauthTokenData` (OAuth2). */
	via: 'updateCredentials' | 'updateCredentialsOauthTokenData';
	data: ICredentialDataDecryptedObject;
}

/**
 * Credential ids are unique across every store of the process, as in a real n8n (one database):
 * the node keeps per-credential state process-wide (its rate-limit quotas), so two tests must not
 * share an id by accident. Share a store to share a credential.
 */
let nextCredentialId = 1;

/** In-memory "database" of credentials (plain data; n8n would store it encrypted). */
export class CredentialStore {
	private readonly byId = new Map<string, StoredCredential>();

	/** Every write made by the credentials helper, in order (deep copies). */
	readonly updates: CredentialUpdate[] = [];

	add(type: string, data: ICredentialDataDecryptedObject, name?: string): StoredCredential {
		const id = String(nextCredentialId++);
		const credential: StoredCredential = {
			id,
			name: name ?? `${type} account ${id}`,
			type,
			data: structuredClone(data),
		};
		this.byId.set(id, credential);
		return credential;
	}

	get(id: string): StoredCredential | undefined {
		return this.byId.get(id);
	}

	/** The first stored credential of the given type. */
	getByType(type: string): StoredCredential | undefined {
		return [...this.byId.values()].find((credential) => credential.type === type);
	}

	/** A copy of the stored data of the first credential of this type. */
	dataOf(type: string): ICredentialDataDecryptedObject | undefined {
		const credential = this.getByType(type);
		return credential ? structuredClone(credential.data) : undefined;
	}

	all(): StoredCredential[] {
		return [...this.byId.values()];
	}

	/** Overwrites the data of a credential (what n8n's repository update does). */
	replaceData(id: string, data: ICredentialDataDecryptedObject): void {
		const credential = this.byId.get(id);
		if (!credential) throw new UnexpectedError(`Credential "${id}" not found`);
		credential.data = structuredClone(data);
	}
}
