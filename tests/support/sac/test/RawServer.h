// A TCP server on 127.0.0.1 for tests of what a client does against servers
// that misbehave: accept and never answer, trickle bytes, cut answers short,
// or just record what arrives. Header-only (Poco::Net).
#pragma once

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sac::test {

/// Runs `behave` on each accepted connection, each in its own thread, until the
/// server is destroyed (`stop` turns true then; behaviours that wait must watch it).
class RawServer {
public:
    using Behaviour = std::function<void(Poco::Net::StreamSocket&, const std::atomic<bool>& stop)>;

    explicit RawServer(Behaviour behave)
        : _socket(Poco::Net::SocketAddress("127.0.0.1", 0)), _behave(std::move(behave)) {
        _thread = std::thread([this] { loop(); });
    }
    ~RawServer() {
        _stop = true;
        _thread.join();
        for (auto& t : _workers) t.join();
    }
    RawServer(const RawServer&) = delete;
    RawServer& operator=(const RawServer&) = delete;

    /// "http://127.0.0.1:<port><path>"
    std::string url(const std::string& path = "") const {
        return "http://127.0.0.1:" + std::to_string(_socket.address().port()) + path;
    }
    int accepted() const { return _accepted.load(); }

    /// Accepts and never answers.
    static void silent(Poco::Net::StreamSocket&, const std::atomic<bool>& stop) {
        while (!stop) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }

    /// Reads up to the end of the request head (or 64 KiB, or 2 s of silence).
    static std::string readHead(Poco::Net::StreamSocket& s) {
        std::string got;
        char c;
        s.setReceiveTimeout(Poco::Timespan(2, 0));
        while (got.size() < 65536 && got.find("\r\n\r\n") == std::string::npos && s.receiveBytes(&c, 1) == 1) got += c;
        return got;
    }

    static void send(Poco::Net::StreamSocket& s, const std::string& text) {
        s.sendBytes(text.data(), static_cast<int>(text.size()));
    }

    /// Sends `text` over and over, one byte every `gap`, until stop or the client leaves.
    static void trickle(Poco::Net::StreamSocket& s, const std::string& text, std::chrono::milliseconds gap,
                        const std::atomic<bool>& stop) {
        for (std::size_t i = 0; !stop; i = (i + 1) % text.size()) {
            if (s.sendBytes(&text[i], 1) != 1) return;
            std::this_thread::sleep_for(gap);
        }
    }

private:
    void loop() {
        while (!_stop) {
            if (!_socket.poll(Poco::Timespan(0, 20'000), Poco::Net::Socket::SELECT_READ)) continue;
            Poco::Net::StreamSocket s = _socket.acceptConnection();
            ++_accepted;
            _workers.emplace_back([this, s]() mutable {
                try {
                    _behave(s, _stop);
                } catch (...) {
                }
            });
        }
    }

    Poco::Net::ServerSocket _socket;
    Behaviour _behave;
    std::atomic<bool> _stop{false};
    std::atomic<int> _accepted{0};
    std::thread _thread;
    std::vector<std::thread> _workers;
};

/// Records every request it gets (head and body, whole) and answers each with
/// `answer` (a complete HTTP response).
class RecordingServer {
public:
    explicit RecordingServer(std::string answer = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                                  "Content-Length: 2\r\nConnection: close\r\n\r\n{}")
        : _answer(std::move(answer)), _server([this](Poco::Net::StreamSocket& s, const std::atomic<bool>&) {
              std::string request = RawServer::readHead(s);
              const auto lengthAt = request.find("Content-Length: ");
              std::size_t length = 0;
              if (lengthAt != std::string::npos) length = std::stoul(request.substr(lengthAt + 16));
              const auto bodyAt = request.find("\r\n\r\n");
              std::size_t have = bodyAt == std::string::npos ? 0 : request.size() - bodyAt - 4;
              char buf[4096];
              while (have < length) {
                  const int n = s.receiveBytes(buf, static_cast<int>(std::min<std::size_t>(sizeof buf, length - have)));
                  if (n <= 0) break;
                  request.append(buf, static_cast<std::size_t>(n));
                  have += static_cast<std::size_t>(n);
              }
              {
                  std::lock_guard lock(_mutex);
                  _requests.push_back(request);
              }
              RawServer::send(s, _answer);
              s.shutdownSend();
          }) {}

    std::string url(const std::string& path = "") const { return _server.url(path); }
    std::vector<std::string> requests() const {
        std::lock_guard lock(_mutex);
        return _requests;
    }
    /// True when any recorded request contains `needle` (head or body).
    bool saw(const std::string& needle) const {
        for (const auto& r : requests())
            if (r.find(needle) != std::string::npos) return true;
        return false;
    }

private:
    std::string _answer;
    mutable std::mutex _mutex;
    std::vector<std::string> _requests;
    RawServer _server;  // last: stopped (joined) before the members it uses go
};

} // namespace sac::test
