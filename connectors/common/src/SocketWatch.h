// Ends socket waits at a deadline: at the deadline the watched socket is shut down
// (shutdown(2) on a duplicate of its descriptor), so any blocked read, write or TLS step
// on it returns at once. Per-operation socket timeouts bound each wait; this bounds their
// sum (a server trickling one byte at a time cannot stretch a request).
//
// One thread per SocketWatch, started on first use and joined by the destructor.
// Thread-safe. After disarm() returns, the watch never touches that socket again.
#pragma once

#include "sac/connectors/Deadline.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace sac::connectors::detail {

class SocketWatch {
public:
    SocketWatch() = default;
    ~SocketWatch();
    SocketWatch(const SocketWatch&) = delete;
    SocketWatch& operator=(const SocketWatch&) = delete;

    /// Watches `fd` (duplicated here; the caller keeps its own) until disarm(). `fired` is
    /// set when the deadline shut the socket down. Returns 0 when the descriptor could not
    /// be duplicated (nothing is watched then).
    std::uint64_t arm(const Deadline& deadline, int fd, std::shared_ptr<std::atomic<bool>> fired);
    void disarm(std::uint64_t token);

    /// arm() in the constructor, disarm() in the destructor.
    class Guard {
    public:
        Guard(SocketWatch& watch, const Deadline& deadline, int fd)
            : _watch(watch), _fired(std::make_shared<std::atomic<bool>>(false)),
              _token(watch.arm(deadline, fd, _fired)) {}
        ~Guard() { _watch.disarm(_token); }
        Guard(const Guard&) = delete;
        Guard& operator=(const Guard&) = delete;
        bool fired() const { return _fired->load(); }

    private:
        SocketWatch& _watch;
        std::shared_ptr<std::atomic<bool>> _fired;
        std::uint64_t _token;
    };

private:
    struct Entry {
        Deadline::SteadyClock::time_point when;
        int fd = -1;
        std::shared_ptr<std::atomic<bool>> fired;
    };
    void run();

    std::mutex _mutex;
    std::condition_variable _changed;
    std::map<std::uint64_t, Entry> _entries;
    std::uint64_t _next = 1;
    /// When the watch thread wakes up next on its own; arm() wakes it only for an earlier deadline.
    Deadline::SteadyClock::time_point _wakeAt = Deadline::SteadyClock::time_point::max();
    bool _stop = false;
    std::thread _thread;
};

} // namespace sac::connectors::detail
