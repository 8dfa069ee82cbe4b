// Splitting of SQL scripts (migration files) into single statements.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sac::sql {

/// Splits a script at top-level semicolons.
///
/// Semicolons inside '...', "..." and `...` quotes (with '' / "" doubling and
/// backslash escapes) do not split. `-- ...` line comments, `# ...` line
/// comments and `/* ... */` block comments are removed (replaced by one space).
/// Each statement is trimmed; empty statements are dropped. The trailing
/// semicolon is optional. Throws std::invalid_argument on an unterminated quote
/// or block comment, naming the line where it started.
std::vector<std::string> splitStatements(std::string_view script);

} // namespace sac::sql
