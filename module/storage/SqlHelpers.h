// Small helpers shared by the repositories: binding optional values and
// reading typed columns. Internal to module/storage.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <sac/sql/Database.h>

#include "domain/Money.h"

namespace sac::storage::detail {

inline sql::Value bindOpt(const std::optional<std::int64_t>& v) {
    return v ? sql::Value(*v) : sql::null();
}
inline sql::Value bindInt(std::int64_t v) { return sql::Value(v); }
inline sql::Value bindBool(bool b) { return sql::Value(std::int64_t{b ? 1 : 0}); }
inline sql::Value bindText(const std::string& s) { return sql::Value(s); }
inline sql::Value bindMinor(const std::optional<domain::Money>& m) {
    return m ? sql::Value(m->minor()) : sql::null();
}
inline sql::Value bindCurrency(const std::optional<domain::Money>& m) {
    return m ? sql::Value(m->currency()) : sql::null();
}

inline std::string textOr(const sql::Row& r, std::size_t i, const std::string& fallback = {}) {
    auto v = r.getOptString(i);
    return v ? *v : fallback;
}
inline std::optional<domain::Money> moneyAt(const sql::Row& r, std::size_t minorCol, std::size_t curCol) {
    auto minor = r.getOptInt(minorCol);
    auto cur = r.getOptString(curCol);
    if (!minor || !cur) return std::nullopt;
    return domain::Money(*minor, *cur);
}

/// Lower-case hex SHA-256 of the bytes (OpenSSL).
std::string sha256Hex(const std::string& bytes);

/// Escapes '!', '%' and '_' for LIKE ... ESCAPE '!'.
std::string likeEscape(const std::string& s);

} // namespace sac::storage::detail
