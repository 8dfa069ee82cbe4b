// A "full disk" without root: caps the size of files this process may write.
#pragma once

#include <csignal>
#include <stdexcept>
#include <sys/resource.h>

namespace sac::test {

/// While alive, no file of this process can grow beyond `bytes`: a write()
/// past it fails with EFBIG (SIGXFSZ is ignored meanwhile) and a write that
/// straddles it is cut short, as on a full disk. Process-wide: keep it around
/// a single call. Restores the previous limit and signal handling on
/// destruction. Not copyable.
class FileSizeLimit {
public:
    explicit FileSizeLimit(rlim_t bytes) {
        if (::getrlimit(RLIMIT_FSIZE, &_previous) != 0) throw std::runtime_error("getrlimit(RLIMIT_FSIZE) failed");
        _previousHandler = std::signal(SIGXFSZ, SIG_IGN);
        struct rlimit limit = _previous;
        limit.rlim_cur = bytes;
        if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) {
            std::signal(SIGXFSZ, _previousHandler);
            throw std::runtime_error("setrlimit(RLIMIT_FSIZE) failed");
        }
    }
    ~FileSizeLimit() {
        ::setrlimit(RLIMIT_FSIZE, &_previous);
        std::signal(SIGXFSZ, _previousHandler);
    }
    FileSizeLimit(const FileSizeLimit&) = delete;
    FileSizeLimit& operator=(const FileSizeLimit&) = delete;

private:
    struct rlimit _previous {};
    void (*_previousHandler)(int) = SIG_DFL;
};

} // namespace sac::test
