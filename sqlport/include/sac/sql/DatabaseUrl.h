// Parsing and printing of database URLs (see Database::open).
#pragma once

#include "sac/sql/Database.h"

#include <optional>
#include <string>

namespace sac::sql {

/// A parsed database URL.
///
///   sqlite:PATH                     a file (its parent directory is created on open)
///   sqlite::memory:                 a private in-memory database (pool of one connection)
///   mysql://user:pass@host[:port]/[database][?socket=/path.sock][&pool=N]
///
/// user and password are percent-decoded. Query parameters:
///   pool=N              both dialects: the most pooled connections (1..64);
///                       wins over the caller's OpenOptions::poolSize
///   busy_timeout_ms=N   SQLite: how long a statement waits for another
///                       writer's lock (0..600000 ms, default 10000)
///   connect_timeout=S   MySQL: seconds to open a connection (1..300, default 3)
///   read_timeout=S      MySQL: seconds one statement may wait for the server's
///                       answer (0 = none, up to 86400; default 30)
///   write_timeout=S     MySQL: seconds to send a statement (0 = none, up to
///                       86400; default 30)
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
    int poolSize = 0;       ///< 0: the caller's OpenOptions, else the adapter's default
    std::optional<int> busyTimeoutMs;         ///< SQLite; unset: 10000
    std::optional<int> connectTimeoutSeconds; ///< MySQL; unset: 3
    std::optional<int> readTimeoutSeconds;    ///< MySQL; unset: 30; 0: none
    std::optional<int> writeTimeoutSeconds;   ///< MySQL; unset: 30; 0: none

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
