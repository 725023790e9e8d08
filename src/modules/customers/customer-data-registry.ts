import type { Trx } from '../../platform/db/database.ts';

/**
 * Other modules hold data about customers (bookings, payments, notifications
 * sent, audit entries). They take part in the customer's privacy rights by
 * implementing these interfaces and exposing them as a `CustomerDataHolder`,
 * which the composition root hands to the customers module at construction
 * (its `dataHolders`); the customers module never reads their tables.
 *
 * Every callback runs inside the caller's tenant transaction (`trx`, RLS on)
 * and must only touch rows of `tenantId`.
 */

/** A category of personal data for the GDPR export (Art. 15 and 20). */
export interface PersonalDataContributor {
  /** Key of the category in `UserDataExport.data`: `bookings`, `payments`, `communications`, `audit_entries`, ... */
  name: string;
  /** Why the data is processed. */
  purposes: string[];
  /** Who receives it besides the business (payment provider, SMS gateway, ...). */
  recipients: string[];
  /** How long it is kept, in words ("7 years after the payment (tax law)"). */
  retention: string;
  /** The customer's records in this category, as plain JSON objects. */
  collect(trx: Trx, tenantId: string, customerId: string): Promise<Array<Record<string, unknown>>>;
}

export interface ErasureContext {
  reason: 'data_subject_request' | 'account_closed' | 'retention_expired' | 'other';
  erasedAt: Date;
}

/** What a participant did, in the terms of the specification's `DeletionReport`. */
export interface ErasureOutcome {
  deleted: Array<{ table: string; count: number; anonymized: boolean }>;
  /** Records kept because the law requires it, with the reason and when they will go. */
  retained: Array<{ table: string; count: number; retention_reason: string; deletion_scheduled: Date }>;
}

/**
 * Takes part in erasure (Art. 17): removes or irreversibly anonymizes its
 * personal data about the customer (bookings: cancel future ones per policy,
 * strip notes; payments: keep financial records with their legal retention).
 * Runs in the same transaction as the customer's own erasure, so either all
 * of it happens or none.
 */
export interface ErasureParticipant {
  name: string;
  erase(trx: Trx, tenantId: string, customerId: string, context: ErasureContext): Promise<ErasureOutcome>;
}

/**
 * Takes part in merging duplicate customers: re-points its rows from the
 * duplicate to the surviving customer and says how many it moved.
 */
export interface CustomerMergeParticipant {
  name: string;
  reassign(trx: Trx, tenantId: string, ids: { survivorId: string; duplicateId: string }): Promise<number>;
}

/**
 * One module's part in customers' export, erasure and merges. Each list runs
 * in its order, and holders run in the order the customers module receives
 * them (its `dataHolders`).
 */
export interface CustomerDataHolder {
  contributors?: readonly PersonalDataContributor[];
  erasureParticipants?: readonly ErasureParticipant[];
  mergeParticipants?: readonly CustomerMergeParticipant[];
}

/**
 * Every participation, in order; one instance per application, built by the
 * customers module from its own parts and the holders it is constructed with.
 */
export class CustomerDataRegistry {
  readonly #contributors: PersonalDataContributor[] = [];
  readonly #erasureParticipants: ErasureParticipant[] = [];
  readonly #mergeParticipants: CustomerMergeParticipant[] = [];

  addContributor(contributor: PersonalDataContributor): this {
    if (this.#contributors.some((existing) => existing.name === contributor.name)) {
      throw new Error(`A personal-data contributor named "${contributor.name}" is already registered`);
    }
    this.#contributors.push(contributor);
    return this;
  }

  addErasureParticipant(participant: ErasureParticipant): this {
    this.#erasureParticipants.push(participant);
    return this;
  }

  addMergeParticipant(participant: CustomerMergeParticipant): this {
    this.#mergeParticipants.push(participant);
    return this;
  }

  /** A holder's contributors, erasure and merge participants, each after those already added. */
  addHolder(holder: CustomerDataHolder): this {
    for (const contributor of holder.contributors ?? []) this.addContributor(contributor);
    for (const participant of holder.erasureParticipants ?? []) this.addErasureParticipant(participant);
    for (const participant of holder.mergeParticipants ?? []) this.addMergeParticipant(participant);
    return this;
  }

  get contributors(): readonly PersonalDataContributor[] {
    return this.#contributors;
  }

  get erasureParticipants(): readonly ErasureParticipant[] {
    return this.#erasureParticipants;
  }

  get mergeParticipants(): readonly CustomerMergeParticipant[] {
    return this.#mergeParticipants;
  }
}
