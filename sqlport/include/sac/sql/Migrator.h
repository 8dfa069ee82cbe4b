// Versioned schema migrations, recorded per component in schema_migrations.
#pragma once

#include "sac/sql/Database.h"

#include <stdexcept>
#include <string>
#include <vector>

namespace sac::sql {

/// One migration file, e.g. schema/sqlite/V0003__add_tracking.sql.
struct Migration {
    int version = 0;       ///< from the file name, > 0
    std::string name;      ///< "add_tracking"
    std::string file;      ///< file name without directory, for messages
    std::string sql;       ///< the whole script
    std::string checksum;  ///< SHA-256 of the file bytes, lower-case hex
};

/// A migration could not be loaded, validated or applied. The message names
/// the component, the file and, when a statement failed, its number and the
/// database's message.
class MigrationError : public std::runtime_error {
public:
    explicit MigrationError(const std::string& message) : std::runtime_error(message) {}
};

/// Applies the pending migrations of one component (e.g. "host", or a module id).
///
/// The table schema_migrations(component, version, name, checksum, applied_at)
/// is created on first use; applied_at is UTC milliseconds since the epoch.
///
/// Atomicity: on SQLite each migration runs in one BEGIN IMMEDIATE transaction.
/// On MySQL, where DDL commits implicitly, every statement must be one of
/// CREATE TABLE, CREATE [UNIQUE] INDEX i ON t, ALTER TABLE t ADD [COLUMN] c,
/// or INSERT INTO a table created earlier in the same migration; anything
/// else is refused before any statement runs. When a statement fails, those
/// that succeeded are undone in reverse order (DROP TABLE, DROP INDEX,
/// DROP COLUMN) and MigrationError is thrown.
///
/// apply() runs on Database::acquireForMaintenance() (no statement timeout on
/// MySQL).
///
/// Concurrency: migrators in several processes are serialised (MySQL
/// GET_LOCK('sac_schema_migrations', 60), SQLite BEGIN IMMEDIATE). One Migrator
/// object is not meant for concurrent calls. The Database must outlive it.
class Migrator {
public:
    Migrator(Database& db, std::string component);

    /// "sqlite" or "mysql": the subdirectory of a schema root for a dialect.
    static const char* dialectDir(Dialect d);

    /// Loads the V<version>__<name>.sql files of one directory (one dialect),
    /// sorted by version. Other files are ignored; a *.sql file with another
    /// name, a duplicate version or a missing directory is a MigrationError.
    static std::vector<Migration> loadDirectory(const std::string& dir);

    /// The versions recorded for this component, ascending.
    std::vector<int> appliedVersions();

    /// Checks the checksums of the already applied migrations (a changed file
    /// is refused), then applies the pending ones in version order. Returns how
    /// many were applied. Throws MigrationError.
    int apply(const std::vector<Migration>& migrations);

private:
    Database& _db;
    std::string _component;
};

} // namespace sac::sql
