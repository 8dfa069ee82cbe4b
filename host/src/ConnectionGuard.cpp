#include "ConnectionGuard.h"

#include <Poco/Net/HTTPServerConnection.h>
#include <Poco/Net/NetException.h>

#include <sys/socket.h>

namespace sac::host {

using Clock = std::chrono::steady_clock;

ReadWatchdog::ReadWatchdog() : _thread([this] { loop(); }) {}

ReadWatchdog::~ReadWatchdog() {
    {
        std::lock_guard lock(_mutex);
        _stop = true;
    }
    _wake.notify_all();
    _thread.join();
}

std::uint64_t ReadWatchdog::add(int fd, TimePoint deadline) {
    std::lock_guard lock(_mutex);
    const std::uint64_t id = _next++;
    _entries[id] = Entry{fd, deadline, true};
    _wake.notify_all();
    return id;
}

void ReadWatchdog::arm(std::uint64_t id, TimePoint deadline) {
    std::lock_guard lock(_mutex);
    auto it = _entries.find(id);
    if (it == _entries.end()) return;
    it->second.deadline = deadline;
    it->second.armed = true;
    _wake.notify_all();
}

void ReadWatchdog::disarm(std::uint64_t id) {
    std::lock_guard lock(_mutex);
    auto it = _entries.find(id);
    if (it != _entries.end()) it->second.armed = false;
}

void ReadWatchdog::remove(std::uint64_t id) {
    std::lock_guard lock(_mutex);
    _entries.erase(id);
}

std::uint64_t ReadWatchdog::expired() const {
    std::lock_guard lock(_mutex);
    return _expired;
}

void ReadWatchdog::loop() {
    std::unique_lock lock(_mutex);
    while (!_stop) {
        const auto now = Clock::now();
        auto next = now + std::chrono::seconds(1);
        for (auto& [id, e] : _entries) {
            if (!e.armed) continue;
            if (e.deadline <= now) {
                // The connection thread still owns fd (remove() has not run:
                // it takes this lock), so fd is the client's socket.
                ::shutdown(e.fd, SHUT_RDWR);
                e.armed = false;
                ++_expired;
            } else if (e.deadline < next) {
                next = e.deadline;
            }
        }
        _wake.wait_until(lock, next);
    }
}

namespace {

struct CurrentConnection {
    ReadWatchdog* watchdog = nullptr;
    std::uint64_t id = 0;
    const ConnectionLimits* limits = nullptr;
};
thread_local CurrentConnection tCurrent;

/// One HTTP connection under a read deadline.
class GuardedConnection final : public Poco::Net::HTTPServerConnection {
public:
    GuardedConnection(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr params,
                      Poco::Net::HTTPRequestHandlerFactory::Ptr handlers, GuardedConnectionFactory& owner,
                      std::string address)
        : HTTPServerConnection(socket, params, handlers), _owner(owner), _address(std::move(address)) {}

    ~GuardedConnection() override { _owner.release(_address); }

    void run() override {
        ReadWatchdog& dog = _owner.watchdog();
        const std::uint64_t id = dog.add(socket().impl()->sockfd(), Clock::now() + _owner.limits().requestRead);
        tCurrent = CurrentConnection{&dog, id, &_owner.limits()};
        try {
            HTTPServerConnection::run();
        } catch (...) {
        }
        tCurrent = CurrentConnection{};
        dog.remove(id);
    }

private:
    GuardedConnectionFactory& _owner;
    std::string _address;
};

/// Answers 503 and closes: the client address has too many connections.
class RefusedConnection final : public Poco::Net::TCPServerConnection {
public:
    explicit RefusedConnection(const Poco::Net::StreamSocket& socket) : TCPServerConnection(socket) {}
    void run() override {
        static constexpr char kAnswer[] =
            "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n"
            "Retry-After: 10\r\nContent-Length: 30\r\n\r\nToo many connections, retry.\r\n";
        try {
            socket().setSendTimeout(Poco::Timespan(1, 0));
            socket().sendBytes(kAnswer, sizeof kAnswer - 1);
            socket().shutdown();
        } catch (...) {
        }
    }
};

std::string peerHost(const Poco::Net::StreamSocket& socket) {
    try {
        return socket.peerAddress().host().toString();
    } catch (const Poco::Exception&) {
        return std::string(1, '?');
    }
}

} // namespace

namespace request_deadline {

void requestRead() {
    if (tCurrent.watchdog) tCurrent.watchdog->disarm(tCurrent.id);
}

void allowBody() {
    if (tCurrent.watchdog) tCurrent.watchdog->arm(tCurrent.id, Clock::now() + tCurrent.limits->bodyRead);
}

void lingerFor(std::chrono::milliseconds span) {
    if (tCurrent.watchdog) tCurrent.watchdog->arm(tCurrent.id, Clock::now() + span);
}

void awaitNext() {
    if (tCurrent.watchdog)
        tCurrent.watchdog->arm(tCurrent.id, Clock::now() + tCurrent.limits->keepAlive + tCurrent.limits->requestRead);
}

} // namespace request_deadline

GuardedConnectionFactory::GuardedConnectionFactory(Poco::Net::HTTPServerParams::Ptr params,
                                                   Poco::Net::HTTPRequestHandlerFactory::Ptr handlers,
                                                   ConnectionLimits limits)
    : _params(std::move(params)), _handlers(std::move(handlers)), _limits(limits) {}

Poco::Net::TCPServerConnection* GuardedConnectionFactory::createConnection(const Poco::Net::StreamSocket& socket) {
    const std::string address = peerHost(socket);
    {
        std::lock_guard lock(_mutex);
        int& n = _perAddress[address];
        if (n >= _limits.maxPerAddress) {
            if (n == 0) _perAddress.erase(address);
            return new RefusedConnection(socket);
        }
        ++n;
    }
    return new GuardedConnection(socket, _params, _handlers, *this, address);
}

void GuardedConnectionFactory::release(const std::string& address) {
    std::lock_guard lock(_mutex);
    auto it = _perAddress.find(address);
    if (it == _perAddress.end()) return;
    if (--it->second <= 0) _perAddress.erase(it);
}

} // namespace sac::host
