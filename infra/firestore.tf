# The request store (SPEC §7): collection `requests`, audit trail in
# `requests/{id}/events`.
resource "google_firestore_database" "runwarden" {
  project                           = var.project_id
  name                              = "(default)"
  location_id                       = var.firestore_location
  type                              = "FIRESTORE_NATIVE"
  point_in_time_recovery_enablement = "POINT_IN_TIME_RECOVERY_ENABLED"
  delete_protection_state           = "DELETE_PROTECTION_ENABLED"
  deletion_policy                   = "ABANDON"
  depends_on                        = [google_project_service.bot]
}

# Composite indexes. Every query the store runs is declared in
# src/adapters/firestore/queryShapes.ts; test/unit/infra/firestoreIndexes.test.ts
# fails when one of them needs a composite index that is not declared here.
# Real Firestore refuses such a query (FAILED_PRECONDITION); the emulator does
# not, so that test is the only guard.
#
# Today every query filters on a single field (status IN …, requester == …) or
# reads a subcollection in document order, which Firestore's automatic
# single-field indexes serve: no composite index is needed yet.
