// Parsing and printing of database URLs (see Database::open).
#pragma once

#include "sac/sql/Database.h"

#include <string>

namespace sac::sql {

/// A parsed database URL.
///
///   sqlite:PATH                     a file (its parent directory is created on open)
///   sqlite::memory:                 a private in-memory database (pool of one connection)
///   mysql://user:pass@host[:port]/[database][?socket=/path.sock][&pool=N]
///
/// user and password are percent-decoded. Both dialects accept the query
/// parameter pool=N (1..64), the maximum number of pooled connections.
/// Value type; not tied to any connection.
struct DatabaseUrl {
    Dialect dialect = Dialect::SQLite;
    // SQLite
    std::string path;       ///< file path; empty when memory is true
    bool memory = false;
    // MySQL
    std::string user;
    std::string password;
    std::string host;
    int port = 3306;
    std::string database;   ///< may be empty (a server URL)
    std::string socket;     ///< unix socket path; when set, it is used instead of TCP
    int poolSize = 0;       ///< 0: the adapter's default

    /// Throws SqlError naming what was expected and what arrived (password masked).
    static DatabaseUrl parse(const std::string& url);

    /// The URL again, user and password percent-encoded; with redactPassword the
    /// password is "***".
    std::string toString(bool redactPassword = false) const;

    /// Masks the password of a URL that may not even parse; for error messages.
    static std::string redact(const std::string& url);
};

/// Percent-encoding helpers used for URL user info (RFC 3986 unreserved kept).
std::string percentEncode(const std::string& s);
/// Throws SqlError on a malformed escape.
std::string percentDecode(const std::string& s);

} // namespace sac::sql
