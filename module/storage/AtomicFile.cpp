#include "storage/AtomicFile.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sac::storage {
namespace {

using R = domain::Result<bool>;

R failure(const std::string& step, const std::string& path, int err) {
    return R::fail("cannot " + step + " " + path + ": " + std::strerror(err));
}

/// The directory part of path ("." when none), and the name.
std::pair<std::string, std::string> split(const std::string& path) {
    const auto slash = path.find_last_of('/');
    if (slash == std::string::npos) return {".", path};
    return {slash == 0 ? std::string("/") : path.substr(0, slash), path.substr(slash + 1)};
}

R syncDirectory(const std::string& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return failure("open the directory", dir, errno);
    const int synced = ::fsync(fd);
    const int syncErr = errno;
    const int closed = ::close(fd);
    const int closeErr = errno;
    if (synced != 0) return failure("fsync the directory", dir, syncErr);
    if (closed != 0) return failure("close the directory", dir, closeErr);
    return R::ok(true);
}

} // namespace

R writeFileAtomically(const std::string& path, std::string_view bytes, mode_t mode) {
    const auto [dir, name] = split(path);
    if (name.empty() || name == "." || name == "..") return R::fail("cannot write " + path + ": expected a file name");
    std::string temp = dir + "/." + name + ".tmp-XXXXXX";
    int fd = ::mkostemp(temp.data(), O_CLOEXEC);
    if (fd < 0) return failure("create a temp file for", path, errno);

    const auto abandon = [&](const std::string& step, int err) {
        if (fd >= 0) ::close(fd);
        ::unlink(temp.c_str());
        return failure(step, path, err);
    };
    if (::fchmod(fd, mode) != 0) return abandon("set the mode of", errno);
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            return abandon("write", errno);
        }
        if (n == 0) return abandon("write", EIO);
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) return abandon("fsync", errno);
    const int closed = ::close(fd);
    fd = -1; // released even when close reports an error
    if (closed != 0) return abandon("close", errno);

    struct stat before {};
    const bool existed = ::lstat(path.c_str(), &before) == 0;
    if (::rename(temp.c_str(), path.c_str()) != 0) return abandon("rename a temp file onto", errno);
    if (auto synced = syncDirectory(dir); !synced) {
        // The name may not survive a crash: do not keep a file nobody was told about.
        if (!existed) ::unlink(path.c_str());
        return synced;
    }
    return R::ok(true);
}

R makeDirectories(const std::string& dir, mode_t mode) {
    if (dir.empty()) return R::fail("cannot create a directory with an empty name");
    std::string prefix;
    std::size_t pos = 0;
    while (pos <= dir.size()) {
        const auto slash = dir.find('/', pos);
        const std::size_t end = slash == std::string::npos ? dir.size() : slash;
        prefix = dir.substr(0, end);
        pos = end + 1;
        if (prefix.empty() || prefix == "." || prefix == "..") continue;
        if (::mkdir(prefix.c_str(), mode) == 0) continue;
        const int err = errno;
        struct stat st {};
        if (err == EEXIST && ::stat(prefix.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) continue;
        return failure("create the directory", prefix, err == EEXIST ? ENOTDIR : err);
    }
    return R::ok(true);
}

} // namespace sac::storage
