// Keeps slow or greedy clients from holding the host's HTTP threads.
#pragma once

#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/TCPServerConnectionFactory.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

namespace sac::host {

/// Ends connections whose client does not deliver a request in time.
///
/// A connection is armed with a deadline while the host waits for its
/// request line, headers and body; when the deadline passes the watchdog
/// shuts the socket down, so the blocked read returns and the thread is
/// free again, however slowly the client trickles bytes (per-read timeouts
/// alone never end a client sending one byte every few seconds).
/// Thread-safe; one watchdog thread.
class ReadWatchdog {
public:
    using TimePoint = std::chrono::steady_clock::time_point;

    ReadWatchdog();
    ~ReadWatchdog();
    ReadWatchdog(const ReadWatchdog&) = delete;
    ReadWatchdog& operator=(const ReadWatchdog&) = delete;

    std::uint64_t add(int fd, TimePoint deadline);
    void arm(std::uint64_t id, TimePoint deadline);
    void disarm(std::uint64_t id);
    /// After remove() returns, the watchdog never touches fd again.
    void remove(std::uint64_t id);
    /// Connections ended so far because their deadline passed.
    std::uint64_t expired() const;

private:
    struct Entry {
        int fd = -1;
        TimePoint deadline;
        bool armed = false;
    };
    void loop();

    mutable std::mutex _mutex;
    std::condition_variable _wake;
    std::unordered_map<std::uint64_t, Entry> _entries;
    std::uint64_t _next = 1;
    std::uint64_t _expired = 0;
    bool _stop = false;
    std::thread _thread;
};

/// Limits of one client connection.
struct ConnectionLimits {
    std::chrono::milliseconds requestRead{10'000};  ///< request line + headers + anonymous body
    std::chrono::milliseconds bodyRead{120'000};    ///< an authenticated body (uploads)
    std::chrono::milliseconds keepAlive{5'000};     ///< idle time before the next request
    int maxPerAddress = 96;                          ///< open connections of one client address
};

/// The deadline of the connection the calling thread is serving. Request
/// handlers use it to extend the deadline for an authenticated body, and to
/// lift it once the request has been read. No-ops outside a guarded
/// connection (tests that call handlers directly).
namespace request_deadline {
/// The request was read: no deadline while it is handled.
void requestRead();
/// An authenticated body may take up to ConnectionLimits::bodyRead from now.
void allowBody();
/// A short deadline from now (draining a refused body).
void lingerFor(std::chrono::milliseconds span);
/// The answer was sent: the next request on this connection must arrive
/// within keepAlive and then be read within requestRead.
void awaitNext();
} // namespace request_deadline

/// Creates the HTTP connections: each is armed with the request deadline,
/// re-armed for every keep-alive request, and refused with a 503 when its
/// client address already has maxPerAddress connections open.
class GuardedConnectionFactory final : public Poco::Net::TCPServerConnectionFactory {
public:
    GuardedConnectionFactory(Poco::Net::HTTPServerParams::Ptr params,
                             Poco::Net::HTTPRequestHandlerFactory::Ptr handlers, ConnectionLimits limits);
    Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override;

    /// Called by a connection when it ends.
    void release(const std::string& address);
    ReadWatchdog& watchdog() { return _watchdog; }
    const ConnectionLimits& limits() const { return _limits; }

private:
    Poco::Net::HTTPServerParams::Ptr _params;
    Poco::Net::HTTPRequestHandlerFactory::Ptr _handlers;
    ConnectionLimits _limits;
    ReadWatchdog _watchdog;
    std::mutex _mutex;
    std::map<std::string, int> _perAddress;
};

} // namespace sac::host
