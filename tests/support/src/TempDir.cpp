#include "sac/test/TempDir.h"

#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>

namespace sac::test {

namespace fs = std::filesystem;

TempDir::TempDir(const std::string& prefix) {
    std::random_device rd;
    std::mt19937_64 gen(rd());
    for (int attempt = 0; attempt < 100; ++attempt) {
        fs::path p = fs::temp_directory_path() / (prefix + std::to_string(gen() % 1000000000000ULL));
        std::error_code ec;
        if (fs::create_directory(p, ec)) {
            _path = p.string();
            return;
        }
    }
    throw std::runtime_error("could not create a temporary directory in " + fs::temp_directory_path().string());
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(_path, ec);
}

std::string TempDir::file(const std::string& name) const { return _path + "/" + name; }

std::string TempDir::write(const std::string& name, const std::string& content) const {
    fs::path p = file(name);
    fs::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out)
        throw std::runtime_error("could not write " + p.string());
    return p.string();
}

} // namespace sac::test
