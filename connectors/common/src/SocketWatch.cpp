#include "SocketWatch.h"

#include <sys/socket.h>
#include <unistd.h>

namespace sac::connectors::detail {

SocketWatch::~SocketWatch() {
    {
        std::lock_guard lock(_mutex);
        _stop = true;
    }
    _changed.notify_all();
    if (_thread.joinable()) _thread.join();
    for (auto& [token, e] : _entries) ::close(e.fd);
}

std::uint64_t SocketWatch::arm(const Deadline& deadline, int fd, std::shared_ptr<std::atomic<bool>> fired) {
    const int copy = fd >= 0 ? ::dup(fd) : -1;
    if (copy < 0) return 0;
    std::uint64_t token = 0;
    bool sooner = false;
    {
        std::lock_guard lock(_mutex);
        if (!_thread.joinable()) _thread = std::thread([this] { run(); });
        token = _next++;
        _entries.emplace(token, Entry{deadline.when(), copy, std::move(fired)});
        // The thread rescans every entry whenever it wakes: it needs waking now only when
        // this deadline comes before the time it will wake up anyway.
        sooner = deadline.when() < _wakeAt;
        if (sooner) _wakeAt = deadline.when();
    }
    if (sooner) _changed.notify_all();
    return token;
}

void SocketWatch::disarm(std::uint64_t token) {
    if (token == 0) return;
    int fd = -1;
    {
        std::lock_guard lock(_mutex);
        auto it = _entries.find(token);
        if (it == _entries.end()) return;
        fd = it->second.fd;
        _entries.erase(it);
    }
    ::close(fd);
}

void SocketWatch::run() {
    std::unique_lock lock(_mutex);
    while (!_stop) {
        auto next = Deadline::SteadyClock::time_point::max();
        const auto now = Deadline::SteadyClock::now();
        for (auto& [token, e] : _entries) {
            if (e.when <= now) {
                if (!e.fired->exchange(true)) ::shutdown(e.fd, SHUT_RDWR);
            } else if (e.when < next) {
                next = e.when;
            }
        }
        _wakeAt = next;
        if (next == Deadline::SteadyClock::time_point::max()) _changed.wait(lock);
        else _changed.wait_until(lock, next);
    }
}

} // namespace sac::connectors::detail
