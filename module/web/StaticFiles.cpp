#include "web/StaticFiles.h"

#include <fstream>
#include <sstream>

namespace sac::web {

const std::map<std::string, std::string>& StaticFiles::whitelist() {
    static const std::map<std::string, std::string> files{
        {"sac.css", "text/css; charset=utf-8"},
        {"dashboard.css", "text/css; charset=utf-8"},
        {"sac.js", "text/javascript; charset=utf-8"},
        {"sync.js", "text/javascript; charset=utf-8"},
        {"handling.js", "text/javascript; charset=utf-8"},
        {"lostfound.js", "text/javascript; charset=utf-8"},
    };
    return files;
}

domain::Result<StaticFiles> StaticFiles::load(const std::string& dir) {
    StaticFiles out;
    for (const auto& [name, type] : whitelist()) {
        std::ifstream in(dir + "/" + name, std::ios::binary);
        if (!in) continue;
        std::ostringstream ss;
        ss << in.rdbuf();
        out._files[name] = StaticFile{type, ss.str()};
    }
    return domain::Result<StaticFiles>::ok(std::move(out));
}

const StaticFile* StaticFiles::find(const std::string& name) const {
    auto it = _files.find(name);
    return it == _files.end() ? nullptr : &it->second;
}

} // namespace sac::web
