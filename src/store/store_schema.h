// The SQL schema of results.sqlite (documented in docs/STORE_SCHEMA.md; keep the two in step).
#pragma once

#include "store/sqlite_db.h"

namespace biomedq::store {

// Creates the tables of an empty database, migrates an older version in place (1 -> 2: the fidelity
// table), or checks the version of an existing one. Errors: kConflict for a version newer than this
// build.
Status ensure_schema(Database& db);

}  // namespace biomedq::store
