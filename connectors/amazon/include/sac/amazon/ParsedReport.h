#pragma once

#include "sac/amazon/TsvTable.h"

#include <string>
#include <vector>

namespace sac::amazon {

/// The rows of a report that could be read, and one issue per row that could not.
template <typename Row>
struct ParsedReport {
    std::vector<Row> rows;
    std::vector<RowIssue> issues;
    std::vector<std::string> unknownColumns;  ///< header columns the parser does not use (normalised)
};

} // namespace sac::amazon
