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
# The bot's own reads filter on a single field (status IN …, requester == …) or
# read a subcollection in document order: the automatic single-field indexes
# serve them. The sweep's paged queries (RequestStore.page / count) filter
# `status ==`, order by one field and then by document id, and page with a
# cursor; each needs a composite index:
#   due grants          status == active,   expiresAt <= now, order by expiresAt
#   one service's due   status == active,   target ==, expiresAt <= now, order by expiresAt
#   interrupted applies status == approved, order by createdAt
#   pending requests    status == pending,  order by createdAt
#   active, by resource status == active,   order by target (one drift read per resource)
# (status == … ordered by document id alone is served by the single-field index.)
# App Home reads each of a user's sections as its most recent page:
#   requester ==, status IN (…), order by createdAt desc (active, pending)
#   requester ==, status IN (final statuses), order by updatedAt desc (history)
# (its counts and the pending-extension query use equality filters only.)
# The break-glass review list, `reviewDue == true` ordered by document id, is
# served by the automatic single-field index (no composite index).

resource "google_firestore_index" "requests_status_expires_at" {
  project    = var.project_id
  database   = google_firestore_database.runwarden.name
  collection = "requests"

  fields {
    field_path = "status"
    order      = "ASCENDING"
  }
  fields {
    field_path = "expiresAt"
    order      = "ASCENDING"
  }
  fields {
    field_path = "__name__"
    order      = "ASCENDING"
  }
}

resource "google_firestore_index" "requests_status_target_expires_at" {
  project    = var.project_id
  database   = google_firestore_database.runwarden.name
  collection = "requests"

  fields {
    field_path = "status"
    order      = "ASCENDING"
  }
  fields {
    field_path = "target"
    order      = "ASCENDING"
  }
  fields {
    field_path = "expiresAt"
    order      = "ASCENDING"
  }
  fields {
    field_path = "__name__"
    order      = "ASCENDING"
  }
}

resource "google_firestore_index" "requests_status_created_at" {
  project    = var.project_id
  database   = google_firestore_database.runwarden.name
  collection = "requests"

  fields {
    field_path = "status"
    order      = "ASCENDING"
  }
  fields {
    field_path = "createdAt"
    order      = "ASCENDING"
  }
  fields {
    field_path = "__name__"
    order      = "ASCENDING"
  }
}

resource "google_firestore_index" "requests_status_target" {
  project    = var.project_id
  database   = google_firestore_database.runwarden.name
  collection = "requests"

  fields {
    field_path = "status"
    order      = "ASCENDING"
  }
  fields {
    field_path = "target"
    order      = "ASCENDING"
  }
  fields {
    field_path = "__name__"
    order      = "ASCENDING"
  }
}

resource "google_firestore_index" "requests_requester_status_created_at" {
  project    = var.project_id
  database   = google_firestore_database.runwarden.name
  collection = "requests"

  fields {
    field_path = "requester"
    order      = "ASCENDING"
  }
  fields {
    field_path = "status"
    order      = "ASCENDING"
  }
  fields {
    field_path = "createdAt"
    order      = "DESCENDING"
  }
  fields {
    field_path = "__name__"
    order      = "DESCENDING"
  }
}

resource "google_firestore_index" "requests_requester_status_updated_at" {
  project    = var.project_id
  database   = google_firestore_database.runwarden.name
  collection = "requests"

  fields {
    field_path = "requester"
    order      = "ASCENDING"
  }
  fields {
    field_path = "status"
    order      = "ASCENDING"
  }
  fields {
    field_path = "updatedAt"
    order      = "DESCENDING"
  }
  fields {
    field_path = "__name__"
    order      = "DESCENDING"
  }
}
