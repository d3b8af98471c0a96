/**
 * What the posture scan reads from Google's inventory, as the domain speaks
 * of it (the Asset Inventory adapter turns Google's search results into
 * these). Names are the API's own resource names, without Asset Inventory's
 * `//service.googleapis.com/` prefix. Pure types.
 */

export interface InventoryCondition {
  title: string;
  description?: string | undefined;
  expression: string;
}

export interface InventoryBinding {
  role: string;
  members: string[];
  condition?: InventoryCondition | undefined;
}

/** Cloud Run's ingress setting, as runwarden names it (`unspecified`: the service shows none; Cloud Run then allows all). */
export type InventoryIngress = 'all' | 'internal' | 'internal-and-cloud-load-balancing' | 'none' | 'unspecified';

/** A Cloud Run service (run.googleapis.com/Service). */
export interface InventoryService {
  /** projects/P/locations/L/services/S */
  name: string;
  ingress: InventoryIngress;
  /** the runtime identity (template.service_account); undefined when the service names none */
  serviceAccount?: string | undefined;
  /** the customer-managed encryption key (template.encryption_key), a CryptoKey name */
  encryptionKey?: string | undefined;
}

/** A Cloud KMS key (cloudkms.googleapis.com/CryptoKey). */
export interface InventoryKey {
  /** projects/P/locations/L/keyRings/R/cryptoKeys/K */
  name: string;
  /** ENCRYPT_DECRYPT, ASYMMETRIC_SIGN, … */
  purpose: string;
  /** undefined: no automatic rotation */
  rotationPeriodSeconds?: number | undefined;
}

/** The IAM policy set directly on a Cloud Run service or on a project. */
export interface InventoryPolicy {
  /** projects/P/locations/L/services/S, or projects/P */
  resource: string;
  level: 'service' | 'project';
  bindings: InventoryBinding[];
}
