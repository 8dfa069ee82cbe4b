// A temporary directory for tests.
#pragma once

#include <string>

namespace sac::test {

/// Creates a fresh, empty directory under the system temp directory; removes
/// it and everything in it on destruction. Not copyable.
class TempDir {
public:
    explicit TempDir(const std::string& prefix = "sac-test-");
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    /// Absolute path, without a trailing slash.
    const std::string& path() const { return _path; }
    /// path() + "/" + name.
    std::string file(const std::string& name) const;
    /// Writes content to path() + "/" + name (parent directories created); returns the full path.
    std::string write(const std::string& name, const std::string& content) const;

private:
    std::string _path;
};

} // namespace sac::test
