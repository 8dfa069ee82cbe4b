#include "sac/sql/DatabaseUrl.h"

#include <cctype>
#include <charconv>

namespace sac::sql {

namespace {

const char* kMysqlForm = "mysql://user:password@host[:port]/[database][?socket=PATH][&pool=N]";
const char* kMysqlParams = "socket, pool, connect_timeout, read_timeout or write_timeout";
const char* kSqliteParams = "pool or busy_timeout_ms";

[[noreturn]] void malformed(const std::string& url, const std::string& problem) {
    throw SqlError("malformed database URL '" + DatabaseUrl::redact(url) + "': " + problem);
}

int parseInt(const std::string& url, const std::string& what, const std::string& text, int lo, int hi) {
    int v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || p != text.data() + text.size() || v < lo || v > hi)
        malformed(url, "expected " + what + " as an integer in " + std::to_string(lo) + ".." +
                           std::to_string(hi) + ", got \"" + text + "\"");
    return v;
}

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// Applies "a=1&b=2" to the URL fields.
void parseQuery(const std::string& url, const std::string& query, DatabaseUrl& u) {
    std::size_t pos = 0;
    while (pos <= query.size()) {
        std::size_t amp = query.find('&', pos);
        std::string item = query.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
        pos = amp == std::string::npos ? query.size() + 1 : amp + 1;
        if (item.empty())
            continue;
        std::size_t eq = item.find('=');
        if (eq == std::string::npos)
            malformed(url, "expected name=value in the query, got \"" + item + "\"");
        std::string key = item.substr(0, eq);
        std::string value = percentDecode(item.substr(eq + 1));
        const bool mysql = u.dialect == Dialect::MySQL;
        if (key == "pool")
            u.poolSize = parseInt(url, "pool", value, 1, 64);
        else if (key == "socket" && mysql) {
            if (value.empty())
                malformed(url, "expected a socket path after socket=, got nothing");
            u.socket = value;
        } else if (key == "connect_timeout" && mysql)
            u.connectTimeoutSeconds = parseInt(url, "connect_timeout (seconds)", value, 1, 300);
        else if (key == "read_timeout" && mysql)
            u.readTimeoutSeconds = parseInt(url, "read_timeout (seconds)", value, 0, 86400);
        else if (key == "write_timeout" && mysql)
            u.writeTimeoutSeconds = parseInt(url, "write_timeout (seconds)", value, 0, 86400);
        else if (key == "busy_timeout_ms" && !mysql)
            u.busyTimeoutMs = parseInt(url, "busy_timeout_ms", value, 0, 600000);
        else
            malformed(url, std::string("expected query parameters ") + (mysql ? kMysqlParams : kSqliteParams) +
                               ", got \"" + key + "\"");
    }
}

} // namespace

std::string percentDecode(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out += s[i];
            continue;
        }
        bool complete = i + 2 < s.size();
        int hi = complete ? hexValue(s[i + 1]) : -1;
        int lo = complete ? hexValue(s[i + 2]) : -1;
        if (hi < 0 || lo < 0)
            throw SqlError("malformed percent escape at offset " + std::to_string(i) +
                           ": expected %XX with two hex digits");
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
    }
    return out;
}

std::string percentEncode(const std::string& s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::string DatabaseUrl::redact(const std::string& url) {
    std::size_t scheme = url.find("://");
    if (scheme == std::string::npos)
        return url;
    std::size_t start = scheme + 3;
    std::size_t at = url.rfind('@');
    if (at == std::string::npos || at < start)
        return url;
    std::size_t colon = url.find(':', start);
    if (colon == std::string::npos || colon > at)
        return url;
    return url.substr(0, colon + 1) + "***" + url.substr(at);
}

DatabaseUrl DatabaseUrl::parse(const std::string& url) {
    DatabaseUrl u;
    if (url.rfind("sqlite:", 0) == 0) {
        u.dialect = Dialect::SQLite;
        std::string rest = url.substr(7);
        std::size_t q = rest.find('?');
        if (q != std::string::npos) {
            parseQuery(url, rest.substr(q + 1), u);
            rest = rest.substr(0, q);
        }
        if (rest == ":memory:") {
            u.memory = true;
            u.poolSize = 1; // every connection would otherwise see its own empty database
            return u;
        }
        if (rest.empty())
            malformed(url, "expected sqlite:PATH or sqlite::memory:, got no path");
        u.path = rest;
        return u;
    }
    if (url.rfind("mysql://", 0) != 0) {
        std::size_t colon = url.find(':');
        malformed(url, "expected a URL starting with sqlite: or mysql://, got " +
                           (colon == std::string::npos ? std::string("no scheme")
                                                       : "scheme \"" + url.substr(0, colon) + "\""));
    }
    u.dialect = Dialect::MySQL;
    std::string rest = url.substr(8);
    std::size_t q = rest.find('?');
    std::string query;
    if (q != std::string::npos) {
        query = rest.substr(q + 1);
        rest = rest.substr(0, q);
    }
    std::size_t at = rest.rfind('@');
    if (at == std::string::npos)
        malformed(url, std::string("expected ") + kMysqlForm + ", got no user@ part");
    std::string userInfo = rest.substr(0, at);
    std::string hostPart = rest.substr(at + 1);
    std::size_t colon = userInfo.find(':');
    auto decode = [&](const std::string& part, const char* what) {
        try {
            return percentDecode(part);
        } catch (const SqlError& e) {
            malformed(url, std::string("in the ") + what + ": " + e.what());
        }
    };
    u.user = decode(userInfo.substr(0, colon), "user name");
    if (colon != std::string::npos)
        u.password = decode(userInfo.substr(colon + 1), "password");
    if (u.user.empty())
        malformed(url, std::string("expected ") + kMysqlForm + ", got an empty user name");
    std::size_t slash = hostPart.find('/');
    if (slash == std::string::npos)
        malformed(url, std::string("expected ") + kMysqlForm + ", got no '/' after the host");
    u.database = decode(hostPart.substr(slash + 1), "database name");
    if (u.database.find_first_of("/`'\"\\") != std::string::npos)
        malformed(url, "expected a database name without / ` ' \" or \\, got \"" + u.database + "\"");
    std::string hostPort = hostPart.substr(0, slash);
    std::size_t portColon = hostPort.rfind(':');
    if (portColon != std::string::npos) {
        u.port = parseInt(url, "port", hostPort.substr(portColon + 1), 1, 65535);
        hostPort = hostPort.substr(0, portColon);
    }
    if (hostPort.empty())
        malformed(url, std::string("expected ") + kMysqlForm + ", got an empty host");
    u.host = hostPort;
    parseQuery(url, query, u);
    return u;
}

std::string DatabaseUrl::toString(bool redactPassword) const {
    std::string query;
    auto addParam = [&](const std::string& kv) { query += (query.empty() ? "?" : "&") + kv; };
    auto addOptional = [&](const char* name, const std::optional<int>& v) {
        if (v) addParam(std::string(name) + "=" + std::to_string(*v));
    };
    if (dialect == Dialect::SQLite) {
        if (poolSize > 0 && !memory)
            addParam("pool=" + std::to_string(poolSize));
        addOptional("busy_timeout_ms", busyTimeoutMs);
        return "sqlite:" + (memory ? std::string(":memory:") : path) + query;
    }
    if (!socket.empty())
        addParam("socket=" + socket);
    if (poolSize > 0)
        addParam("pool=" + std::to_string(poolSize));
    addOptional("connect_timeout", connectTimeoutSeconds);
    addOptional("read_timeout", readTimeoutSeconds);
    addOptional("write_timeout", writeTimeoutSeconds);
    std::string out = "mysql://" + percentEncode(user);
    if (!password.empty() || redactPassword) {
        out += ':';
        out += redactPassword ? std::string("***") : percentEncode(password);
    }
    return out + "@" + host + ":" + std::to_string(port) + "/" + percentEncode(database) + query;
}

} // namespace sac::sql
