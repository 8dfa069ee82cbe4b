// The module's static assets (ui-templates/static), served from memory.
// Only the whitelisted names are loaded and served. Immutable after load();
// thread-safe to read.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "domain/Result.h"

namespace sac::web {

struct StaticFile {
    std::string contentType;
    std::string body;
};

class StaticFiles {
public:
    /// name → content type of every file that may be served.
    static const std::map<std::string, std::string>& whitelist();
    /// Loads the whitelisted files that exist in dir (a missing file is
    /// simply not served).
    static domain::Result<StaticFiles> load(const std::string& dir);
    /// nullptr for names outside the whitelist or not loaded.
    const StaticFile* find(const std::string& name) const;

private:
    std::map<std::string, StaticFile> _files;
};

} // namespace sac::web
