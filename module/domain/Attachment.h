// A file attached to a case: evidence the seller uploaded, or a file the
// marketplace shows in the dispute history.
#pragma once

#include <cstdint>
#include <string>

namespace sac::domain {

struct Attachment {
    std::int64_t id = 0;
    std::int64_t caseId = 0;
    std::int64_t accountId = 0;
    std::string kind;        ///< "evidence", "marketplace", "email"
    std::string fileName;    ///< as shown; untrusted text
    std::string contentType; ///< checked by content, e.g. "image/jpeg"
    std::int64_t sizeBytes = 0;
    std::string sha256;      ///< hex
    std::string storagePath; ///< local path under the data folder, or ""
    std::string url;         ///< remote URL (marketplace file_path), or ""
    std::string marketplaceRef; ///< what the marketplace returned for an upload
    std::int64_t createdAt = 0;
};

} // namespace sac::domain
