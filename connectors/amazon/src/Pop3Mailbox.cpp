#include "sac/amazon/Pop3Mailbox.h"

#include "MailSocket.h"

#include <algorithm>
#include <map>
#include <set>

namespace sac::amazon {

using connectors::ErrorKind;
using connectors::MarketplaceError;
using connectors::Result;
using detail::MailSocket;

namespace {

class Session {
public:
    explicit Session(std::unique_ptr<MailSocket> s) : _s(std::move(s)) {}
    ~Session() { _s->close(); }

    // Sends a command (if any) and reads a "+OK" status line.
    Result<std::string> command(const std::string& cmd, const std::string& shown) {
        if (!cmd.empty()) {
            auto w = _s->write(cmd + "\r\n");
            if (!w) return std::move(w).error();
        }
        auto line = _s->readLine(8192);
        if (!line) return line;
        if (line.value().rfind("+OK", 0) == 0) return line;
        if (line.value().rfind("-ERR", 0) == 0)
            return MarketplaceError::make(ErrorKind::Rejected, "pop3", "The mail server refused a command.",
                                          _s->where() + ": " + shown + " answered " + line.value().substr(0, 200));
        return MarketplaceError::malformed(_s->where() + ": expected +OK or -ERR after " + shown + ", got \"" +
                                           line.value().substr(0, 100) + "\"");
    }

    // Reads a multi-line answer up to ".", undoing dot-stuffing; bounded.
    Result<std::string> multiline(std::size_t maxBytes) {
        std::string out;
        for (;;) {
            auto line = _s->readLine(1u << 20);
            if (!line) return std::move(line).error();
            std::string& l = line.value();
            if (l == ".") return out;
            if (!l.empty() && l[0] == '.') l.erase(0, 1);
            if (out.size() + l.size() + 2 > maxBytes)
                return MarketplaceError::malformed(_s->where() + ": answer larger than " + std::to_string(maxBytes) + " bytes");
            out += l;
            out += "\r\n";
        }
    }

    Result<bool> login(const MailboxSettings& st) {
        auto greeting = command("", "greeting");
        if (!greeting) return std::move(greeting).error();
        auto u = command("USER " + st.user, "USER");
        if (!u) return std::move(u).error();
        auto p = command("PASS " + st.password, "PASS");
        if (!p) {
            auto e = std::move(p).error();
            if (e.kind == ErrorKind::Rejected) {
                e.code = "login";
                e.message = "The mail server refused the user name or password.";
            }
            return e;
        }
        return true;
    }

    // message number → UIDL, and number → size.
    Result<std::map<int, std::pair<std::string, std::size_t>>> listing() {
        std::map<int, std::pair<std::string, std::size_t>> out;
        auto u = command("UIDL", "UIDL");
        if (!u) return std::move(u).error();
        auto ulist = multiline(16u << 20);
        if (!ulist) return std::move(ulist).error();
        auto l = command("LIST", "LIST");
        if (!l) return std::move(l).error();
        auto slist = multiline(16u << 20);
        if (!slist) return std::move(slist).error();
        auto forEachLine = [](const std::string& text, auto&& fn) {
            std::size_t pos = 0;
            while (pos < text.size()) {
                std::size_t nl = text.find("\r\n", pos);
                if (nl == std::string::npos) nl = text.size();
                fn(text.substr(pos, nl - pos));
                pos = nl + 2;
            }
        };
        bool bad = false;
        forEachLine(ulist.value(), [&](const std::string& line) {
            const auto sp = line.find(' ');
            if (sp == std::string::npos) { bad = true; return; }
            try {
                out[std::stoi(line.substr(0, sp))].first = line.substr(sp + 1);
            } catch (...) {
                bad = true;
            }
        });
        forEachLine(slist.value(), [&](const std::string& line) {
            const auto sp = line.find(' ');
            if (sp == std::string::npos) { bad = true; return; }
            try {
                const int n = std::stoi(line.substr(0, sp));
                if (auto it = out.find(n); it != out.end()) it->second.second = std::stoull(line.substr(sp + 1));
            } catch (...) {
                bad = true;
            }
        });
        if (bad) return MarketplaceError::malformed(_s->where() + ": unreadable UIDL or LIST answer");
        return out;
    }

    void quit() { (void)command("QUIT", "QUIT"); }
    Result<std::string> quitChecked() { return command("QUIT", "QUIT"); }

private:
    std::unique_ptr<MailSocket> _s;
};

} // namespace

std::string Pop3Mailbox::key() const {
    return "pop3s://" + _settings.user + "@" + _settings.host + ":" + std::to_string(_settings.port);
}

Result<std::vector<MessageInfo>> Pop3Mailbox::list() {
    auto sock = MailSocket::open(_settings, "pop3");
    if (!sock) return std::move(sock).error();
    Session s(std::move(sock).value());
    auto in = s.login(_settings);
    if (!in) return std::move(in).error();
    auto listed = s.listing();
    if (!listed) return std::move(listed).error();
    std::vector<MessageInfo> out;
    out.reserve(listed.value().size());
    for (const auto& [num, info] : listed.value()) out.push_back({info.first, info.second});
    s.quit();
    return out;
}

Result<FetchResult> Pop3Mailbox::fetch(const std::vector<std::string>& ids) {
    FetchResult out;
    if (ids.empty()) return out;
    auto sock = MailSocket::open(_settings, "pop3");
    if (!sock) return std::move(sock).error();
    Session s(std::move(sock).value());
    auto in = s.login(_settings);
    if (!in) return std::move(in).error();
    auto listed = s.listing();
    if (!listed) return std::move(listed).error();
    // Message numbers are valid for this session only: map the UIDLs anew.
    std::map<std::string, std::pair<int, std::size_t>> byId;
    for (const auto& [num, info] : listed.value()) byId.emplace(info.first, std::make_pair(num, info.second));
    std::set<std::string> done;
    for (const auto& id : ids) {
        const auto it = byId.find(id);
        if (it == byId.end() || !done.insert(id).second) continue;
        if (it->second.second > _settings.maxMessageBytes) {
            out.oversized.push_back(id);
            continue;
        }
        auto r = s.command("RETR " + std::to_string(it->second.first), "RETR");
        if (!r) return std::move(r).error();
        auto body = s.multiline(_settings.maxMessageBytes + 65536);
        if (!body) return std::move(body).error();
        out.messages.push_back({id, std::move(body).value()});
    }
    s.quit();
    return out;
}

Result<std::size_t> Pop3Mailbox::deleteMessages(const std::vector<std::string>& ids) {
    auto sock = MailSocket::open(_settings, "pop3");
    if (!sock) return std::move(sock).error();
    Session s(std::move(sock).value());
    auto in = s.login(_settings);
    if (!in) return std::move(in).error();
    auto list = s.listing();
    if (!list) return std::move(list).error();
    const std::set<std::string> wanted(ids.begin(), ids.end());
    std::size_t deleted = 0;
    for (const auto& [num, info] : list.value()) {
        if (!wanted.count(info.first)) continue;
        auto d = s.command("DELE " + std::to_string(num), "DELE");
        if (!d) return std::move(d).error();
        ++deleted;
    }
    auto q = s.quitChecked();  // deletions are committed here
    if (!q) return std::move(q).error();
    return deleted;
}

} // namespace sac::amazon
