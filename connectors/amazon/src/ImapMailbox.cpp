#include "sac/amazon/ImapMailbox.h"

#include "MailSocket.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace sac::amazon {

using connectors::ErrorKind;
using connectors::MarketplaceError;
using connectors::Result;
using detail::MailSocket;

namespace {

/// An untagged response with its literals cut out (each replaced by "{}").
struct Untagged {
    std::string text;
    std::vector<std::string> literals;
};

std::string upper(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

// "{123}" or "{123+}" at the end of a line → 123.
std::optional<std::size_t> literalSize(const std::string& line) {
    if (line.empty() || line.back() != '}') return std::nullopt;
    const auto open = line.rfind('{');
    if (open == std::string::npos) return std::nullopt;
    std::string n = line.substr(open + 1, line.size() - open - 2);
    if (!n.empty() && n.back() == '+') n.pop_back();
    if (n.empty() || n.size() > 12) return std::nullopt;
    for (char c : n)
        if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    return static_cast<std::size_t>(std::stoull(n));
}

class Session {
public:
    Session(std::unique_ptr<MailSocket> s, const MailboxSettings& st) : _s(std::move(s)), _st(st) {}
    ~Session() { _s->close(); }

    Result<bool> greeting() {
        auto line = _s->readLine(8192);
        if (!line) return std::move(line).error();
        if (line.value().rfind("* OK", 0) == 0 || line.value().rfind("* PREAUTH", 0) == 0) return true;
        return MarketplaceError::make(ErrorKind::Rejected, "imap", "The mail server refused the connection.",
                                      _s->where() + ": greeting \"" + line.value().substr(0, 200) + "\"");
    }

    /// Sends "<tag> <command>" and collects untagged responses until the tagged answer.
    /// `shown` replaces the command in error details.
    Result<std::vector<Untagged>> run(const std::string& command, const std::string& shown,
                                      std::size_t maxLiteral = 1u << 20) {
        const std::string tag = "s" + std::to_string(++_counter);
        auto w = _s->write(tag + " " + command + "\r\n");
        if (!w) return std::move(w).error();
        return collect(tag, shown, maxLiteral);
    }

    Result<bool> login() {
        for (const std::string* v : {&_st.user, &_st.password})
            for (char c : *v)
                if (c == '\r' || c == '\n' || c == '\0')
                    return MarketplaceError::make(ErrorKind::Rejected, "mailbox_settings",
                                                  "The mailbox user name or password contains a line break.",
                                                  _s->where() + ": LOGIN not sent (invalid characters)");
        const std::string tag = "s" + std::to_string(++_counter);
        // Non-ASCII credentials go as synchronizing literals; others as quoted strings.
        auto w = _s->write(tag + " LOGIN ");
        if (!w) return std::move(w).error();
        auto u = sendString(_st.user, true);
        if (!u) return u;
        auto p = sendString(_st.password, false);
        if (!p) return p;
        auto r = collect(tag, "LOGIN", 1u << 20);
        if (!r) {
            auto e = std::move(r).error();
            if (e.kind == ErrorKind::Rejected) {
                e.code = "login";
                e.message = "The mail server refused the user name or password.";
            }
            return e;
        }
        return true;
    }

    Result<std::string> select(const std::string& folder) {
        auto r = run("SELECT " + quote(folder), "SELECT " + folder);
        if (!r) return std::move(r).error();
        for (const auto& u : r.value()) {
            const auto at = upper(u.text).find("[UIDVALIDITY ");
            if (at == std::string::npos) continue;
            std::string v;
            for (std::size_t i = at + 13; i < u.text.size() && std::isdigit(static_cast<unsigned char>(u.text[i])); ++i)
                v.push_back(u.text[i]);
            if (!v.empty()) return v;
        }
        return MarketplaceError::malformed(_s->where() + ": SELECT answered without UIDVALIDITY");
    }

    Result<std::vector<std::string>> searchAll() {
        auto r = run("UID SEARCH ALL", "UID SEARCH ALL");
        if (!r) return std::move(r).error();
        std::vector<std::string> uids;
        for (const auto& u : r.value()) {
            if (upper(u.text).rfind("SEARCH", 0) != 0) continue;
            std::string cur;
            for (std::size_t i = 6; i <= u.text.size(); ++i) {
                const char c = i < u.text.size() ? u.text[i] : ' ';
                if (std::isdigit(static_cast<unsigned char>(c))) cur.push_back(c);
                else if (c == ' ') { if (!cur.empty()) uids.push_back(cur); cur.clear(); }
                else return MarketplaceError::malformed(_s->where() + ": unreadable SEARCH answer");
            }
        }
        return uids;
    }

    void logout() { (void)run("LOGOUT", "LOGOUT"); }

    const std::string& where() const { return _s->where(); }

private:
    static std::string quote(const std::string& s) {
        std::string q = "\"";
        for (char c : s) {
            if (c == '"' || c == '\\') q.push_back('\\');
            q.push_back(c);
        }
        return q + "\"";
    }

    Result<bool> sendString(const std::string& s, bool more) {
        bool ascii = true;
        for (char c : s)
            if (static_cast<unsigned char>(c) >= 0x80) ascii = false;
        const std::string end = more ? " " : "\r\n";
        if (ascii) return _s->write(quote(s) + end);
        auto w = _s->write("{" + std::to_string(s.size()) + "}\r\n");
        if (!w) return w;
        auto cont = _s->readLine(8192);
        if (!cont) return std::move(cont).error();
        if (cont.value().rfind("+", 0) != 0)
            return MarketplaceError::make(ErrorKind::Rejected, "imap", "The mail server refused the login.",
                                          _s->where() + ": literal not accepted: " + cont.value().substr(0, 200));
        return _s->write(s + end);
    }

    Result<std::vector<Untagged>> collect(const std::string& tag, const std::string& shown, std::size_t maxLiteral) {
        std::vector<Untagged> out;
        for (;;) {
            auto line = _s->readLine(1u << 20);
            if (!line) return std::move(line).error();
            std::string l = std::move(line).value();
            if (l.rfind(tag + " ", 0) == 0) {
                const std::string status = upper(l.substr(tag.size() + 1, 3));
                if (status.rfind("OK", 0) == 0) return out;
                return MarketplaceError::make(ErrorKind::Rejected, "imap", "The mail server refused a command.",
                                              _s->where() + ": " + shown + " answered " + l.substr(0, 200));
            }
            if (l.rfind("+", 0) == 0) continue;  // continuation we did not ask for
            if (l.rfind("* ", 0) != 0)
                return MarketplaceError::malformed(_s->where() + ": expected an IMAP response line, got \"" +
                                                   l.substr(0, 100) + "\"");
            Untagged u;
            u.text = l.substr(2);
            // Literals: the line announces {n}, n bytes follow, then the rest of the response.
            while (auto n = literalSize(u.text)) {
                if (*n > maxLiteral)
                    return MarketplaceError::malformed(_s->where() + ": literal of " + std::to_string(*n) +
                                                       " bytes, more than the limit of " + std::to_string(maxLiteral));
                auto data = _s->readExact(*n);
                if (!data) return std::move(data).error();
                u.literals.push_back(std::move(data).value());
                u.text.erase(u.text.rfind('{'));
                u.text += "{}";
                auto rest = _s->readLine(1u << 20);
                if (!rest) return std::move(rest).error();
                u.text += rest.value();
            }
            if (upper(u.text).rfind("BYE", 0) == 0 && shown != "LOGOUT")
                return MarketplaceError::make(ErrorKind::Network, "imap_bye", "The mail server closed the session.",
                                              _s->where() + ": " + u.text.substr(0, 200));
            out.push_back(std::move(u));
        }
    }

    std::unique_ptr<MailSocket> _s;
    const MailboxSettings& _st;
    int _counter = 0;
};

Result<std::unique_ptr<Session>> openSession(const MailboxSettings& st) {
    auto sock = MailSocket::open(st, "imap");
    if (!sock) return std::move(sock).error();
    auto s = std::make_unique<Session>(std::move(sock).value(), st);
    auto g = s->greeting();
    if (!g) return std::move(g).error();
    auto in = s->login();
    if (!in) return std::move(in).error();
    return s;
}

// "RFC822.SIZE 123" in a FETCH response.
std::optional<std::size_t> fetchNumber(const std::string& text, const std::string& item) {
    const auto at = upper(text).find(item + " ");
    if (at == std::string::npos) return std::nullopt;
    std::string v;
    for (std::size_t i = at + item.size() + 1; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i)
        v.push_back(text[i]);
    if (v.empty() || v.size() > 18) return std::nullopt;
    return static_cast<std::size_t>(std::stoull(v));
}

} // namespace

std::string ImapMailbox::key() const {
    return "imaps://" + _settings.user + "@" + _settings.host + ":" + std::to_string(_settings.port) + "/" + _folder;
}

Result<std::vector<MessageInfo>> ImapMailbox::list() {
    auto opened = openSession(_settings);
    if (!opened) return std::move(opened).error();
    Session& s = *opened.value();
    auto validity = s.select(_folder);
    if (!validity) return std::move(validity).error();
    auto uids = s.searchAll();
    if (!uids) return std::move(uids).error();
    std::vector<std::pair<std::uint64_t, MessageInfo>> found;
    if (!uids.value().empty()) {
        // One round trip for every size ("1:*" on an empty mailbox is refused by some servers).
        auto sizes = s.run("UID FETCH 1:* (UID RFC822.SIZE)", "UID FETCH 1:* (UID RFC822.SIZE)");
        if (!sizes) return std::move(sizes).error();
        std::set<std::uint64_t> seen;
        for (const auto& u : sizes.value()) {
            if (upper(u.text).find(" FETCH (") == std::string::npos) continue;  // EXISTS, EXPUNGE, ...
            const auto uid = fetchNumber(u.text, "UID");
            const auto size = fetchNumber(u.text, "RFC822.SIZE");
            if (!uid || !size)
                return MarketplaceError::malformed(s.where() + ": expected UID and RFC822.SIZE in \"" +
                                                   u.text.substr(0, 100) + "\"");
            if (!seen.insert(*uid).second) continue;
            found.push_back({*uid, {validity.value() + ":" + std::to_string(*uid), *size}});
        }
    }
    s.logout();
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<MessageInfo> out;
    out.reserve(found.size());
    for (auto& f : found) out.push_back(std::move(f.second));
    return out;
}

Result<FetchResult> ImapMailbox::fetch(const std::vector<std::string>& ids) {
    FetchResult out;
    if (ids.empty()) return out;
    auto opened = openSession(_settings);
    if (!opened) return std::move(opened).error();
    Session& s = *opened.value();
    auto validity = s.select(_folder);
    if (!validity) return std::move(validity).error();
    std::set<std::string> done;
    for (const auto& id : ids) {
        const auto colon = id.find(':');
        if (colon == std::string::npos || id.substr(0, colon) != validity.value()) continue;
        const std::string uid = id.substr(colon + 1);
        if (uid.empty() || uid.size() > 10 || !std::all_of(uid.begin(), uid.end(), [](unsigned char c) {
                return std::isdigit(c) != 0;
            }))
            continue;
        if (!done.insert(uid).second) continue;
        auto sizeAnswer = s.run("UID FETCH " + uid + " (RFC822.SIZE)", "UID FETCH " + uid + " (RFC822.SIZE)");
        if (!sizeAnswer) return std::move(sizeAnswer).error();
        std::optional<std::size_t> size;
        for (const auto& u : sizeAnswer.value())
            if (auto n = fetchNumber(u.text, "RFC822.SIZE")) size = n;
        if (!size) continue;  // expunged meanwhile
        if (*size > _settings.maxMessageBytes) {
            out.oversized.push_back(id);
            continue;
        }
        auto body = s.run("UID FETCH " + uid + " BODY.PEEK[]", "UID FETCH " + uid + " BODY.PEEK[]",
                          _settings.maxMessageBytes + 65536);
        if (!body) return std::move(body).error();
        bool got = false;
        for (auto& u : body.value()) {
            if (u.literals.empty() || upper(u.text).find("BODY[]") == std::string::npos) continue;
            out.messages.push_back({id, std::move(u.literals.front())});
            got = true;
            break;
        }
        if (!got)
            return MarketplaceError::malformed(s.where() + ": UID FETCH " + uid + " BODY.PEEK[] returned no message text");
    }
    s.logout();
    return out;
}

Result<std::size_t> ImapMailbox::deleteMessages(const std::vector<std::string>& ids) {
    auto opened = openSession(_settings);
    if (!opened) return std::move(opened).error();
    Session& s = *opened.value();
    auto validity = s.select(_folder);
    if (!validity) return std::move(validity).error();
    auto uids = s.searchAll();
    if (!uids) return std::move(uids).error();
    const std::set<std::string> present(uids.value().begin(), uids.value().end());
    std::size_t deleted = 0;
    for (const auto& id : ids) {
        const auto colon = id.find(':');
        if (colon == std::string::npos || id.substr(0, colon) != validity.value()) continue;
        const std::string uid = id.substr(colon + 1);
        if (!present.count(uid)) continue;
        auto r = s.run("UID STORE " + uid + " +FLAGS.SILENT (\\Deleted)", "UID STORE " + uid);
        if (!r) return std::move(r).error();
        ++deleted;
    }
    if (deleted > 0) {
        auto r = s.run("EXPUNGE", "EXPUNGE");
        if (!r) return std::move(r).error();
    }
    s.logout();
    return deleted;
}

} // namespace sac::amazon
